/**
 * otelite for runtimes with web-standard APIs only (the `browser`, `workerd`/`worker` and `default`
 * export conditions): the core, the `fetch` transport, the stack context manager, `fetch` client spans
 * and `traceFetchHandler`. Nothing here imports a Node built-in. Names it shares with the Node entry
 * point mean the same; Node-only ones (`instrumentHttp`, `traceHandler`, `AsyncLocalStorageContextManager`,
 * `detectResources`) are absent.
 * @packageDocumentation
 */
import { useEnvironmentReaders } from '../../environment-readers.js';
import { useInitEnvironment } from '../../init.js';
import { INIT_ENVIRONMENT } from '../../init-environment.js';
import { useOtlpEnvironment } from '../../export/otlp/otlp-environment-settings.js';
import { readOtlpEnvironment } from '../../export/otlp/otlp-environment.js';
import { useEnvironmentSampler } from '../../sampling/default-sampler.js';
import { createSamplerFromEnvironment } from '../../sampling/from-environment.js';

// Edge runtimes behind the default condition may have an environment (OTEL_LOG_LEVEL, OTEL_TRACES_EXPORTER).
useInitEnvironment(INIT_ENVIRONMENT);
useEnvironmentReaders();
useEnvironmentSampler(createSamplerFromEnvironment);
useOtlpEnvironment(() => readOtlpEnvironment());

export * from './exports.js';

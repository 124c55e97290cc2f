/**
 * otelite for runtimes with web-standard APIs only (the `browser`, `workerd`/`worker` and `default`
 * export conditions): the core, the `fetch` transport, the stack context manager, `fetch` client spans
 * and `traceFetchHandler`. Nothing here imports a Node built-in. Names it shares with the Node entry
 * point mean the same; Node-only ones (`instrumentHttp`, `traceHandler`, `AsyncLocalStorageContextManager`,
 * `detectResources`) are absent.
 * @packageDocumentation
 */
import { useInitEnvironment } from '../../init.js';
import { INIT_ENVIRONMENT } from '../../init-environment.js';

// Edge runtimes behind the default condition may have an environment (OTEL_LOG_LEVEL, OTEL_TRACES_EXPORTER).
useInitEnvironment(INIT_ENVIRONMENT);

export * from './exports.js';

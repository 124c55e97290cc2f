// Tests import core modules directly as well as through src/index.ts (the Node entry point); either
// way they run on Node, so the Node platform is installed first, as the entry point would.
import { nodePlatform } from '../../src/platform/node/node-platform.js';
import { installPlatform } from '../../src/platform.js';
import { useEnvironmentReaders } from '../../src/environment-readers.js';
import { createExitExport } from '../../src/export/otlp/otlp-exit-export.js';
import { useOtlpExitExport } from '../../src/export/otlp/otlp-trace-exporter.js';
import { useExitRegistry } from '../../src/processing/batch-span-processor.js';
import { batchExitRegistry } from '../../src/processing/batch-exit-export.js';
import { useOtlpEnvironment } from '../../src/export/otlp/otlp-environment-settings.js';
import { readOtlpEnvironment } from '../../src/export/otlp/otlp-environment.js';
import { useEnvironmentSampler } from '../../src/sampling/default-sampler.js';
import { createSamplerFromEnvironment } from '../../src/sampling/from-environment.js';
import { PooledIdSpan } from '../../src/trace/pooled-id-span.js';
import { useLazyIdSpans } from '../../src/trace/tracer.js';

installPlatform(nodePlatform);
useEnvironmentSampler(createSamplerFromEnvironment);
useOtlpEnvironment(() => readOtlpEnvironment());
// Only the Node platform (also under Bun and Deno) sends what is pending from its `exit` listener.
useExitRegistry(batchExitRegistry);
useOtlpExitExport(createExitExport);
useEnvironmentReaders();
useLazyIdSpans(PooledIdSpan);

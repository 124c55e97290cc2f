/**
 * otelite: a lean, fast OpenTelemetry tracing SDK for Node.js. Implements the `@opentelemetry/api`
 * interfaces; everything exported here is the public surface. This is the Node.js entry point (the
 * `node` export condition, and Bun's and Deno's base): it installs the Node platform
 * (src/platform/node/) that the core's defaults come from.
 * @packageDocumentation
 */
import { useConfigurationFileAccess } from './configuration/configuration-file.js';
import { useProtobufFallbackEncoderLoader } from './export/otlp/encoding/protobuf-fallback.js';
import { useFastSpans } from './export/otlp/encoding/binary-encoder.js';
import { simpleSpans } from './export/otlp/encoding/simple-spans.js';
import { useEnvironmentReaders } from './environment-readers.js';
import { createExitExport } from './export/otlp/otlp-exit-export.js';
import { useOtlpExitExport } from './export/otlp/otlp-trace-exporter.js';
import { useExitRegistry } from './processing/batch-span-processor.js';
import { batchExitRegistry } from './processing/batch-exit-export.js';
import { useInitEnvironment } from './init.js';
import { INIT_ENVIRONMENT } from './init-environment.js';
import { nodeConfigurationFileAccess } from './platform/node/configuration-file-access.js';
import { nodePlatform } from './platform/node/node-platform.js';
import { installPlatform } from './platform.js';
import { PooledIdSpan } from './trace/pooled-id-span.js';
import { useLazyIdSpans } from './trace/tracer.js';
import { useOtlpEnvironment } from './export/otlp/otlp-environment-settings.js';
import { readOtlpEnvironment } from './export/otlp/otlp-environment.js';
import { useEnvironmentSampler } from './sampling/default-sampler.js';
import { createSamplerFromEnvironment } from './sampling/from-environment.js';

installPlatform(nodePlatform);
useInitEnvironment(INIT_ENVIRONMENT);
useEnvironmentReaders();
useEnvironmentSampler(createSamplerFromEnvironment);
useOtlpEnvironment(() => readOtlpEnvironment());
// Only the Node platform (also under Bun and Deno) sends what is pending from its `exit` listener.
useExitRegistry(batchExitRegistry);
useOtlpExitExport(createExitExport);
// On Node a batch the fast protobuf writer fails on goes through the generated schema (an independent
// encoder); the web entries leave this out so their bundles carry no schema (protobuf-fallback.ts). The
// schema and the protobuf runtime are most of what loading otelite would cost, and the fallback is only
// for a writer failure, so they are loaded by the first encoding, not here (a chunk of their own in dist/).
// On Node the protobuf writer writes the commonest spans (HTTP server spans among them) in one go: a
// batch's span ids read at once, encoded span names kept, repeated span attributes memoized per scope
// (faster, same bytes); the web entries keep the plain way, which is smaller to ship (simple-spans.ts,
// span-id-batch.ts, name-field-cache.ts, span-attribute-memo.ts).
useFastSpans(simpleSpans);
// On Node a dropped span draws its ids only when its context is read (a non-sampled request that calls
// nothing downstream draws none), and a recorded span keeps its ids as pooled random bytes, made hex only
// when its context is read and written into the protobuf as they are; the web entries keep the API's
// non-recording span and hex ids drawn at start (sampled-out-span.ts, pooled-id-span.ts).
useLazyIdSpans(PooledIdSpan);
useProtobufFallbackEncoderLoader(async () => (await import('./export/otlp/encoding/schema-fallback-encoder.js')).encodeWithSchema);

// OTEL_CONFIG_FILE / init({ configFile }): files are read with node:fs; the YAML parser and the schema
// validator are required only when a file is named (src/platform/node/configuration-file-access.ts).
useConfigurationFileAccess(nodeConfigurationFileAccess);

export * from './core-exports.js';
export { init } from './platform/node/node-init.js';

// --- Node only
export { AsyncLocalStorageContextManager } from './platform/node/context/async-local-storage-context-manager.js';
export { DEFAULT_SERVICE_NAME, detectResources } from './platform/node/detectors.js';

export { instrumentHttp, setHttpRoute, traceHandler, tracedFetch } from './platform/node/instrumentation/http/index.js';
export type {
  HttpInstrumentation,
  HttpInstrumentationOptions,
  IncomingRequestInfo,
  OutgoingRequestInfo,
} from './platform/node/instrumentation/http/index.js';

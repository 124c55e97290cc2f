/**
 * otelite: a lean, fast OpenTelemetry tracing SDK for Node.js. Implements the `@opentelemetry/api`
 * interfaces; everything exported here is the public surface.
 * @packageDocumentation
 */

// --- contracts shared by processors and exporters
export type { FinishedSpan, SpanEvent, SpanLink } from './trace/finished-span.js';
export type { InstrumentationScope } from './trace/instrumentation-scope.js';
export type { Resource } from './resource/resource.js';
export type { SpanProcessor } from './processing/span-processor.js';
export { ExportResultCode } from './export/span-exporter.js';
export type { ExportOptions, ExportResult, SpanExporter } from './export/span-exporter.js';

// --- diagnostics
export { failureCounts } from './diagnostics/report.js';

// --- trace (SDK core)
export type { IdGenerator } from './trace/id-generator.js';

// --- sampling
export { SamplingDecision } from './sampling/sampler.js';
export type { Sampler, SamplingResult } from './sampling/sampler.js';

// --- context
export { isTracingSuppressed, suppressTracing } from './context/suppress-tracing.js';

// --- processing

// --- resource

// --- exporters

// --- propagation

// --- OTLP export

// --- instrumentation

// --- init

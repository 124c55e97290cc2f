/**
 * The names every entry point of `otelite` exports: the web-standard core (contracts, provider,
 * samplers, processors, resource, exporters, propagators, OTLP export, `traceFetchHandler`, the `init` options).
 * `src/index.ts` (Node, Bun, Deno) and `src/platform/web/index.ts` (browsers, Workers, the rest) add
 * what is their own. Not an entry point itself; nothing here imports a platform.
 */

// --- contracts shared by processors and exporters
export type { FinishedSpan, SpanEvent, SpanLink } from './trace/finished-span.js';
export type { InstrumentationScope } from './trace/instrumentation-scope.js';
export type { Resource } from './resource/resource.js';
export type { SpanProcessor } from './trace/span-processor.js';
export { ExportResultCode } from './export/span-exporter.js';
export type { ExportOptions, ExportResult, SpanExporter } from './export/span-exporter.js';
export type { CallbackExportResult, CallbackSpanExporter } from './export/callback-span-exporter.js';

// --- diagnostics
export { failureCounts } from './diagnostics/report.js';

// --- trace (SDK core)
export type { IdGenerator } from './trace/id-generator.js';
export { TracerProvider } from './trace/tracer-provider.js';
export type { RegisterOptions, TracerProviderOptions } from './trace/tracer-provider.js';
export { RandomIdGenerator } from './trace/random-id-generator.js';
export type { SpanLimits } from './trace/span-limits.js';

// --- sampling
export { SamplingDecision } from './sampling/sampler.js';
export type { Sampler, SamplingResult } from './sampling/sampler.js';
export { AlwaysOnSampler } from './sampling/always-on.js';
export { AlwaysOffSampler } from './sampling/always-off.js';
export { TraceIdRatioBasedSampler } from './sampling/trace-id-ratio-based.js';
export type { TraceIdRatioBasedSamplerOptions } from './sampling/trace-id-ratio-based.js';
export { ParentBasedSampler } from './sampling/parent-based.js';
export type { ParentBasedSamplerOptions } from './sampling/parent-based.js';
export { ProbabilitySampler } from './sampling/probability.js';
export type { ProbabilitySamplerOptions } from './sampling/probability.js';
export { createSamplerFromEnvironment, createSamplerFromSettings } from './sampling/from-environment.js';
export { AlwaysRecordSampler } from './sampling/always-record.js';
export { CompositeSampler } from './sampling/composite.js';
export type { ComposableSampler, SamplingIntent } from './sampling/composable-sampler.js';
export { composableAlwaysOn } from './sampling/composable-always-on.js';
export { composableAlwaysOff } from './sampling/composable-always-off.js';
export { composableProbability } from './sampling/composable-probability.js';
export { composableParentThreshold } from './sampling/composable-parent-threshold.js';
export { composableRuleBased } from './sampling/composable-rule-based.js';
export type {
  ComposableRule,
  ComposableRuleAttributePatterns,
  ComposableRuleAttributeValues,
  ComposableSpanKindName,
  ComposableSpanParent,
} from './sampling/composable-rule-based.js';
export type { SamplerName, SamplerSettings } from './sampling/from-environment.js';

// --- context
export { isTracingSuppressed, suppressTracing } from './context/suppress-tracing.js';
export { StackContextManager } from './context/stack-context-manager.js';
export type { ContextToken } from './context/attach-token.js';

// --- processing
export { SimpleSpanProcessor } from './processing/simple-span-processor.js';
export type { SimpleSpanProcessorOptions } from './processing/simple-span-processor.js';
export { BatchSpanProcessor } from './processing/batch-span-processor.js';
export type { BatchSpanProcessorOptions } from './processing/batch-span-processor.js';
export { KeepTracesProcessor } from './processing/keep-traces.js';
export type { KeepTracesProcessorOptions } from './processing/keep-traces.js';

// --- resource
export { emptyResource, mergeResources, resourceFromAttributes } from './resource/resource.js';
export { defaultResource } from './resource/default-resource.js';

// --- exporters
export { InMemorySpanExporter } from './export/in-memory-span-exporter.js';
export { ConsoleSpanExporter } from './export/console-span-exporter.js';
export type { ConsoleSpanExporterOptions, TextSink } from './export/console-span-exporter.js';

// --- propagation
export { W3CTraceContextPropagator } from './propagation/trace-context.js';
export { createTraceState } from './propagation/trace-state.js';
export { W3CBaggagePropagator } from './propagation/baggage.js';
export { CompositePropagator } from './propagation/composite.js';
export type { CompositePropagatorOptions } from './propagation/composite.js';
export { createPropagatorFromEnvironment, createPropagatorFromNames } from './propagation/from-environment.js';
export type { PropagatorName } from './propagation/from-environment.js';

// --- OTLP export (the encoders, the request mapping and the retry defaults are `otelite/otlp`)
export { OTLPTraceExporter } from './export/otlp/otlp-trace-exporter.js';
export type { OTLPTraceExporterOptions } from './export/otlp/otlp-exporter-options.js';
export { createFetchTransport } from './transport/fetch-transport.js';
export type { FetchTransportSettings } from './transport/fetch-transport.js';
export type {
  HttpResponse,
  HttpTransport,
  HttpTransportFactory,
  HttpTransportOptions,
  RequestProgress,
  SynchronousPostOutcome,
} from './transport/http-transport.js';
export type { RetryPolicy } from './export/otlp/retry.js';
export type { TlsMaterial, TlsOptions } from './transport/http-transport.js';

// --- instrumentation
export { traceFetchHandler } from './instrumentation/fetch/trace-fetch-handler.js';
export type { FetchHandler, TraceFetchHandlerOptions } from './instrumentation/fetch/trace-fetch-handler.js';
export type { PropagateTraceHeaderUrls } from './instrumentation/propagate-trace-header-urls.js';

// --- init
export type { InitInstrumentations, InitOptions, OteliteSdk } from './init.js';
// `init` itself is each entry point's, typed with its platform's HTTP options.

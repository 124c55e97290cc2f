// Referenced by the documentation below.
import type { FinishedSpan } from '../trace/finished-span.js';
import type { SpanExporter } from './span-exporter.js';

/**
 * The result an opentelemetry-js exporter hands to its callback: `code` 0 (`SUCCESS`) or 1 (`FAILED`),
 * the values of `ExportResultCode` in both SDKs, and why it failed.
 */
export interface CallbackExportResult {
  readonly code: number;
  readonly error?: Error;
}

/**
 * opentelemetry-js's `SpanExporter` contract (`@opentelemetry/sdk-trace-base`): `export` takes a callback
 * and delivers its result there instead of returning a promise; `shutdown` and `forceFlush` return
 * promises. otelite's processors accept such an exporter wherever they accept a {@link SpanExporter}, so
 * opentelemetry-js's OTLP exporters, its `InMemorySpanExporter` and vendor exporters built on them work
 * unchanged; each span they receive is a {@link FinishedSpan}, which offers what their `ReadableSpan`
 * offers.
 *
 * @example
 * ```ts
 * import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
 * const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
 * ```
 */
export interface CallbackSpanExporter {
  /**
   * Sends `spans` and calls `resultCallback` once with the outcome. The span type is left open here
   * (`never[]`) so that an exporter typed against opentelemetry-js's `ReadableSpan[]` is accepted as it
   * is; otelite hands it {@link FinishedSpan}s.
   */
  export(spans: never[], resultCallback: (result: CallbackExportResult) => void): void;
  shutdown?(): Promise<void>;
  forceFlush?(): Promise<void>;
}

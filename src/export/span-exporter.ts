import type { FinishedSpan } from '../trace/finished-span.js';

/** Whether an export reached its destination. Values match opentelemetry-js's `ExportResultCode`. */
export enum ExportResultCode {
  SUCCESS = 0,
  FAILED = 1,
}

/** The outcome of one {@link SpanExporter.export} call. */
export interface ExportResult {
  readonly code: ExportResultCode;
  /** Why the export failed, when it did. */
  readonly error?: Error;
}

/** Options for one export call. */
export interface ExportOptions {
  /** Aborts the export (its requests and retries) when signalled. */
  readonly signal?: AbortSignal;
}

/**
 * Sends finished spans somewhere.
 *
 * Contract: `export` never throws and its promise never rejects; it resolves with a result once the
 * spans are delivered or given up on. The exporter does its own retrying; the caller (a span processor)
 * never retries. The caller does not start a second export on the same exporter before the first
 * resolves unless the exporter documents that it allows concurrency. `shutdown` is idempotent; after it,
 * `export` resolves with `FAILED` at once.
 */
export interface SpanExporter {
  export(spans: readonly FinishedSpan[], options?: ExportOptions): Promise<ExportResult>;
  /** Resolves once everything handed to `export` so far is delivered or given up on. */
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

import type { FinishedSpan } from '../trace/finished-span.js';
import type { ExportResult } from './span-exporter.js';

/**
 * A batch span processor's queue that holds its spans encoded, not as objects: each span is encoded
 * as it ends and only its bytes wait for the export (less for the garbage collector to trace and
 * copy). Made for an exporter by the factory the Node entry installs (`useEncodedSpanQueues`), only
 * for otelite's own OTLP/protobuf exporter; every other exporter gets the spans themselves.
 */
export interface EncodedSpanQueue {
  /** Spans queued. */
  readonly length: number;
  /** Encodes `span` and queues its bytes; `false` when it could not be encoded (reported, not queued). Never throws. */
  add(span: FinishedSpan): boolean;
  /** Takes up to one export batch off the front of the queue (the spans that ended first). */
  take(): EncodedSpanBatch;
  /** Takes everything queued, in order. */
  takeAll(): EncodedSpanBatch[];
  /** Exports `batch` as the exporter's `export` would its spans. Never rejects. */
  export(batch: EncodedSpanBatch, signal: AbortSignal): Promise<ExportResult>;
  /**
   * While the process exits: sends synchronously, within `timeoutMillis`, what of `exporting` (an
   * export that has not finished) has not gone out whole, then `batches`. Returns how many spans were
   * in requests that failed. Never throws.
   */
  exportAtExit(exporting: EncodedSpanBatch | undefined, batches: readonly EncodedSpanBatch[], timeoutMillis: number): { readonly count: number };
}

/** Spans taken off an {@link EncodedSpanQueue}, in the order they ended. */
export interface EncodedSpanBatch {
  readonly count: number;
}

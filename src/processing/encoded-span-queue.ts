import type { ExportOptions, ExportResult } from '../export/span-exporter.js';
import type { FinishedSpan } from '../trace/finished-span.js';

/**
 * A `BatchSpanProcessor`'s queue that holds its spans encoded, not as objects: each span is encoded
 * as it ends and only its bytes wait for the export (less for the garbage collector to trace and
 * copy). Made by the factory the Node entry installs (`useEncodedSpanQueues`,
 * platform/node/span-record-queue.ts), only for otelite's own OTLP/protobuf exporter; the processor
 * keeps the spans themselves for every other exporter. Its `export` takes its batches the way an
 * exporter's takes spans, so the processor exports both through `exportSpans`. (No internal tag:
 * `stripInternal` would drop it from the published types, which name it.)
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
  /** Sends `batch` as the exporter's `export` would its spans. Never rejects. */
  export(batch: EncodedSpanBatch, options: ExportOptions): Promise<ExportResult>;
  /**
   * While the process exits: sends synchronously, within `timeoutMillis`, what of `exporting` (an
   * export that has not finished) has not gone out whole, then `batches`. Returns how many spans
   * failed. Never throws.
   */
  exportAtExit(exporting: EncodedSpanBatch | undefined, batches: readonly EncodedSpanBatch[], timeoutMillis: number): number;
}

/** Spans taken off an {@link EncodedSpanQueue}, in the order they ended. */
export interface EncodedSpanBatch {
  /** How many spans. */
  readonly length: number;
}

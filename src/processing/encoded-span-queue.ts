import type { ExportOptions, ExportResult } from '../export/span-exporter.js';
import type { FinishedSpan } from '../trace/finished-span.js';

/**
 * A `BatchSpanProcessor`'s queue that holds its spans encoded, not as objects: each span is encoded
 * as it ends and only its bytes wait for the export (less for the garbage collector to trace and
 * copy). Made by the factory the Node entry installs (`useEncodedSpanQueues`,
 * platform/node/span-record-queue.ts), only for otelite's own OTLP/protobuf exporter; the processor
 * keeps the spans themselves in an array for every other exporter. Its `export` takes its batches the
 * way an exporter's takes spans, so the processor exports both through `exportSpans`. (No internal tag:
 * `stripInternal` would drop it from the published types, which name it.)
 */
export interface EncodedSpanQueue {
  /** Spans queued. */
  readonly length: number;
  /**
   * Encodes `span` and queues its bytes; returns the spans queued then, or 0 when it could not be
   * encoded (reported, not queued). Never throws. (The processor calls its queue's `push` and `splice`
   * the same way whichever queue it has: the array's code is the page's, and this adds little to it.)
   */
  push(span: FinishedSpan): number;
  /** With a count: takes up to one export batch off the front of the queue (the spans that ended first); without: everything queued, in batches. */
  splice(start: 0, count: number): EncodedSpanBatch;
  splice(start: 0): EncodedSpanBatch[];
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

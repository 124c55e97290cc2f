import { reportError } from '../../diagnostics/report.js';
import type { CallbackSpanExporter } from '../../export/callback-span-exporter.js';
import {
  appendSpanRecord,
  encodeSpanRecords,
  encodeSpansToProtobuf,
  isEncoding,
  singleRecordRequestSize,
  type SpanRecords,
} from '../../export/otlp/encoding/binary-encoder.js';
import { ENCODE_ERROR_KIND } from '../../export/otlp/encoding/encode-error-kind.js';
import {
  appendSimpleSpanRecord,
  finishRecordIds,
  frameSpanRecords,
  type OpenRecordBatch,
  recordHeadRoom,
} from '../../export/otlp/encoding/simple-spans.js';
import { dropIdWritesPast, type HexIdWrites, newHexIdWrites } from '../../export/otlp/encoding/span-id-batch.js';
import type { EncodedPart } from '../../export/otlp/encoding/encode-within-limit.js';
import { type ExporterExitExport, exitExportOf } from '../../export/otlp/otlp-exit-export.js';
import { OTLPTraceExporter } from '../../export/otlp/otlp-trace-exporter.js';
import type { ExportOptions, ExportResult, SpanExporter } from '../../export/span-exporter.js';
import type { EncodedSpanBatch, EncodedSpanQueue } from '../../processing/encoded-span-queue.js';
import type { EncodedExportOptions } from '../../export/otlp/otlp-trace-exporter.js';
import type { Resource } from '../../resource/resource.js';
import type { FinishedSpan } from '../../trace/finished-span.js';
import type { InstrumentationScope } from '../../trace/instrumentation-scope.js';

/** What a queue of encoded spans reaches of an `OTLPTraceExporter`. */
interface EncodedExportAccess {
  readonly exporter: OTLPTraceExporter;
  readonly maxRequestBytes: number;
  /** Its exit export. */
  readonly atExit: ExporterExitExport;
}

/**
 * The Node entry's queue of encoded spans for a `BatchSpanProcessor` in front of otelite's own
 * `OTLPTraceExporter` sending OTLP/protobuf (installed with `useEncodedSpanQueues`; the web entries do
 * not, so a page bundles none of it). Each span is written when it ends, by the protobuf writer, as the
 * `ScopeSpans.spans` field it becomes in a request, into the buffer of the batch it will be exported
 * in (a chunk of `maxExportBatchSize` spans); at export the request is the chunk's records grouped
 * under their cached resource and scope messages: the bytes `encodeSpansToProtobuf` gives for the same
 * spans. A chunk holds its bytes, an end offset and a resource-and-scope index per span, so a queued
 * span is no object graph for the garbage collector. Any other exporter (a user's, JSON, an
 * `OTLPTraceExporter` whose `export` was replaced) gets `undefined`: the processor keeps the spans.
 * @internal
 *
 * @example
 * ```ts
 * useEncodedSpanQueues(createSpanRecordQueue);
 * ```
 */
export function createSpanRecordQueue(exporter: SpanExporter | CallbackSpanExporter, batchSize: number): EncodedSpanQueue | undefined {
  if (!(exporter instanceof OTLPTraceExporter) || exporter.export !== OTLPTraceExporter.prototype.export) return undefined;
  const found = exitExportOf(exporter);
  if (found === undefined || found.state.encode !== encodeSpansToProtobuf) return undefined;
  return new SpanRecordQueue({ exporter, maxRequestBytes: found.state.maxRequestBytes, atExit: found.exit }, batchSize);
}

/**
 * Up to one export batch of span records, written as its spans end: from `headRoom` on (room kept for
 * the request's framing), each span's `ScopeSpans.spans` field; per span its end and its resource and
 * scope. While all its spans share the first one's resource and scope (the usual case) the request is
 * the buffer itself, framed in the room kept; otherwise the records are grouped into a new buffer.
 */
class RecordChunk implements SpanRecords, OpenRecordBatch, EncodedSpanBatch {
  bytes: Uint8Array<ArrayBuffer>;
  view: DataView<ArrayBuffer>;
  /** Bytes in use (the head room included). */
  length = 0;
  readonly ids: HexIdWrites = newHexIdWrites();
  readonly ends: Int32Array;
  readonly pairOf: Uint16Array;
  readonly pairs: (readonly [Resource, InstrumentationScope])[] = [];
  /** Per pair: the size of a request holding none of its spans (the resource and scope around them). */
  readonly pairOverheads: number[] = [];
  /** Per span, when any is to be left out (an id found not hex when the batch was assembled). */
  skipped: Uint8Array | undefined;
  /** How many spans. */
  count = 0;
  /** Where the first record starts: the room kept for the framing. */
  firstStart = 0;
  /** Whether a span of another resource or scope than the first's is in it. */
  mixed = false;
  /** Records up to this size surely fit in a request of their own (larger ones are checked). */
  recordLimit = 0;
  lastResource: Resource | undefined;
  lastScope: InstrumentationScope | undefined;
  lastPair = -1;

  constructor(capacity: number, initialBytes: number) {
    const buffer = Buffer.allocUnsafeSlow(initialBytes).buffer as ArrayBuffer;
    this.bytes = new Uint8Array(buffer, 0, initialBytes);
    this.view = new DataView(buffer, 0, initialBytes);
    this.ends = new Int32Array(capacity);
    this.pairOf = new Uint16Array(capacity);
  }

  /** Empties the chunk for reuse (its buffers kept). */
  reset(): void {
    if (this.mixed) this.pairOf.fill(0);
    this.count = 0;
    this.length = 0;
    this.pairs.length = 0;
    this.pairOverheads.length = 0;
    this.skipped = undefined;
    this.mixed = false;
    this.lastResource = undefined;
    this.lastScope = undefined;
    this.lastPair = -1;
    if (this.ids.count !== 0) {
      this.ids.pieces = [];
      this.ids.count = 0;
      this.ids.length = 0;
    }
  }

  /** The index of the pair of `resource` and `scope`, added on first sight; -1 past the most pairs a chunk holds. */
  pairIndex(resource: Resource, scope: InstrumentationScope): number {
    const pairs = this.pairs;
    let index = -1;
    for (let i = 0; i < pairs.length; i++) {
      if (pairs[i][0] === resource && pairs[i][1] === scope) {
        index = i;
        break;
      }
    }
    if (index === -1) {
      if (pairs.length > MAX_PAIR_INDEX) return -1;
      index = pairs.length;
      pairs.push([resource, scope]);
      this.pairOverheads.push(singleRecordRequestSize(0, resource, scope));
      if (index !== 0) this.mixed = true;
    }
    this.lastResource = resource;
    this.lastScope = scope;
    this.lastPair = index;
    return index;
  }
}

const MAX_PAIR_INDEX = 0xffff;
/** Whether a span is being written now (a span that ends meanwhile, from span data read by the writer, is not written). */
let writing = false;

function dropEndedWhileWriting(span: FinishedSpan): false {
  reportError(ENCODE_ERROR_KIND, new Error(`span "${String(span.name)}" ended while another span was being encoded`), 'span dropped');
  return false;
}
/** The first chunk's buffer; later ones start at the size the chunk before ended with. */
const INITIAL_CHUNK_BYTES = 16 * 1024;

/** A batch taken off the queue: its chunk until its export is over (its requests are views of the chunk's buffer), then only its count. */
class RecordBatch implements EncodedSpanBatch {
  readonly length: number;
  chunk: RecordChunk | undefined;
  /** Its requests, once made (an export and the exit export send the same bytes). */
  parts: EncodedPart[] | undefined;

  constructor(chunk: RecordChunk) {
    this.length = chunk.count;
    this.chunk = chunk;
  }
}

/** Chunks kept for reuse once their exports are over. */
const MAX_FREE_CHUNKS = 2;

class SpanRecordQueue implements EncodedSpanQueue {
  readonly #access: EncodedExportAccess;
  readonly #batchSize: number;
  readonly #maxRequestBytes: number;
  readonly #chunks: RecordChunk[] = [];
  readonly #free: RecordChunk[] = [];
  /** The chunk spans are written into now (the last of `#chunks`), if any. */
  #open: RecordChunk | undefined;
  #chunkBytes = INITIAL_CHUNK_BYTES;
  length = 0;

  constructor(access: EncodedExportAccess, batchSize: number) {
    this.#access = access;
    this.#batchSize = batchSize;
    this.#maxRequestBytes = access.maxRequestBytes;
  }

  add(span: FinishedSpan): boolean {
    let chunk = this.#open;
    if (chunk === undefined || chunk.count === this.#batchSize) chunk = this.#openChunk();
    if (writing || isEncoding()) return dropEndedWhileWriting(span);
    if (span.resource !== chunk.lastResource || span.instrumentationScope !== chunk.lastScope) {
      if (!this.#usePair(chunk, span)) return false;
    }
    const start = chunk.length;
    writing = true;
    let end = appendSimpleSpanRecord(span, chunk);
    writing = false;
    if (end < 0) {
      // Not a span the one-pass writer takes: the general way, which reports what it cannot encode.
      writing = true;
      end = appendSpanRecord(span, chunk) < 0 ? -1 : chunk.length;
      writing = false;
      if (end < 0) return false;
    }
    if (end - start > chunk.recordLimit && this.#tooLarge(chunk, span, end - start)) {
      chunk.length = start;
      // Its hex ids, deferred, are let go of too (the last ones, whose places are past its start).
      dropIdWritesPast(chunk.ids, start);
      return false;
    }
    chunk.length = end;
    const count = chunk.count;
    chunk.ends[count] = end;
    // Pair 0 (the first span's) is the zero the array holds (see reset).
    const pair = chunk.lastPair;
    if (pair !== 0) chunk.pairOf[count] = pair;
    chunk.count = count + 1;
    this.length++;
    return true;
  }

  /** Makes the span's resource and scope the chunk's current pair (the first span's: the framing's room kept for them); `false` when the span is dropped. */
  #usePair(chunk: RecordChunk, span: FinishedSpan): boolean {
    try {
      const resource = span.resource;
      const scope = span.instrumentationScope;
      if (chunk.count === 0) {
        chunk.pairs.length = 0;
        chunk.pairOverheads.length = 0;
        chunk.firstStart = chunk.length = recordHeadRoom(resource, scope);
        chunk.mixed = false;
      }
      if (chunk.pairIndex(resource, scope) < 0) {
        reportError(ENCODE_ERROR_KIND, new Error(`more than ${MAX_PAIR_INDEX + 1} resources and scopes in one batch`), 'span dropped');
        return false;
      }
      let largest = 0;
      for (const overhead of chunk.pairOverheads) largest = Math.max(largest, overhead);
      chunk.recordLimit = this.#maxRequestBytes - largest - 16;
      return true;
    } catch (error) {
      reportError(ENCODE_ERROR_KIND, error, `span "${String(span.name)}" dropped from the OTLP batch`);
      return false;
    }
  }

  /** Whether a request of this one record would be over the request limit (then it is reported). */
  #tooLarge(chunk: RecordChunk, span: FinishedSpan, recordSize: number): boolean {
    const [resource, scope] = chunk.pairs[chunk.lastPair];
    const encodedBytes = singleRecordRequestSize(recordSize, resource, scope);
    if (encodedBytes <= this.#maxRequestBytes) return false;
    // Past the request limit alone: dropped, as the exporter drops such a span.
    reportError(
      'export',
      new Error(
        `span "${String(span.name)}" dropped: it encodes to ${encodedBytes} bytes, over maxRequestBytes (${this.#maxRequestBytes})`,
      ),
    );
    return true;
  }

  #openChunk(): RecordChunk {
    const last = this.#open;
    if (last !== undefined) this.#chunkBytes = Math.max(INITIAL_CHUNK_BYTES, last.length + (last.length >>> 3));
    const chunk = this.#free.pop() ?? new RecordChunk(this.#batchSize, this.#chunkBytes);
    this.#chunks.push(chunk);
    this.#open = chunk;
    return chunk;
  }

  take(): EncodedSpanBatch {
    const chunk = this.#chunks.shift() as RecordChunk;
    if (chunk === this.#open) this.#open = undefined;
    this.length -= chunk.count;
    return new RecordBatch(chunk);
  }

  takeAll(): EncodedSpanBatch[] {
    const chunks = this.#chunks.splice(0);
    this.#open = undefined;
    this.length = 0;
    return chunks.map((chunk) => new RecordBatch(chunk));
  }

  /** The requests of `batch` (made once; views of its chunk's buffer, or new buffers when its spans are of several resources or scopes). */
  #encode(batch: RecordBatch): EncodedPart[] {
    if (batch.parts !== undefined) return batch.parts;
    const chunk = batch.chunk;
    if (chunk === undefined) return [];
    finishRecordIds(chunk, (target) => {
      // An id that is not hex: its span left out, as the batch writers drop it.
      let index = 0;
      while (index < chunk.count && chunk.ends[index] <= target) index++;
      chunk.skipped ??= new Uint8Array(chunk.count);
      chunk.skipped[index] = 1;
      chunk.mixed = true;
      reportError(ENCODE_ERROR_KIND, new Error('a span id or trace id is not hex'), 'span dropped from the OTLP batch');
    });
    let parts: EncodedPart[];
    if (!chunk.mixed && chunk.count > 0) {
      const [resource, scope] = chunk.pairs[0];
      const payload = frameSpanRecords(chunk, chunk.firstStart, resource, scope);
      parts =
        payload.length <= this.#maxRequestBytes
          ? [{ payload, spanCount: chunk.count, spans: NO_SPANS }]
          : recordParts(chunk, this.#maxRequestBytes);
    } else {
      parts = recordParts(chunk, this.#maxRequestBytes);
    }
    batch.parts = parts;
    return parts;
  }

  /** After `batch`'s export is over: its chunk kept for reuse. */
  #release(batch: RecordBatch): void {
    const chunk = batch.chunk;
    batch.chunk = undefined;
    if (chunk !== undefined && this.#free.length < MAX_FREE_CHUNKS && chunk.count === this.#batchSize) {
      chunk.reset();
      this.#free.push(chunk);
    }
  }

  exportAtExit(exporting: EncodedSpanBatch | undefined, batches: readonly EncodedSpanBatch[], timeoutMillis: number): number {
    let count = exporting === undefined ? 0 : exporting.length;
    for (const batch of batches) count += batch.length;
    if (count === 0) return 0;
    const atExit = this.#access.atExit;
    try {
      if (atExit === undefined) throw new Error('no exit export here');
      // Of the export running now, the requests that have not gone out whole: their bodies, as they were.
      const parts = exporting === undefined ? [] : (atExit.unsentParts(exporting) ?? this.#encode(exporting as RecordBatch).slice());
      for (const batch of batches) for (const part of this.#encode(batch as RecordBatch)) parts.push(part);
      const { failedSpans } = atExit.sendParts(parts, timeoutMillis);
      return failedSpans;
    } catch (error) {
      reportError('export', error, 'at exit');
      return count;
    }
  }

  export(batch: EncodedSpanBatch, options: ExportOptions): Promise<ExportResult> {
    const records = batch as RecordBatch;
    // Through the exporter's own `export` (as it was when this queue was made): the batch keys the export
    // for its exit export, and `encode` gives the bodies.
    const encoded: EncodedExportOptions = { signal: options.signal, encode: () => this.#encode(records) };
    const sent = OTLPTraceExporter.prototype.export.call(this.#access.exporter, batch as unknown as readonly FinishedSpan[], encoded);
    void sent.then(() => this.#release(records));
    return sent;
  }

  /**
   * Spans queued, as the batch processor counts them; `push` and `splice` are its queue's calls, so
   * that the processor (page code too) treats this queue as it treats its array.
   */
  push(span: FinishedSpan): number {
    return this.add(span) ? this.length : 0;
  }

  splice(start: 0, count: number): EncodedSpanBatch;
  splice(start: 0): EncodedSpanBatch[];
  splice(_start: 0, count?: number): EncodedSpanBatch[] | EncodedSpanBatch {
    return count === undefined ? this.takeAll() : this.take();
  }
}

/** The request bodies of `chunk`'s records: one, or as many halves as keep each within `maxBytes`. */
function recordParts(chunk: RecordChunk, maxBytes: number): EncodedPart[] {
  const parts: EncodedPart[] = [];
  partsInto(chunk, 0, chunk.count, maxBytes, parts);
  return parts;
}

function partsInto(chunk: RecordChunk, from: number, to: number, maxBytes: number, parts: EncodedPart[]): void {
  if (from === to) return;
  const payload = encodeSpanRecords(chunk, from, to);
  let spanCount = to - from;
  const skipped = chunk.skipped;
  if (skipped !== undefined) for (let i = from; i < to; i++) spanCount -= skipped[i];
  if (payload.length <= maxBytes || to - from === 1) {
    if (spanCount > 0) parts.push({ payload, spanCount, spans: NO_SPANS });
    return;
  }
  const middle = from + Math.ceil((to - from) / 2);
  partsInto(chunk, from, middle, maxBytes, parts);
  partsInto(chunk, middle, to, maxBytes, parts);
}

const NO_SPANS: readonly FinishedSpan[] = [];

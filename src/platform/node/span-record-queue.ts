import { reportError } from '../../diagnostics/report.js';
import type { CallbackSpanExporter } from '../../export/callback-span-exporter.js';
import {
  appendSpanRecord,
  encodeSpanRecords,
  singleRecordRequestSize,
  type SpanRecordArena,
  type SpanRecords,
} from '../../export/otlp/encoding/binary-encoder.js';
import type { EncodedPart } from '../../export/otlp/encoding/encode-within-limit.js';
import type { ExporterExitExport } from '../../export/otlp/otlp-exit-export.js';
import type { ResolvedExporterOptions } from '../../export/otlp/otlp-exporter-options.js';
import { OTLPTraceExporter, type SendEncoded } from '../../export/otlp/otlp-trace-exporter.js';
import { ExportResultCode, type ExportOptions, type ExportResult, type SpanExporter } from '../../export/span-exporter.js';
import type { EncodedSpanBatch, EncodedSpanQueue } from '../../processing/encoded-span-queue.js';
import type { Resource } from '../../resource/resource.js';
import type { FinishedSpan } from '../../trace/finished-span.js';
import type { InstrumentationScope } from '../../trace/instrumentation-scope.js';

/** What a queue of encoded spans reaches of an `OTLPTraceExporter`. */
interface EncodedExportAccess {
  /** Whether it sends OTLP/protobuf. */
  readonly protobuf: boolean;
  readonly maxRequestBytes: number;
  /** Its exit export, where the platform exports at exit. */
  readonly atExit: ExporterExitExport | undefined;
  readonly send: SendEncoded;
}

/** What each `OTLPTraceExporter` built since {@link keepEncodedExportAccess} was installed handed over. */
const accessOf = new WeakMap<OTLPTraceExporter, EncodedExportAccess>();

/**
 * Keeps what an exporter hands over (installed with `useEncodedExportAccess` by the Node entry).
 * @internal
 */
export function keepEncodedExportAccess(
  exporter: OTLPTraceExporter,
  settings: ResolvedExporterOptions,
  atExit: ExporterExitExport | undefined,
  send: SendEncoded,
): void {
  accessOf.set(exporter, { protobuf: settings.protocol !== 'http/json', maxRequestBytes: settings.maxRequestBytes, atExit, send });
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
  const access = accessOf.get(exporter);
  if (access === undefined || !access.protobuf) return undefined;
  return new SpanRecordQueue(access, batchSize);
}

/** Up to one export batch of span records. */
class RecordChunk implements SpanRecords, EncodedSpanBatch {
  readonly arena: SpanRecordArena;
  readonly ends: Int32Array;
  readonly pairOf: Uint16Array;
  readonly pairs: (readonly [Resource, InstrumentationScope])[] = [];
  /** Per pair: the size of a request holding none of its spans (the resource and scope around them). */
  readonly pairOverheads: number[] = [];
  /** How many spans. */
  length = 0;
  lastResource: Resource | undefined;
  lastScope: InstrumentationScope | undefined;
  lastPair = -1;

  constructor(capacity: number, initialBytes: number) {
    const bytes = new Uint8Array(initialBytes);
    this.arena = { bytes, view: new DataView(bytes.buffer), length: 0 };
    this.ends = new Int32Array(capacity);
    this.pairOf = new Uint16Array(capacity);
  }

  /** Empties the chunk for reuse (its buffers kept). */
  reset(): void {
    this.length = 0;
    this.arena.length = 0;
    this.pairs.length = 0;
    this.pairOverheads.length = 0;
    this.lastResource = undefined;
    this.lastScope = undefined;
    this.lastPair = -1;
  }

  get bytes(): Uint8Array<ArrayBuffer> {
    return this.arena.bytes;
  }

  /** The index of the pair of `resource` and `scope`, added on first sight; -1 past the most pairs a chunk holds. */
  pairIndex(resource: Resource, scope: InstrumentationScope): number {
    if (resource === this.lastResource && scope === this.lastScope) return this.lastPair;
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
    }
    this.lastResource = resource;
    this.lastScope = scope;
    this.lastPair = index;
    return index;
  }
}

const MAX_PAIR_INDEX = 0xffff;
/** The first chunk's buffer; later ones start at the size the chunk before ended with. */
const INITIAL_CHUNK_BYTES = 16 * 1024;

/** A batch taken off the queue: its chunk until the chunk's requests are encoded, then only its count. */
class RecordBatch implements EncodedSpanBatch {
  readonly length: number;
  chunk: RecordChunk | undefined;

  constructor(chunk: RecordChunk) {
    this.length = chunk.length;
    this.chunk = chunk;
  }
}

/** Chunks kept for reuse once their requests are encoded (their buffers are then free). */
const MAX_FREE_CHUNKS = 2;

class SpanRecordQueue implements EncodedSpanQueue {
  readonly #access: EncodedExportAccess;
  readonly #batchSize: number;
  readonly #maxRequestBytes: number;
  readonly #chunks: RecordChunk[] = [];
  readonly #free: RecordChunk[] = [];
  #chunkBytes = INITIAL_CHUNK_BYTES;
  length = 0;

  constructor(access: EncodedExportAccess, batchSize: number) {
    this.#access = access;
    this.#batchSize = batchSize;
    this.#maxRequestBytes = access.maxRequestBytes;
  }

  add(span: FinishedSpan): boolean {
    const chunks = this.#chunks;
    let chunk = chunks.length === 0 ? undefined : chunks[chunks.length - 1];
    if (chunk === undefined || chunk.length === this.#batchSize) {
      if (chunk !== undefined) this.#chunkBytes = Math.max(INITIAL_CHUNK_BYTES, chunk.arena.length);
      chunk = this.#free.pop() ?? new RecordChunk(this.#batchSize, this.#chunkBytes);
      chunks.push(chunk);
    }
    let pair: number;
    try {
      pair = chunk.pairIndex(span.resource, span.instrumentationScope);
    } catch (error) {
      reportError('export.otlp.encode', error, 'span dropped from the OTLP batch');
      return false;
    }
    if (pair < 0) {
      reportError('export.otlp.encode', new Error(`more than ${MAX_PAIR_INDEX + 1} resources and scopes in one batch`), 'span dropped');
      return false;
    }
    const recordSize = appendSpanRecord(span, chunk.arena);
    if (recordSize < 0) return false;
    const arena = chunk.arena;
    if (recordSize + chunk.pairOverheads[pair] + 16 > this.#maxRequestBytes) {
      const [resource, scope] = chunk.pairs[pair];
      const encodedBytes = singleRecordRequestSize(recordSize, resource, scope);
      if (encodedBytes > this.#maxRequestBytes) {
        arena.length -= recordSize;
        reportError(
          'export',
          new Error(`span "${span.name}" dropped: it encodes to ${encodedBytes} bytes, over maxRequestBytes (${this.#maxRequestBytes})`),
        );
        return false;
      }
    }
    chunk.ends[chunk.length] = arena.length;
    chunk.pairOf[chunk.length] = pair;
    chunk.length++;
    this.length++;
    return true;
  }

  take(): EncodedSpanBatch {
    const chunk = this.#chunks.shift() as RecordChunk;
    this.length -= chunk.length;
    return new RecordBatch(chunk);
  }

  takeAll(): EncodedSpanBatch[] {
    const chunks = this.#chunks.splice(0);
    this.length = 0;
    return chunks.map((chunk) => new RecordBatch(chunk));
  }

  /** The requests of `batch`; its chunk is then free for reuse. */
  #encode(batch: RecordBatch): EncodedPart[] {
    const chunk = batch.chunk;
    if (chunk === undefined) return [];
    const parts = recordParts(chunk, this.#maxRequestBytes);
    batch.chunk = undefined;
    if (this.#free.length < MAX_FREE_CHUNKS && chunk.length === this.#batchSize) {
      chunk.reset();
      this.#free.push(chunk);
    }
    return parts;
  }

  exportAtExit(exporting: EncodedSpanBatch | undefined, batches: readonly EncodedSpanBatch[], timeoutMillis: number): number {
    let count = exporting === undefined ? 0 : exporting.length;
    for (const batch of batches) count += batch.length;
    if (count === 0) return 0;
    const atExit = this.#access.atExit;
    try {
      if (atExit === undefined) throw new Error('no exit export here');
      // Of the export running now, the requests that have not gone out whole: their bodies, as they were.
      const parts = exporting === undefined ? [] : (atExit.unsentParts(exporting) ?? this.#encode(exporting as RecordBatch));
      for (const batch of batches) for (const part of this.#encode(batch as RecordBatch)) parts.push(part);
      return atExit.sendParts(parts, timeoutMillis).result.code === ExportResultCode.SUCCESS ? 0 : count;
    } catch (error) {
      reportError('export', error, 'at exit');
      return count;
    }
  }

  export(batch: EncodedSpanBatch, options: ExportOptions): Promise<ExportResult> {
    return this.#access.send(batch, options.signal, () => this.#encode(batch as RecordBatch));
  }
}

/** The request bodies of `chunk`: one, or as many halves as keep each within `maxBytes`. */
export function recordParts(chunk: SpanRecords & { readonly length: number }, maxBytes: number): EncodedPart[] {
  const parts: EncodedPart[] = [];
  partsInto(chunk, 0, chunk.length, maxBytes, parts);
  return parts;
}

function partsInto(chunk: SpanRecords, from: number, to: number, maxBytes: number, parts: EncodedPart[]): void {
  if (from === to) return;
  const payload = encodeSpanRecords(chunk, from, to);
  if (payload.length <= maxBytes || to - from === 1) {
    parts.push({ payload, spanCount: to - from, spans: NO_SPANS });
    return;
  }
  const middle = from + Math.ceil((to - from) / 2);
  partsInto(chunk, from, middle, maxBytes, parts);
  partsInto(chunk, middle, to, maxBytes, parts);
}

const NO_SPANS: readonly FinishedSpan[] = [];

import { reportError } from '../../diagnostics/report.js';
import type { Resource } from '../../resource/resource.js';
import type { FinishedSpan } from '../../trace/finished-span.js';
import type { InstrumentationScope } from '../../trace/instrumentation-scope.js';
import type { EncodedSpanBatch, EncodedSpanQueue } from '../encoded-span-queue.js';
import type { SpanExporter } from '../span-exporter.js';
import type { CallbackSpanExporter } from '../callback-span-exporter.js';
import type { ExportResult } from '../span-exporter.js';
import {
  appendSpanRecord,
  encodeSpanRecords,
  singleRecordRequestSize,
  type SpanRecordArena,
  type SpanRecords,
} from './encoding/binary-encoder.js';
import type { EncodedPart } from './encoding/encode-within-limit.js';
import { ENCODED_AT_EXIT, ENCODED_REQUEST_LIMIT, OTLPTraceExporter, SEND_ENCODED } from './otlp-trace-exporter.js';

/**
 * The Node entry's queue of encoded spans for a `BatchSpanProcessor` in front of otelite's own
 * `OTLPTraceExporter` sending OTLP/protobuf (installed with `useEncodedSpanQueues`; the web entries do
 * not, so a page bundles none of it). Each span is written when it ends, by the protobuf writer, as the
 * `ScopeSpans.spans` field it becomes in a request, into the buffer of the batch it will be exported
 * in (a chunk of `maxExportBatchSize` spans); at export the request is the chunk's records grouped
 * under their cached resource and scope messages: the bytes `encodeSpansToProtobuf` gives for the same
 * spans. A chunk holds its bytes, an end offset and a resource-and-scope index per span, so a queued
 * span is no object graph for the garbage collector.
 *
 * @example
 * ```ts
 * useEncodedSpanQueues(createSpanRecordQueue);
 * ```
 */
export function createSpanRecordQueue(exporter: SpanExporter | CallbackSpanExporter, batchSize: number): EncodedSpanQueue | undefined {
  if (!(exporter instanceof OTLPTraceExporter)) return undefined;
  const maxRequestBytes = exporter[ENCODED_REQUEST_LIMIT]();
  if (maxRequestBytes === undefined) return undefined;
  return new SpanRecordQueue(exporter, batchSize, maxRequestBytes);
}

/** Up to one export batch of span records. */
class RecordChunk implements SpanRecords, EncodedSpanBatch {
  readonly arena: SpanRecordArena;
  readonly ends: Int32Array;
  readonly pairOf: Uint16Array;
  readonly pairs: (readonly [Resource, InstrumentationScope])[] = [];
  /** Per pair: the size of a request holding none of its spans (the resource and scope around them). */
  readonly pairOverheads: number[] = [];
  count = 0;
  lastResource: Resource | undefined;
  lastScope: InstrumentationScope | undefined;
  lastPair = -1;

  constructor(capacity: number, initialBytes: number) {
    const bytes = new Uint8Array(initialBytes);
    this.arena = { bytes, view: new DataView(bytes.buffer), length: 0 };
    this.ends = new Int32Array(capacity);
    this.pairOf = new Uint16Array(capacity);
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

class SpanRecordQueue implements EncodedSpanQueue {
  readonly #exporter: OTLPTraceExporter;
  readonly #batchSize: number;
  readonly #maxRequestBytes: number;
  readonly #chunks: RecordChunk[] = [];
  #chunkBytes = INITIAL_CHUNK_BYTES;
  length = 0;

  constructor(exporter: OTLPTraceExporter, batchSize: number, maxRequestBytes: number) {
    this.#exporter = exporter;
    this.#batchSize = batchSize;
    this.#maxRequestBytes = maxRequestBytes;
  }

  add(span: FinishedSpan): boolean {
    const chunks = this.#chunks;
    let chunk = chunks.length === 0 ? undefined : chunks[chunks.length - 1];
    if (chunk === undefined || chunk.count === this.#batchSize) {
      if (chunk !== undefined) this.#chunkBytes = Math.max(INITIAL_CHUNK_BYTES, chunk.arena.length);
      chunk = new RecordChunk(this.#batchSize, this.#chunkBytes);
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
    chunk.ends[chunk.count] = arena.length;
    chunk.pairOf[chunk.count] = pair;
    chunk.count++;
    this.length++;
    return true;
  }

  take(): EncodedSpanBatch {
    const chunk = this.#chunks.shift() as RecordChunk;
    this.length -= chunk.count;
    return chunk;
  }

  takeAll(): EncodedSpanBatch[] {
    const chunks = this.#chunks.splice(0);
    this.length = 0;
    return chunks;
  }

  exportAtExit(exporting: EncodedSpanBatch | undefined, batches: readonly EncodedSpanBatch[], timeoutMillis: number): { count: number } {
    let count = 0;
    for (const batch of batches) count += batch.count;
    if (exporting !== undefined) count += exporting.count;
    if (count === 0) return { count: 0 };
    const max = this.#maxRequestBytes;
    const sent = this.#exporter[ENCODED_AT_EXIT](
      exporting,
      () => recordParts(exporting as RecordChunk, max),
      () => {
        const parts: EncodedPart[] = [];
        for (const batch of batches) for (const part of recordParts(batch as RecordChunk, max)) parts.push(part);
        return parts;
      },
      timeoutMillis,
    );
    return { count: sent ? 0 : count };
  }

  export(batch: EncodedSpanBatch, signal: AbortSignal): Promise<ExportResult> {
    const chunk = batch as RecordChunk;
    return this.#exporter[SEND_ENCODED](chunk.count, () => recordParts(chunk, this.#maxRequestBytes), chunk, signal);
  }
}

/** The request bodies of `chunk`: one, or as many halves as keep each within `maxBytes`. */
export function recordParts(chunk: SpanRecords & { readonly count: number }, maxBytes: number): EncodedPart[] {
  const parts: EncodedPart[] = [];
  partsInto(chunk, 0, chunk.count, maxBytes, parts);
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

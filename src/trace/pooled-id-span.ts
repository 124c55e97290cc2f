import type { Attributes, SpanContext, SpanKind, TraceState } from '@opentelemetry/api';
import { AlwaysOffSampler } from '../sampling/always-off.js';
import { AlwaysOnSampler } from '../sampling/always-on.js';
import { rootSamplerIgnoresTraceIds } from '../sampling/root-ignores-trace-id.js';
import type { Sampler } from '../sampling/sampler.js';
import type { ClockAnchor } from './clock.js';
import type { FinishedSpan } from './finished-span.js';
import { spanIdHex, traceIdHex } from './hex-id.js';
import { createSampledOutSpan } from './sampled-out-span.js';
import { RecordingSpan, type SpanOwner } from './span.js';
import type { SampledOutSpanFactory } from './tracer.js';

/*
 * A recording span whose ids stay random bytes until someone reads them, for the Node entry (installed
 * with `useLazyIdSpans(PooledIdSpan)`; the web entries keep `RecordingSpan` over the generator's hex
 * ids, which is smaller to ship). With the SDK's own random generator the tracer starts these without ids: the span
 * takes its span id, and a root under a sampler that never reads the trace id its trace id as well, as
 * 4-byte words of a pooled random buffer (a new buffer when one is used up; spans keep theirs). The hex
 * strings are made on the first `spanContext()` and kept, so every read gives the same values; the
 * protobuf writer's batch id reader (export/otlp/encoding/span-id-batch.ts) copies a root's id words
 * straight into the message. Random ids drawn from this pool are indistinguishable from the generator's.
 */

/** Words (4 bytes) per pool: 8 KiB, 341 roots' ids. */
const POOL_WORDS = 2048;
const TRACE_ID_WORDS = 4;
const SPAN_ID_WORDS = 2;
const ROOT_WORDS = TRACE_ID_WORDS + SPAN_ID_WORDS;
/** Where the base class's id fields would hold a hex id: never a valid id (see `RecordingSpan.readContextParts`). */
const NO_HEX = '';

let pool = new Int32Array(0);
let used = POOL_WORDS;

/** Reserves `words` words of the pool (a new one when too few remain); returns their index. */
function take(words: number): number {
  let at = used;
  if (at + words > POOL_WORDS) {
    pool = new Int32Array(POOL_WORDS);
    crypto.getRandomValues(pool);
    at = 0;
  }
  used = at + words;
  return at;
}

/** The index of 6 fresh words: a trace id (4) then a span id (2), neither all zero. */
function takeRootIds(): number {
  for (;;) {
    const at = take(ROOT_WORDS);
    const p = pool;
    if ((p[at] | p[at + 1] | p[at + 2] | p[at + 3]) !== 0 && (p[at + 4] | p[at + 5]) !== 0) return at;
  }
}

/** The index of 2 fresh words, a span id not all zero. */
function takeSpanId(): number {
  for (;;) {
    const at = take(SPAN_ID_WORDS);
    if ((pool[at] | pool[at + 1]) !== 0) return at;
  }
}

/** The byte view of the pool words last read, kept: most reads are of the current pool. */
let viewedWords: Int32Array = new Int32Array(0);
let viewedBytes: Uint8Array = new Uint8Array(0);

function bytesOf(words: Int32Array): Uint8Array {
  if (words !== viewedWords) {
    viewedWords = words;
    viewedBytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  }
  return viewedBytes;
}

/**
 * Filled by {@link PooledIdSpan.readPooledIds}: where a span's id bytes are (its span id, 8 bytes from
 * word `at` of `words`; a root's trace id, when `traceId` is `undefined`, the 16 bytes before them),
 * with its trace flags and trace state.
 * @internal
 */
export interface PooledIds {
  words: Int32Array;
  at: number;
  /** The trace id given at start (the parent's, or one a sampler read), else `undefined`: in the pool. */
  traceId: string | undefined;
  traceFlags: number;
  traceState: TraceState | undefined;
}

/**
 * A {@link RecordingSpan} whose ids are random bytes of a pooled buffer, hex made only when its context
 * is read (see above). Started by the tracer with `traceId` (from the parent, or drawn for a sampler that
 * reads it) or without, and always without `spanId`.
 * @internal Created by the tracer; instrumentation sees it as the API `Span`.
 */
export class PooledIdSpan extends RecordingSpan {
  // Plain properties set in the constructor, not class fields: on Node 24 each private or class field a
  // derived class defines after `super()` went through the generic DefineKeyedOwnIC stub (~140
  // instructions a field per span, callgrind); a plain store does not.
  /** The pool holding this span's id bytes. */
  declare pooledIdWords: Int32Array;
  /** Twice the index of its span id's words, plus 1 when the trace id is the 4 words before them. */
  declare pooledIdAt: number;
  /** The trace id as hex: given at start, or made from the pool on the first read. */
  declare pooledTraceId: string | undefined;
  declare pooledSpanId: string | undefined;
  declare pooledTraceState: TraceState | undefined;

  constructor(
    owner: SpanOwner,
    name: string,
    traceId: string | undefined,
    _spanId: string | undefined,
    traceFlags: number,
    traceState: TraceState | undefined,
    kind: SpanKind,
    parent: SpanContext | undefined,
    parentIsRecording: boolean,
    startTimeNanos: number,
    clockAnchor: ClockAnchor,
    attributes: Attributes | undefined,
    ownedCount: number,
  ) {
    const at = traceId === undefined ? 2 * (takeRootIds() + TRACE_ID_WORDS) + 1 : 2 * takeSpanId();
    const words = pool;
    // The base class holds NO_HEX as the span id (and as a root's trace id): it then reads the ids from
    // spanContext(). A given trace id is the parent's, which a child's parentSpanContext reads.
    super(
      owner,
      name,
      traceId ?? NO_HEX,
      NO_HEX,
      traceFlags,
      traceState,
      kind,
      parent,
      parentIsRecording,
      startTimeNanos,
      clockAnchor,
      attributes,
      ownedCount,
    );
    this.pooledIdWords = words;
    this.pooledIdAt = at;
    this.pooledTraceId = traceId;
    this.pooledSpanId = undefined;
    this.pooledTraceState = traceState;
  }

  /** The span's context, its ids made hex on the first call and kept (the same values on every call). */
  override spanContext(): SpanContext {
    const at = this.pooledIdAt >> 1;
    // The same object the base class makes (same keys, same order), without a second object per call.
    return {
      traceId: (this.pooledTraceId ??= traceIdHex(bytesOf(this.pooledIdWords), (at - TRACE_ID_WORDS) * 4)),
      spanId: (this.pooledSpanId ??= spanIdHex(bytesOf(this.pooledIdWords), at * 4)),
      traceFlags: RecordingSpan.traceFlagsOf(this),
      traceState: this.pooledTraceState,
    };
  }

  /**
   * When `span` is of this class: fills `ids` and returns `true` (for the protobuf writer's batch id
   * reader); else `false`.
   * @internal
   */
  static readPooledIds(span: FinishedSpan, ids: PooledIds): boolean {
    // A batch may hold anything (an object of any other class, or no object: the writer reports it).
    if (!(span instanceof PooledIdSpan)) return false;
    const at = span.pooledIdAt;
    ids.words = span.pooledIdWords;
    ids.at = at >> 1;
    ids.traceId = (at & 1) === 1 ? undefined : span.pooledTraceId;
    ids.traceFlags = RecordingSpan.traceFlagsOf(span);
    ids.traceState = span.pooledTraceState;
    return true;
  }

  /** The span the tracer returns for a dropped span on Node ({@link SampledOutSpan}, ids drawn when read). */
  static readonly sampledOut: SampledOutSpanFactory = createSampledOutSpan;

  /**
   * Whether `sampler` never reads the trace id of a span without a parent (`AlwaysOn`, `AlwaysOff`, or
   * a sampler `markRootIgnoresTraceIds` marked), so that a root may draw its trace id after the decision.
   */
  static lateRootTraceIds(sampler: Sampler): boolean {
    const type = (sampler as { constructor?: unknown }).constructor;
    return type === AlwaysOffSampler || type === AlwaysOnSampler || rootSamplerIgnoresTraceIds(sampler);
  }
}

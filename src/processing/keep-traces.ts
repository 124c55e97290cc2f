import { SpanStatusCode, TraceFlags, trace, type Context, type Span } from '@opentelemetry/api';
import { countFailures, reportError, warnOnce } from '../diagnostics/report.js';
import type { CallbackSpanExporter } from '../export/callback-span-exporter.js';
import type { SpanExporter } from '../export/span-exporter.js';
import type { FinishedSpan } from '../trace/finished-span.js';
import { RecordingSpan, type SpanContextParts } from '../trace/span.js';
import { BatchSpanProcessor } from './batch-span-processor.js';
import type { SpanProcessor } from '../trace/span-processor.js';
import { exportUnsampledSpans } from './unsampled-spans.js';

/** Options of {@link KeepTracesProcessor}. Give exactly one of `processor` and `exporter`. */
export interface KeepTracesProcessorOptions {
  /**
   * Receives the spans kept (`onEnd` only), sampled flag set or not. otelite's `BatchSpanProcessor` and
   * `SimpleSpanProcessor` export them all; a processor of another origin may drop the spans whose
   * sampled flag is not set. Shut down and flushed with this processor.
   */
  processor?: SpanProcessor;
  /** Exports the spans kept, through a `BatchSpanProcessor` built for it (its `OTEL_BSP_*` settings apply). */
  exporter?: SpanExporter | CallbackSpanExporter;
  /**
   * A fragment whose local root lasted at least this long, in milliseconds, is kept. Default: none
   * (latency alone keeps nothing).
   */
  latencyThresholdMillis?: number;
  /** Most fragments held open at once (their roots not ended yet); past it the oldest is let go. Default 2048. */
  maxFragments?: number;
  /** Most ended spans held, waiting for their roots; past it the oldest fragments are let go. Default 16384. */
  maxSpans?: number;
  /**
   * How long, in milliseconds, a fragment waits for its root to end. Then it is kept if
   * `latencyThresholdMillis` is set and not longer than this wait (the root is slow), else let go.
   * Default 60000.
   */
  rootTimeoutMillis?: number;
}

/** The defaults of {@link KeepTracesProcessorOptions}. */
export const DEFAULT_KEEP_TRACES = Object.freeze({ maxFragments: 2048, maxSpans: 16384, rootTimeoutMillis: 60_000 });

/** The `failureCounts()` kind of spans let go because a bound was reached. */
export const KEEP_TRACES_EVICTED = 'KeepTracesProcessor.evicted';
/** The `failureCounts()` kind of spans let go because their root did not end in time (or by shutdown). */
export const KEEP_TRACES_ROOT_TIMEOUT = 'KeepTracesProcessor.rootTimeout';

/** Waiting for the root to end. */
const OPEN = 0;
/** Kept: every span ending from now on is passed on. */
const KEPT = 1;
/** The root ended unremarkably: spans ending from now on are dropped, except errors and sampled ones. */
const DROPPED = 2;

/** The spans of one local trace fragment: a local root and its local descendants. */
interface Fragment {
  state: number;
  /** The local root, whose end decides. */
  readonly root: object | undefined;
  /** Ended spans waiting for the decision (not sampled, no error); undefined once let go or decided. */
  held: FinishedSpan[] | undefined;
  /** When the root timeout expires, in `performance.now()` milliseconds. */
  readonly deadline: number;
}

/** The fragment of every span whose root was sampled: kept from the start, nothing held. */
const SAMPLED_FRAGMENT: Fragment = Object.freeze({ state: KEPT, root: undefined, held: undefined, deadline: 0 });

/**
 * Keeps the traces that matter, inside the process: a tail decision per local trace fragment (a local
 * root span, one whose parent is remote or absent, and the spans started under it in this process).
 * Put it on a provider whose sampler is an {@link AlwaysRecordSampler}, so that it sees every span:
 *
 * - a span whose local root was sampled by the head sampler, and any span that is sampled itself, is
 *   passed on as it ends, as a `BatchSpanProcessor` would;
 * - the other spans of a fragment wait until its local root ends; the fragment is kept, its spans
 *   passed on, as soon as one of them ends with status Error (an error ending after the root still
 *   keeps itself and what follows), or when the root lasted `latencyThresholdMillis` or more; when the
 *   root ends otherwise, its waiting spans are dropped.
 *
 * Memory is bounded: at most `maxFragments` fragments wait and `maxSpans` ended spans are held; past
 * either, the oldest fragments are let go (their held spans dropped, later ones not held), counted in
 * `failureCounts()` under `KeepTracesProcessor.evicted` with one warning. A root that has not ended
 * after `rootTimeoutMillis` lets its fragment go the same way (`KeepTracesProcessor.rootTimeout`), unless
 * the wait itself made it slow (see {@link KeepTracesProcessorOptions.rootTimeoutMillis}). An unref'd
 * timer does this; nothing keeps the process alive.
 *
 * What it cannot do: the decision is this process's alone. Services downstream received the trace
 * context, not sampled, when the request went out and decided on their own; a kept fragment is only
 * this process's part of the trace. Kept spans are exported with their sampled flag as propagated (not
 * set, unless the head sampler sampled them) and without a `th` in their trace state, so a backend
 * cannot use them to estimate counts.
 *
 * @example
 * ```ts
 * const provider = new TracerProvider({
 *   sampler: new AlwaysRecordSampler(new ParentBasedSampler({ root: new ProbabilitySampler({ ratio: 0.01 }) })),
 *   spanProcessors: [new KeepTracesProcessor({ exporter: new OTLPTraceExporter(), latencyThresholdMillis: 2000 })],
 * });
 * // 1% of traces, plus every trace with an error or a root slower than 2 s
 * ```
 */
export class KeepTracesProcessor implements SpanProcessor {
  readonly #downstream: SpanProcessor;
  readonly #latencyNanos: number;
  readonly #maxFragments: number;
  readonly #maxSpans: number;
  readonly #rootTimeoutMillis: number;
  /** The fragment of each span seen starting; entries go with the spans. */
  readonly #fragments = new WeakMap<object, Fragment>();
  /** Fragments waiting for their roots, oldest first. */
  readonly #open = new Set<Fragment>();
  #heldSpans = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #shutdown: Promise<void> | undefined;
  readonly #parts = {} as SpanContextParts;

  constructor(options: KeepTracesProcessorOptions) {
    const { processor, exporter } = options ?? {};
    if (processor !== undefined && typeof processor?.onEnd === 'function') {
      if (exporter !== undefined) warnOnce('KeepTracesProcessor: both processor and exporter given; using the processor.');
      this.#downstream = processor;
    } else if (exporter !== undefined && exporter !== null) {
      this.#downstream = new BatchSpanProcessor(exporter);
    } else {
      warnOnce('KeepTracesProcessor: neither a processor nor an exporter given; nothing will be exported.');
      this.#downstream = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
    }
    exportUnsampledSpans(this.#downstream);
    const latency = options?.latencyThresholdMillis;
    if (latency === undefined) {
      this.#latencyNanos = Number.POSITIVE_INFINITY;
    } else if (typeof latency === 'number' && latency >= 0) {
      this.#latencyNanos = latency * 1e6;
    } else {
      warnOnce(`KeepTracesProcessor: latencyThresholdMillis ${String(latency)} is not a number ≥ 0; latency keeps nothing.`);
      this.#latencyNanos = Number.POSITIVE_INFINITY;
    }
    this.#maxFragments = positiveInteger(options?.maxFragments, DEFAULT_KEEP_TRACES.maxFragments, 'maxFragments');
    this.#maxSpans = positiveInteger(options?.maxSpans, DEFAULT_KEEP_TRACES.maxSpans, 'maxSpans');
    this.#rootTimeoutMillis = positiveInteger(options?.rootTimeoutMillis, DEFAULT_KEEP_TRACES.rootTimeoutMillis, 'rootTimeoutMillis');
  }

  /** Fragments waiting for their roots to end. */
  get openFragmentsCount(): number {
    return this.#open.size;
  }

  /** Ended spans held, waiting for their roots to end. */
  get heldSpansCount(): number {
    return this.#heldSpans;
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.#shutdown !== undefined) return;
    const parts = this.#parts;
    RecordingSpan.readContextParts(span as unknown as FinishedSpan, parts);
    let fragment: Fragment | undefined;
    if (parts.parentSpanId !== undefined && parts.parentIsRemote !== true) {
      const parentId = parts.parentSpanId;
      const parent = trace.getSpan(parentContext);
      fragment = parent === undefined ? undefined : this.#fragments.get(parent);
      if (fragment !== undefined) {
        RecordingSpan.readContextParts(parent as unknown as FinishedSpan, parts);
        if (parts.spanId !== parentId) fragment = undefined; // started as a root despite the context's span
      }
    }
    if (fragment === undefined) fragment = this.#newFragment(span, parts.traceFlags);
    this.#fragments.set(span, fragment);
  }

  onEnd(span: FinishedSpan): void {
    if (this.#shutdown !== undefined) return;
    const fragment = this.#fragments.get(span);
    const sampled = (RecordingSpan.traceFlagsOf(span) & TraceFlags.SAMPLED) !== 0;
    if (fragment === undefined || fragment.state !== OPEN) {
      if (fragment === undefined || fragment.state === KEPT || sampled) {
        this.#pass(span);
      } else if (span.status.code === SpanStatusCode.ERROR) {
        fragment.state = KEPT; // an error after the root ended: it and what follows are kept
        this.#pass(span);
      }
      return;
    }
    if (
      span.status.code === SpanStatusCode.ERROR ||
      (span === fragment.root && span.endTimeNanos - span.startTimeNanos >= this.#latencyNanos)
    ) {
      this.#keep(fragment);
      this.#pass(span);
      return;
    }
    if (span === fragment.root) {
      this.#decideDropped(fragment);
      if (sampled) this.#pass(span);
      return;
    }
    if (sampled) {
      this.#pass(span);
      return;
    }
    const held = fragment.held;
    if (held === undefined) {
      countFailures(KEEP_TRACES_EVICTED, 1); // its fragment was let go: not held any more
      return;
    }
    held.push(span);
    if (++this.#heldSpans > this.#maxSpans) this.#evictForSpans();
  }

  /** Flushes the downstream processor; fragments still waiting for their roots stay held. */
  forceFlush(): Promise<void> {
    return this.#downstream.forceFlush().catch((error: unknown) => reportError('KeepTracesProcessor', error, 'forceFlush'));
  }

  /**
   * Decides the fragments still waiting as if their roots had timed out now (kept when the wait made them
   * slow, else let go and counted), then shuts the downstream processor down. Idempotent.
   */
  shutdown(): Promise<void> {
    if (this.#shutdown !== undefined) return this.#shutdown;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = performance.now();
    for (const fragment of [...this.#open]) this.#expire(fragment, now - (fragment.deadline - this.#rootTimeoutMillis));
    this.#shutdown = this.#downstream.shutdown().catch((error: unknown) => reportError('KeepTracesProcessor', error, 'shutdown'));
    return this.#shutdown;
  }

  #newFragment(root: Span, traceFlags: number): Fragment {
    if ((traceFlags & TraceFlags.SAMPLED) !== 0) return SAMPLED_FRAGMENT;
    if (this.#open.size >= this.#maxFragments) {
      warnOnce(
        `KeepTracesProcessor: more than ${this.#maxFragments} trace fragments waiting for their ` +
          `roots; the oldest are let go (see failureCounts()).`,
      );
      this.#letGo(this.#open.values().next().value!, KEEP_TRACES_EVICTED);
    }
    const fragment: Fragment = { state: OPEN, root, held: [], deadline: performance.now() + this.#rootTimeoutMillis };
    this.#open.add(fragment);
    if (this.#timer === undefined) this.#schedule(this.#rootTimeoutMillis);
    return fragment;
  }

  #pass(span: FinishedSpan): void {
    try {
      this.#downstream.onEnd(span);
    } catch (error) {
      reportError('KeepTracesProcessor', error, 'downstream onEnd');
    }
  }

  /** Keeps `fragment`: its held spans are passed on, and every span that ends later. */
  #keep(fragment: Fragment): void {
    const held = fragment.held;
    fragment.state = KEPT;
    fragment.held = undefined;
    this.#open.delete(fragment);
    if (held === undefined) return;
    this.#heldSpans -= held.length;
    for (let i = 0; i < held.length; i++) this.#pass(held[i]!);
  }

  #decideDropped(fragment: Fragment): void {
    fragment.state = DROPPED;
    if (fragment.held !== undefined) this.#heldSpans -= fragment.held.length;
    fragment.held = undefined;
    this.#open.delete(fragment);
  }

  /** Lets `fragment` go before its root ended: its held spans are dropped and counted under `kind`. */
  #letGo(fragment: Fragment, kind: string): void {
    const held = fragment.held;
    fragment.held = undefined;
    this.#open.delete(fragment);
    if (held === undefined) return;
    this.#heldSpans -= held.length;
    countFailures(kind, held.length);
  }

  #evictForSpans(): void {
    warnOnce(
      `KeepTracesProcessor: more than ${this.#maxSpans} ended spans waiting for their roots; ` +
        `the oldest fragments are let go (see failureCounts()).`,
    );
    for (const fragment of this.#open) {
      if (this.#heldSpans <= this.#maxSpans) return;
      this.#letGo(fragment, KEEP_TRACES_EVICTED);
    }
  }

  /** A fragment whose root has waited `ageMillis`: kept when that is slow, else let go. */
  #expire(fragment: Fragment, ageMillis: number): void {
    if (ageMillis * 1e6 >= this.#latencyNanos) {
      this.#keep(fragment);
    } else {
      warnOnce(
        `KeepTracesProcessor: a trace fragment's root did not end within ${this.#rootTimeoutMillis} ` +
          `ms; its spans were dropped (see failureCounts()).`,
      );
      this.#letGo(fragment, KEEP_TRACES_ROOT_TIMEOUT);
    }
  }

  #schedule(delayMillis: number): void {
    const timer = setTimeout(() => this.#sweep(), Math.max(0, delayMillis));
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  #sweep(): void {
    this.#timer = undefined;
    try {
      const now = performance.now();
      for (const fragment of this.#open) {
        if (fragment.deadline > now) {
          this.#schedule(fragment.deadline - now);
          return;
        }
        this.#expire(fragment, this.#rootTimeoutMillis);
      }
    } catch (error) {
      reportError('KeepTracesProcessor', error, 'root timeout');
    }
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && value > 0) return value;
  warnOnce(`KeepTracesProcessor: ${name} ${String(value)} is not a positive integer; using ${fallback}.`);
  return fallback;
}

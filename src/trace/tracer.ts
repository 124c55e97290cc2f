import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  type SpanKind,
  context as contextApi,
  createContextKey,
  isSpanContextValid,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type TraceState,
  type Tracer as ApiTracer,
} from '@opentelemetry/api';
import { setContextValue } from '../context/overlay-context.js';
import { isTracingSuppressed } from '../context/suppress-tracing.js';
import { reportError } from '../diagnostics/report.js';
import { readsNoAttributes } from '../sampling/reads-no-attributes.js';
import type { Sampler, SamplingResult } from '../sampling/sampler.js';
import { DECISION_NOT_RECORD, DECISION_RECORD, DECISION_RECORD_AND_SAMPLED } from '../sampling/sampling-decision-values.js';
import { anchoredNowNanos, currentClockAnchor, toClockNanos } from './clock.js';
import type { IdGenerator } from './id-generator.js';
import { currentServerSpanJoiner } from './server-span-join.js';
import { RandomIdGenerator } from './random-id-generator.js';
import type { SampledOutSpan } from './sampled-out-span.js';
import { keepExactStartTime, RecordingSpan, toName, type SpanOwner } from './span.js';
import {
  SPAN_KIND_CONSUMER,
  SPAN_KIND_INTERNAL,
  SPAN_KIND_SERVER,
  TRACE_FLAGS_NONE,
  TRACE_FLAGS_SAMPLED,
} from '../internal/api-enum-values.js';
import { RANDOM_TRACE_FLAG } from '../propagation/header-limits.js';
import { EMPTY_OBJECT as NO_ATTRIBUTES, EMPTY_ARRAY as NO_LINKS } from '../internal/frozen-empty.js';

/** What all tracers of one provider share; the provider flips `active` off at shutdown. */
export interface TracerState {
  readonly sampler: Sampler;
  readonly idGenerator: IdGenerator;
  /** Whether the id generator makes random trace ids, so that roots may carry {@link RANDOM_TRACE_FLAG}. */
  readonly randomTraceIds: boolean;
  /** `false` when the SDK is disabled or shut down: spans only propagate context. */
  active: boolean;
}

const NOT_RECORD: SamplingResult = Object.freeze({ decision: DECISION_NOT_RECORD });

/**
 * Where a builder given to `startSpanWithDeferredAttributes` may leave the number of attributes it built.
 * @internal
 */
export interface BuiltAttributeCount {
  count: number;
}
/** A builder of deferred start attributes, as `#start` calls it. */
type AttributeBuilder = (argument: unknown, built: BuiltAttributeCount) => Attributes;
/** The one cell passed to every builder: set and read within the same synchronous span start. */
const BUILT: BuiltAttributeCount = { count: -2 };
const INVALID_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
/**
 * The key `trace.setSpan` stores a span under (the API makes it a shared `Symbol.for`), for putting a
 * span into an overlay context (`setContextValue`).
 * @internal
 */
export const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/**
 * Starts spans for one instrumentation scope. Created and cached by {@link TracerProvider.getTracer}.
 * @internal
 */
/** Makes the span for a dropped span whose ids may not be drawn yet ({@link useSampledOutSpans}). */
export type SampledOutSpanFactory = (
  traceId: string | undefined,
  spanId: string | undefined,
  traceFlags: number,
  traceState: TraceState | undefined,
  ids: IdGenerator,
) => Span;

/**
 * The spans whose ids are drawn once needed ({@link useLazyIdSpans}): the recording span class for the
 * SDK's own random generator, started without a span id (and without a trace id for a root whose
 * sampler {@link LazyIdSpans.lateRootTraceIds} says ignores it), which draws them itself
 * (src/trace/pooled-id-span.ts), with two statics.
 * @internal
 */
export type LazyIdSpans = typeof RecordingSpan & {
  /** Makes the span for a dropped span ({@link SampledOutSpan}). */
  readonly sampledOut: SampledOutSpanFactory;
  /** Whether `sampler` never reads a root's trace id, so that a root may draw it after the decision. */
  lateRootTraceIds(sampler: Sampler): boolean;
};

let lazyIdSpans: LazyIdSpans | undefined;

/**
 * Installs the spans whose ids are drawn when needed: a dropped span's when its context is first read
 * ({@link SampledOutSpan}), a recorded span's from a pooled random buffer, as bytes, hex made only when
 * its context is read. The Node entry installs them (a non-sampled server request then draws no ids, a
 * sampled one makes no hex); without them, as in the web entries (smaller to ship), a dropped span is
 * the API's non-recording span over ids drawn at start and a recorded span holds the generator's hex.
 * Tracers made after the call use them.
 * @internal
 *
 * @example
 * ```ts
 * useLazyIdSpans(PooledIdSpan);
 * ```
 */
export function useLazyIdSpans(spans: LazyIdSpans | undefined): void {
  lazyIdSpans = spans;
}

export class Tracer implements ApiTracer {
  #state: TracerState;
  #owner: SpanOwner;

  /** Whether the sampler is known to ignore attributes, so that building them may wait for the decision. */
  #samplerReadsNoAttributes: boolean;
  /**
   * Whether ids may be drawn once needed rather than at start: the id generator is the SDK's own random
   * one, whose ids drawn later are indistinguishable from ids drawn now (a user's generator is called at
   * start, in order). A dropped span then draws its span id only when its context is read (see
   * {@link SampledOutSpan}).
   */
  #lazyIds: boolean;
  /** Whether, with {@link #lazyIds}, a root's trace id may also wait: the sampler never reads it. */
  #lazyRootTraceIds: boolean;
  /** The recording span class: the {@link LazyIdSpans} class with {@link #lazyIds}, which draws the ids not given. */
  #recordingSpan: typeof RecordingSpan;

  constructor(state: TracerState, owner: SpanOwner) {
    this.#state = state;
    this.#owner = owner;
    this.#samplerReadsNoAttributes = readsNoAttributes(state.sampler);
    const generator = state.idGenerator;
    const lazy = lazyIdSpans;
    const lazyIds =
      lazy !== undefined && generator instanceof RandomIdGenerator && Object.getPrototypeOf(generator) === RandomIdGenerator.prototype;
    this.#lazyIds = lazyIds;
    this.#lazyRootTraceIds = lazyIds && lazy.lateRootTraceIds(state.sampler);
    this.#recordingSpan = lazyIds ? lazy : RecordingSpan;
  }

  startSpan(name: string, options?: SpanOptions, context?: Context): Span {
    return this.#start(name, options, context, undefined, undefined);
  }

  /**
   * Starts a span whose start attributes are built by `buildAttributes`, called only when they are
   * needed: at once if the sampler may read them, else only once the span is known to record. A
   * non-sampled span thus costs no attribute object. `buildAttributes` returns a new object each time,
   * which the span keeps as its own attributes (no copy), of valid attribute values (strings, numbers,
   * booleans) under non-empty keys other than `__proto__`: only their count and, under a finite length
   * limit, their string lengths are checked. A builder that sets `built.count` to the number of attributes
   * it built spares the span counting them. `argument` is handed to the builder (what it builds from,
   * without a closure per span or a module variable to hold it). Otherwise the same as `startSpan(name,
   * { kind, attributes: buildAttributes(argument) }, context)`, except that a SERVER span is never joined
   * to a request's server span (see server-span-join.ts): it is the request's own.
   * @internal For otelite's instrumentations.
   */
  startSpanWithDeferredAttributes<A>(
    name: string,
    kind: SpanKind,
    context: Context,
    buildAttributes: (argument: A, built: BuiltAttributeCount) => Attributes,
    argument: A,
  ): Span {
    return this.#start(name, undefined, context, buildAttributes as AttributeBuilder, kind, argument);
  }

  #start(
    name: string,
    options: SpanOptions | undefined,
    context: Context | undefined,
    buildAttributes: AttributeBuilder | undefined,
    ownKind: SpanKind | undefined,
    buildArgument?: unknown,
  ): Span {
    // `startSpanWithDeferredAttributes`: no options object (none read per span), and the attributes built
    // for the span alone, which it keeps: -1 none built, -2 built and not counted, else their count.
    let ownedCount = buildAttributes === undefined ? -1 : -2;
    const state = this.#state;
    const parentContext =
      context === undefined || typeof (context as Partial<Context> | null)?.getValue !== 'function' ? contextApi.active() : context;
    // The root context (an incoming request without a parent) holds neither suppression nor a span.
    const isRoot = parentContext === ROOT_CONTEXT;
    if (!isRoot && isTracingSuppressed(parentContext)) return INVALID_SPAN;
    const root = options?.root === true;
    // Never for the instrumentations' own spans (no options): their server span is a request of its own.
    if (options?.kind === SPAN_KIND_SERVER && !root) {
      const joiner = currentServerSpanJoiner();
      if (joiner !== undefined) {
        try {
          const joined = joiner.join(name, options, parentContext);
          if (joined !== undefined) return joined;
        } catch (error) {
          reportError('tracer.startSpan', error, 'server span join');
        }
      }
    }
    let parent: SpanContext | undefined;
    let parentIsRecording = false;
    if (!root && !isRoot) {
      const parentSpan = trace.getSpan(parentContext);
      if (parentSpan !== undefined) {
        if (parentSpan instanceof RecordingSpan) {
          parent = parentSpan.spanContext();
          parentIsRecording = true;
        } else {
          const candidate = safeSpanContext(parentSpan);
          if (candidate !== undefined && isSpanContextValid(candidate)) parent = candidate;
          const joiner = currentServerSpanJoiner();
          if (joiner !== undefined) {
            try {
              joiner.childStarting(parentSpan, options);
            } catch (error) {
              reportError('tracer.startSpan', error, 'server span join');
            }
          }
        }
      }
    }
    const idGenerator = state.idGenerator;
    if (!state.active) {
      if (parent !== undefined) return trace.wrapSpanContext(parent);
      return trace.wrapSpanContext({
        traceId: idGenerator.generateTraceId(),
        spanId: idGenerator.generateSpanId(),
        traceFlags: state.randomTraceIds ? RANDOM_TRACE_FLAG : TRACE_FLAGS_NONE,
      });
    }
    // Ids drawn now only where they must be (see #lazyIds); the rest by the span made (a dropped span's when read).
    const lazyIds = this.#lazyIds;
    const traceId = parent !== undefined ? parent.traceId : this.#lazyRootTraceIds ? undefined : idGenerator.generateTraceId();
    const spanId = lazyIds ? undefined : idGenerator.generateSpanId();
    const spanName = toName(name, 'span');
    let kind = ownKind ?? options?.kind ?? SPAN_KIND_INTERNAL;
    if (kind !== SPAN_KIND_INTERNAL && !(kind >= SPAN_KIND_INTERNAL && kind <= SPAN_KIND_CONSUMER && Number.isInteger(kind))) {
      kind = SPAN_KIND_INTERNAL;
    }
    let attributes = options?.attributes ?? NO_ATTRIBUTES;
    if (buildAttributes !== undefined && !this.#samplerReadsNoAttributes) {
      // The sampler may read them: built now.
      BUILT.count = -2;
      attributes = buildAttributes(buildArgument, BUILT);
      ownedCount = BUILT.count;
      buildAttributes = undefined;
    }
    const links = options?.links ?? NO_LINKS;

    let result: SamplingResult;
    try {
      // A root span is sampled as a root even when the context holds a span.
      const samplerContext = root ? trace.deleteSpan(parentContext) : parentContext;
      // Without a trace id yet only for samplers that never read it (AlwaysOff, AlwaysOn).
      result = state.sampler.shouldSample(samplerContext, traceId ?? '', spanName, kind, attributes, links) ?? NOT_RECORD;
    } catch (error) {
      reportError('sampler.shouldSample', error);
      result = NOT_RECORD;
    }
    const decision = result.decision;
    const sampledFlag = decision === DECISION_RECORD_AND_SAMPLED ? TRACE_FLAGS_SAMPLED : TRACE_FLAGS_NONE;
    const traceFlags =
      parent === undefined
        ? (state.randomTraceIds ? RANDOM_TRACE_FLAG : TRACE_FLAGS_NONE) | sampledFlag
        : (parent.traceFlags & RANDOM_TRACE_FLAG) | sampledFlag; // the random bit is inherited; undefined bits are not
    const traceState = result.traceState ?? parent?.traceState;
    if (decision !== DECISION_RECORD && decision !== DECISION_RECORD_AND_SAMPLED) {
      if (lazyIdSpans !== undefined) return lazyIdSpans.sampledOut(traceId, spanId, traceFlags, traceState, idGenerator);
      return trace.wrapSpanContext({ traceId: traceId as string, spanId: spanId as string, traceFlags, traceState });
    }

    if (buildAttributes !== undefined) {
      BUILT.count = -2;
      attributes = buildAttributes(buildArgument, BUILT);
      ownedCount = BUILT.count;
    }
    const startTime = options?.startTime;
    // Without an explicit start, now: checked against the wall clock (see clock.ts); the span keeps the anchor.
    const startTimeNanos = (startTime === undefined ? undefined : toClockNanos(startTime)) ?? anchoredNowNanos();
    const owner = this.#owner;
    // Ids not drawn yet (only with #lazyIds) are drawn by the lazy-id span class.
    const span = new this.#recordingSpan(
      owner,
      spanName,
      traceId as string,
      spanId as string,
      traceFlags,
      traceState,
      kind,
      parent,
      parentIsRecording,
      startTimeNanos,
      currentClockAnchor(),
      attributes === NO_ATTRIBUTES ? undefined : attributes,
      ownedCount,
    );
    if (startTime !== undefined) keepExactStartTime(span, startTime);
    if (result.attributes !== undefined) span.setAttributes(result.attributes as Attributes);
    if (links !== NO_LINKS) span.addLinks(links);
    const processor = owner.processor;
    if (processor !== undefined) {
      try {
        processor.onStart(span, parentContext);
      } catch (error) {
        reportError('processor.onStart', error);
      }
    }
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    optionsOrFn?: SpanOptions | F,
    contextOrFn?: Context | F,
    maybeFn?: F,
  ): ReturnType<F> | undefined {
    let options: SpanOptions | undefined;
    let context: Context | undefined;
    let fn: F | undefined;
    if (typeof optionsOrFn === 'function') {
      fn = optionsOrFn;
    } else if (typeof contextOrFn === 'function') {
      options = optionsOrFn;
      fn = contextOrFn;
    } else {
      options = optionsOrFn;
      context = contextOrFn;
      fn = maybeFn;
    }
    if (typeof fn !== 'function') {
      reportError('tracer.startActiveSpan', new TypeError('startActiveSpan needs a function'));
      return undefined;
    }
    const parentContext =
      context === undefined || typeof (context as Partial<Context> | null)?.getValue !== 'function' ? contextApi.active() : context;
    const span = this.startSpan(name, options, parentContext);
    // trace.setSpan(parentContext, span), without copying a Map when parentContext is the API's own kind.
    return contextApi.with(setContextValue(parentContext, SPAN_KEY, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

function safeSpanContext(span: Span): SpanContext | undefined {
  try {
    return span.spanContext();
  } catch (error) {
    reportError('span.spanContext', error, 'reading the parent span');
    return undefined;
  }
}

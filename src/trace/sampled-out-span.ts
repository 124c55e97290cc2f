import type { AttributeValue, Attributes, Exception, Link, Span, SpanContext, SpanStatus, TimeInput, TraceState } from '@opentelemetry/api';
import type { IdGenerator } from './id-generator.js';

/**
 * The span the tracer returns when the sampler drops one (`NOT_RECORD`): it records nothing and only
 * carries its context, for child spans and propagation, like the API's non-recording span.
 *
 * A dropped span's ids are mostly never read (a non-sampled request whose handler starts no span and
 * calls nothing downstream), so with the SDK's own random generator they are drawn when
 * `spanContext()` is first called, not when the span starts: the span id always, and the trace id of a
 * root whose sampler ignores it (`AlwaysOff`). Random ids drawn later are indistinguishable from ids
 * drawn at start; a user's generator is still called at start, in the same order as for a recorded span.
 * `spanContext()` returns the same object on every call.
 * @internal Created by the tracer; instrumentation sees it as the API `Span`.
 */
export class SampledOutSpan implements Span {
  /** The trace id, or `undefined` until drawn from {@link #ids}. */
  #traceId: string | undefined;
  #traceFlags: number;
  #traceState: TraceState | undefined;
  /** Where the ids not yet drawn come from; `undefined` once {@link #context} is made. */
  #ids: IdGenerator | undefined;
  #context: SpanContext | undefined;

  /**
   * `ids` draws the span id (and the trace id when `traceId` is `undefined`) on the first
   * `spanContext()`; `spanId` given, nothing is drawn.
   */
  constructor(
    traceId: string | undefined,
    spanId: string | undefined,
    traceFlags: number,
    traceState: TraceState | undefined,
    ids: IdGenerator | undefined,
  ) {
    this.#traceId = traceId;
    this.#traceFlags = traceFlags;
    this.#traceState = traceState;
    if (spanId === undefined) {
      this.#ids = ids;
      this.#context = undefined;
    } else {
      this.#ids = undefined;
      this.#context = { traceId: traceId as string, spanId, traceFlags, traceState };
    }
  }

  spanContext(): SpanContext {
    let context = this.#context;
    if (context === undefined) {
      const ids = this.#ids as IdGenerator;
      const traceId = this.#traceId ?? ids.generateTraceId();
      context = { traceId, spanId: ids.generateSpanId(), traceFlags: this.#traceFlags, traceState: this.#traceState };
      this.#context = context;
      this.#traceId = traceId;
      this.#ids = undefined;
    }
    return context;
  }

  setAttribute(_key: string, _value: AttributeValue): this {
    return this;
  }

  setAttributes(_attributes: Attributes): this {
    return this;
  }

  addEvent(_name: string, _attributesOrStartTime?: Attributes | TimeInput, _startTime?: TimeInput): this {
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(_status: SpanStatus): this {
    return this;
  }

  updateName(_name: string): this {
    return this;
  }

  end(_endTime?: TimeInput): void {}

  isRecording(): boolean {
    return false;
  }

  recordException(_exception: Exception, _time?: TimeInput): void {}
}

/**
 * The factory the Node entry installs with `useSampledOutSpans` (src/trace/tracer.ts).
 * @internal
 */
export function createSampledOutSpan(
  traceId: string | undefined,
  spanId: string | undefined,
  traceFlags: number,
  traceState: TraceState | undefined,
  ids: IdGenerator,
): Span {
  return new SampledOutSpan(traceId, spanId, traceFlags, traceState, ids);
}

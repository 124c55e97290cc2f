import type { Attributes, Context, Link, SpanKind, TraceState } from '@opentelemetry/api';

/** What a sampler decided. Values match opentelemetry-js's `SamplingDecision`. */
export enum SamplingDecision {
  /** Not recorded and not sampled: the span is a non-recording span that only propagates context. */
  NOT_RECORD = 0,
  /** Recorded (attributes, events kept) but not sampled: processors see it, exporters do not. */
  RECORD = 1,
  /** Recorded and sampled: exported. */
  RECORD_AND_SAMPLED = 2,
}

/** A sampler's answer for one span. */
export interface SamplingResult {
  readonly decision: SamplingDecision;
  /** Attributes added to the span. */
  readonly attributes?: Readonly<Attributes>;
  /** The trace state the new span carries; when absent the parent's is kept. */
  readonly traceState?: TraceState;
}

/**
 * Decides, as a span starts, whether it is recorded and sampled.
 *
 * Contract: `shouldSample` is called on the hot path for every span; it must be fast, must not throw
 * (the tracer guards it anyway and treats a throw as `NOT_RECORD`), and must not keep the arguments.
 * `context` is the parent context; `traceId` is the new span's (the parent's, or a fresh one for a root).
 */
export interface Sampler {
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult;
  /** A short description, e.g. `ParentBased{root=AlwaysOnSampler}`. */
  toString(): string;
}

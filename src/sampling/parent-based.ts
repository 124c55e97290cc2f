import type { Attributes, Context, Link, SpanKind, TraceState } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { AlwaysOffSampler } from './always-off.js';
import { AlwaysOnSampler } from './always-on.js';
import { parentSpanContext } from './parent-span-context.js';
import { registerAttributeFreeComposite } from './reads-no-attributes.js';
import type { Sampler, SamplingResult } from './sampler.js';
import { DECISION_RECORD_AND_SAMPLED } from './sampling-decision-values.js';
import { isThresholdConsistent, OTEL_TRACE_STATE_KEY, rewriteOtelValue } from './threshold.js';
import { TRACE_FLAGS_SAMPLED } from '../internal/api-enum-values.js';

/** Options of {@link ParentBasedSampler}: which sampler decides in each case. */
export interface ParentBasedSamplerOptions {
  /** Decides for spans without a (valid) parent. Required; when missing, `AlwaysOnSampler` is used with a warning. */
  root: Sampler;
  /** Decides when the parent is remote and sampled. Default `AlwaysOnSampler`. */
  remoteParentSampled?: Sampler;
  /** Decides when the parent is remote and not sampled. Default `AlwaysOffSampler`. */
  remoteParentNotSampled?: Sampler;
  /** Decides when the parent is local and sampled. Default `AlwaysOnSampler`. */
  localParentSampled?: Sampler;
  /** Decides when the parent is local and not sampled. Default `AlwaysOffSampler`. */
  localParentNotSampled?: Sampler;
}

/**
 * The spec's `ParentBased` sampler: follows the parent's decision, and lets `root` decide for root spans.
 * The parent is the span context in the context passed to `shouldSample` (`trace.getSpanContext`); which
 * of the five delegates decides depends on whether there is a valid parent, whether it is remote, and
 * whether its sampled flag is set.
 *
 * When a sampled parent carries an OpenTelemetry trace state threshold (`ot=th:...`) that contradicts its
 * own randomness (or is malformed), the threshold is erased from the new span's trace state, as the
 * probability sampling spec asks of parent-based samplers; otherwise the parent's trace state is kept.
 * With the default delegates a decision allocates nothing.
 *
 * @example
 * ```ts
 * const sampler = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler({ ratio: 0.1 }) });
 * sampler.toString();
 * // 'ParentBased{root=TraceIdRatioBased{0.1},remoteParentSampled=AlwaysOnSampler,remoteParentNotSampled=AlwaysOffSampler,
 * //   localParentSampled=AlwaysOnSampler,localParentNotSampled=AlwaysOffSampler}' (one line)
 * ```
 */
export class ParentBasedSampler implements Sampler {
  readonly #root: Sampler;
  readonly #remoteParentSampled: Sampler;
  readonly #remoteParentNotSampled: Sampler;
  readonly #localParentSampled: Sampler;
  readonly #localParentNotSampled: Sampler;

  constructor(options: ParentBasedSamplerOptions) {
    let root = options?.root;
    if (!isSampler(root)) {
      warnOnce('ParentBasedSampler: root sampler is missing or not a sampler; using AlwaysOnSampler.');
      root = new AlwaysOnSampler();
    }
    this.#root = root;
    this.#remoteParentSampled = delegate(options.remoteParentSampled, 'remoteParentSampled', true);
    this.#remoteParentNotSampled = delegate(options.remoteParentNotSampled, 'remoteParentNotSampled', false);
    this.#localParentSampled = delegate(options.localParentSampled, 'localParentSampled', true);
    this.#localParentNotSampled = delegate(options.localParentNotSampled, 'localParentNotSampled', false);
    if (new.target === ParentBasedSampler) {
      registerAttributeFreeComposite(this, [
        root,
        this.#remoteParentSampled,
        this.#remoteParentNotSampled,
        this.#localParentSampled,
        this.#localParentNotSampled,
      ]);
    }
  }

  /** Asks the delegate that matches the parent in `context`; see the class description. */
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = parentSpanContext(context);
    if (parent === undefined) {
      return this.#root.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    }
    const sampled = (parent.traceFlags & TRACE_FLAGS_SAMPLED) !== 0;
    const sampler = parent.isRemote
      ? sampled
        ? this.#remoteParentSampled
        : this.#remoteParentNotSampled
      : sampled
        ? this.#localParentSampled
        : this.#localParentNotSampled;
    const result = sampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    const traceState = parent.traceState;
    if (sampled && traceState !== undefined && result.traceState === undefined && result.decision === DECISION_RECORD_AND_SAMPLED) {
      return withConsistentThreshold(result, traceState, traceId);
    }
    return result;
  }

  /** `ParentBased{root=...,remoteParentSampled=...,remoteParentNotSampled=...,localParentSampled=...,localParentNotSampled=...}`. */
  toString(): string {
    return (
      `ParentBased{root=${this.#root},remoteParentSampled=${this.#remoteParentSampled},` +
      `remoteParentNotSampled=${this.#remoteParentNotSampled},localParentSampled=${this.#localParentSampled},` +
      `localParentNotSampled=${this.#localParentNotSampled}}`
    );
  }
}

function isSampler(value: unknown): value is Sampler {
  return typeof value === 'object' && value !== null && typeof (value as Sampler).shouldSample === 'function';
}

function delegate(value: Sampler | undefined, name: string, parentSampled: boolean): Sampler {
  if (isSampler(value)) return value;
  const fallback = parentSampled ? new AlwaysOnSampler() : new AlwaysOffSampler();
  if (value !== undefined) warnOnce(`ParentBasedSampler: ${name} is not a sampler; using ${fallback}.`);
  return fallback;
}

/**
 * `result`, or, when the parent's `th` contradicts its randomness, a copy whose trace state is the
 * parent's without the `th`. Allocates only in that rare case.
 */
function withConsistentThreshold(result: SamplingResult, traceState: TraceState, traceId: string): SamplingResult {
  const ot = traceState.get(OTEL_TRACE_STATE_KEY);
  if (ot === undefined || isThresholdConsistent(ot, traceId)) return result;
  const rewritten = rewriteOtelValue(ot, undefined);
  return {
    decision: result.decision,
    attributes: result.attributes,
    traceState: rewritten === undefined ? traceState.unset(OTEL_TRACE_STATE_KEY) : traceState.set(OTEL_TRACE_STATE_KEY, rewritten),
  };
}

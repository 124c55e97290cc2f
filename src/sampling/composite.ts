import { TraceFlags, type Attributes, type Context, type Link, type SpanContext, type SpanKind } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { createTraceState } from '../propagation/trace-state.js';
import { NOT_RECORD_RESULT } from './always-off.js';
import { RECORD_AND_SAMPLED_RESULT } from './always-on.js';
import { composableAlwaysOff } from './composable-always-off.js';
import { composableReadsNoAttributes, isComposableSampler, type ComposableSampler } from './composable-sampler.js';
import { parentSpanContext } from './parent-span-context.js';
import { warnPresumedRandom } from './probability.js';
import { registerAttributeFreeComposite } from './reads-no-attributes.js';
import type { Sampler, SamplingResult } from './sampler.js';
import { SamplingDecision } from './sampler.js';
import {
  encodeThreshold,
  findRandomness,
  findSubKeyValue,
  hasThreshold,
  isThresholdValue,
  MAX_OTEL_VALUE_LENGTH,
  meetsThreshold,
  OTEL_TRACE_STATE_KEY,
  rewriteOtelValue,
  subKeyValueEnd,
  THRESHOLD_DIGITS,
  TRACE_ID_RANDOMNESS_OFFSET,
} from './threshold.js';

/** The W3C Trace Context Level 2 flag saying the trace id's low 56 bits are random. */
const RANDOM_TRACE_FLAG = 0x2;

/**
 * The spec's `CompositeSampler`: a {@link Sampler} that decides from the intent of a tree of
 * {@link ComposableSampler}s, so that rules, parent-following and probabilities combine and stay
 * consistent probability sampling. For each span it:
 *
 * 1. reads the parent's trace state once: the randomness `R` (a valid `ot=rv:` value, else the low 56
 *    bits of the trace id) and the parent's threshold, passed to the tree when it is valid and agrees
 *    with the parent's sampled flag (`R ≥ th` exactly when sampled);
 * 2. asks the tree for its intent (`getSamplingIntent`);
 * 3. no threshold: the span is dropped (`NOT_RECORD`). A reliable threshold `T`: sampled when `R ≥ T`.
 *    A threshold that is not reliable is compared with a fresh random value instead (the spec's rule,
 *    so that the decision stays independent of the trace's randomness); threshold 0 always samples;
 * 4. the trace state: the intent's `updateTraceState` (if any) gets the parent's trace state and the
 *    decision; then a sampled span with a reliable threshold carries `ot=th:<T>` (trailing zeros
 *    removed, as `ProbabilitySampler` writes it), every other span carries no `th`. A valid `rv` and
 *    the other `ot` sub-keys are kept, an invalid `rv` is dropped, and when the `ot` value would exceed
 *    256 characters the threshold is left out (one warning);
 * 5. a sampled span gets the intent's attributes (`getAttributes`).
 *
 * A remote parent without the random trace flag whose trace id supplies the randomness gives the spec's
 * compatibility warning once. The common decisions (no trace state, or no `ot` entry) allocate nothing
 * beyond the sampled root's first result. The description is `CompositeSampler{<composable>}`.
 *
 * @example
 * ```ts
 * const provider = new TracerProvider({
 *   sampler: new CompositeSampler(
 *     composableParentThreshold(
 *       composableRuleBased([
 *         { attributePatterns: { key: 'url.path', included: ['/health*'] }, sampler: composableAlwaysOff() },
 *         { sampler: composableProbability(0.25) },
 *       ]),
 *     ),
 *   ),
 * });
 * ```
 */
export class CompositeSampler implements Sampler {
  readonly #delegate: ComposableSampler;
  /** The last threshold seen valid: most trees return a few shared thresholds, checked once each. */
  #lastValidThreshold: string | undefined;
  /** The threshold of {@link #rootResult}. */
  #rootResultThreshold: string | undefined;
  /** The result for a sampled span without parent trace state, attributes or trace state update. */
  #rootResult: SamplingResult | undefined;
  /** The last parent `th` value seen, as written, and its 14-digit form. */
  #lastParentTh: string | undefined;
  #lastParentThreshold: string | undefined;

  /** @param composable The root of the composable sampler tree; when not a composable sampler, nothing is sampled (one warning). */
  constructor(composable: ComposableSampler) {
    let delegate = composable;
    if (!isComposableSampler(delegate)) {
      warnOnce('CompositeSampler: the argument is not a composable sampler; no span will be sampled.');
      delegate = composableAlwaysOff();
    }
    this.#delegate = delegate;
    if (new.target === CompositeSampler && composableReadsNoAttributes(delegate)) registerAttributeFreeComposite(this, []);
  }

  /** Decides from the tree's intent and the trace's randomness; see the class description. */
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = parentSpanContext(context);
    const traceState = parent?.traceState;
    const ot = traceState?.get(OTEL_TRACE_STATE_KEY);
    let randomness = traceId;
    let randomnessStart = TRACE_ID_RANDOMNESS_OFFSET;
    let parentThreshold: string | undefined;
    let invalidRandomness = false;
    if (ot !== undefined) {
      const rv = findRandomness(ot);
      if (rv >= 0) {
        randomness = ot;
        randomnessStart = rv;
      }
      invalidRandomness = rv === -2;
      parentThreshold = this.#consistentThreshold(ot, parent!, randomness, randomnessStart);
    }
    const intent = this.#delegate.getSamplingIntent(context, spanName, spanKind, attributes, links, parent, parentThreshold);
    const threshold = this.#validThreshold(intent?.threshold);
    const reliable = threshold !== undefined && intent.thresholdReliable === true;
    let sampled = false;
    if (threshold !== undefined) {
      if (reliable) {
        if (randomness === traceId && parent?.isRemote && (parent.traceFlags & RANDOM_TRACE_FLAG) === 0) warnPresumedRandom();
        sampled = meetsThreshold(randomness, randomnessStart, threshold, 0, threshold.length);
      } else {
        sampled = isZeroThreshold(threshold) || meetsThreshold(freshRandomness(), 0, threshold, 0, threshold.length);
      }
    }

    const update = intent?.updateTraceState;
    if (sampled && reliable && update === undefined && threshold === parentThreshold && !invalidRandomness) {
      // Sampled with the parent's own threshold (a child following its parent): the parent's `ot`
      // already says it all; no rewrite, no allocation.
      const getAttributes = intent.getAttributes;
      const attributes = getAttributes === undefined ? undefined : getAttributes();
      return attributes === undefined ? RECORD_AND_SAMPLED_RESULT : { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes };
    }
    let newTraceState = update === undefined ? traceState : update(traceState, sampled);
    const encodedThreshold = sampled && reliable ? encodeThreshold(threshold) : undefined;
    const newOt = newTraceState?.get(OTEL_TRACE_STATE_KEY);
    if (newOt === undefined) {
      if (encodedThreshold !== undefined) {
        if (newTraceState === undefined && update === undefined && intent.getAttributes === undefined) {
          return this.#sampledRootResult(encodedThreshold);
        }
        newTraceState = (newTraceState ?? createTraceState()).set(OTEL_TRACE_STATE_KEY, `th:${encodedThreshold}`);
      }
    } else if (encodedThreshold !== undefined || hasThreshold(newOt)) {
      let rewritten = rewriteOtelValue(newOt, encodedThreshold);
      if (rewritten !== undefined && rewritten.length > MAX_OTEL_VALUE_LENGTH) {
        warnOnce(
          `CompositeSampler: the "ot" trace state entry would exceed ${MAX_OTEL_VALUE_LENGTH} characters; its threshold is erased instead.`,
        );
        rewritten = rewriteOtelValue(newOt, undefined);
      }
      if (rewritten !== newOt) {
        newTraceState =
          rewritten === undefined ? newTraceState!.unset(OTEL_TRACE_STATE_KEY) : newTraceState!.set(OTEL_TRACE_STATE_KEY, rewritten);
      }
    }

    const resultAttributes = sampled ? intent.getAttributes?.() : undefined;
    if (newTraceState === traceState && resultAttributes === undefined) return sampled ? RECORD_AND_SAMPLED_RESULT : NOT_RECORD_RESULT;
    return {
      decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
      attributes: resultAttributes,
      // The tracer keeps the parent's trace state when none is returned: an emptied one must be explicit.
      traceState: newTraceState === traceState ? undefined : (newTraceState ?? createTraceState()),
    };
  }

  /** `CompositeSampler{<composable>}`, e.g. `CompositeSampler{ComposableParentThreshold{root=ComposableProbability{0.25}}}`. */
  toString(): string {
    return `CompositeSampler{${this.#delegate}}`;
  }

  #validThreshold(threshold: string | undefined): string | undefined {
    if (threshold === undefined || threshold === this.#lastValidThreshold) return threshold;
    if (typeof threshold === 'string' && isThresholdValue(threshold, 0, threshold.length)) {
      this.#lastValidThreshold = threshold;
      return threshold;
    }
    if (threshold !== null) {
      warnOnce(
        `CompositeSampler: ${this.#delegate} gave the threshold ${JSON.stringify(threshold)}, ` +
          `not 1 to 14 lowercase hex digits; the span is dropped.`,
      );
    }
    return undefined;
  }

  /**
   * The parent's threshold as 14 digits when its `ot` value has a valid `th` that agrees with the
   * parent's sampled flag (`R ≥ th` exactly when sampled); else `undefined`. The padded form of the
   * last `th` seen is reused, so children of one parent allocate nothing here.
   */
  #consistentThreshold(ot: string, parent: SpanContext, randomness: string, randomnessStart: number): string | undefined {
    const start = findSubKeyValue(ot, 'th');
    if (start === -1) return undefined;
    const end = subKeyValueEnd(ot, start);
    if (!isThresholdValue(ot, start, end)) return undefined;
    const passes = meetsThreshold(randomness, randomnessStart, ot, start, end - start);
    if (passes !== ((parent.traceFlags & TraceFlags.SAMPLED) !== 0)) return undefined;
    const last = this.#lastParentTh;
    if (last !== undefined && end - start === last.length && ot.startsWith(last, start)) return this.#lastParentThreshold;
    this.#lastParentTh = ot.slice(start, end);
    return (this.#lastParentThreshold = this.#lastParentTh.padEnd(THRESHOLD_DIGITS, '0'));
  }

  #sampledRootResult(encodedThreshold: string): SamplingResult {
    if (this.#rootResult !== undefined && this.#rootResultThreshold === encodedThreshold) return this.#rootResult;
    this.#rootResultThreshold = encodedThreshold;
    return (this.#rootResult = Object.freeze({
      decision: SamplingDecision.RECORD_AND_SAMPLED,
      traceState: createTraceState(`${OTEL_TRACE_STATE_KEY}=th:${encodedThreshold}`),
    }));
  }
}

function isZeroThreshold(threshold: string): boolean {
  for (let i = 0; i < threshold.length; i++) if (threshold.charCodeAt(i) !== 0x30) return false;
  return true;
}

const randomBytes = new Uint8Array(7);

/** A new 56-bit random value as 14 lowercase hex digits, for a threshold that is not reliable. */
function freshRandomness(): string {
  crypto.getRandomValues(randomBytes);
  let hex = '';
  for (let i = 0; i < randomBytes.length; i++) hex += randomBytes[i]!.toString(16).padStart(2, '0');
  return hex;
}

import { TraceFlags, type Attributes, type Context, type Link, type SpanContext, type SpanKind } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { composableAlwaysOn } from './composable-always-on.js';
import {
  ALWAYS_THRESHOLD,
  composableReadsNoAttributes,
  DROP_INTENT,
  isComposableSampler,
  markComposableAttributeFree,
  type ComposableSampler,
  type SamplingIntent,
} from './composable-sampler.js';

/** A sampled parent without a usable threshold: sampled too, but with an unknown probability. */
const FOLLOW_SAMPLED_INTENT: SamplingIntent = Object.freeze({ threshold: ALWAYS_THRESHOLD, thresholdReliable: false });

class ComposableParentThreshold implements ComposableSampler {
  readonly #root: ComposableSampler;
  /** The last reliable intent built for a parent threshold, reused while parents carry the same one. */
  #lastIntent: SamplingIntent | undefined;

  constructor(root: ComposableSampler) {
    this.#root = root;
  }

  getSamplingIntent(
    context: Context,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
    parent: SpanContext | undefined,
    parentThreshold: string | undefined,
  ): SamplingIntent {
    if (parent === undefined) {
      return this.#root.getSamplingIntent(context, spanName, spanKind, attributes, links, parent, parentThreshold);
    }
    if (parentThreshold !== undefined) {
      const last = this.#lastIntent;
      if (last !== undefined && last.threshold === parentThreshold) return last;
      return (this.#lastIntent = Object.freeze({ threshold: parentThreshold, thresholdReliable: true }));
    }
    return (parent.traceFlags & TraceFlags.SAMPLED) !== 0 ? FOLLOW_SAMPLED_INTENT : DROP_INTENT;
  }

  toString(): string {
    return `ComposableParentThreshold{root=${this.#root}}`;
  }
}

/**
 * The spec's `ComposableParentThreshold`: a root span (no valid parent) is decided by `root`; a child
 * follows its parent:
 *
 * - the parent carries a valid threshold (`ot=th:...`) that agrees with its sampled flag and randomness:
 *   that threshold, reliable (so the child's decision equals the parent's and it carries the same `th`);
 * - otherwise a sampled parent gives threshold 0, not reliable (the child is sampled, without `th`), and
 *   a parent that is not sampled gives no threshold (the child is dropped).
 *
 * Remote and local parents are treated alike. A threshold that contradicts its parent's sampled flag or
 * randomness counts as absent, as the spec's consistency check asks. The description is
 * `ComposableParentThreshold{root=<root>}`. A missing or invalid `root` is reported once and replaced by
 * {@link composableAlwaysOn}.
 *
 * @example
 * ```ts
 * const sampler = new CompositeSampler(composableParentThreshold(composableProbability(0.1)));
 * // roots sampled at 10%; children follow their parent, across processes through `tracestate`
 * ```
 */
export function composableParentThreshold(root: ComposableSampler): ComposableSampler {
  let delegate = root;
  if (!isComposableSampler(delegate)) {
    warnOnce('composableParentThreshold: the root is missing or not a composable sampler; using composableAlwaysOn().');
    delegate = composableAlwaysOn();
  }
  const sampler = Object.freeze(new ComposableParentThreshold(delegate));
  if (composableReadsNoAttributes(delegate)) markComposableAttributeFree(sampler);
  return sampler;
}

import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { NOT_RECORD_RESULT } from './always-off.js';
import { AlwaysOnSampler } from './always-on.js';
import { ParentBasedSampler } from './parent-based.js';
import { registerAttributeFreeComposite } from './reads-no-attributes.js';
import type { Sampler, SamplingResult } from './sampler.js';
import { SamplingDecision } from './sampler.js';

/** The result for a dropped span with nothing else to carry: shared, frozen. */
const RECORD_ONLY_RESULT: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD });

/**
 * The spec's `AlwaysRecord` sampler decorator: every span is recorded, so span processors see all of
 * them, while exporters still get only the ones `root` samples. `root`'s `NOT_RECORD` becomes `RECORD`
 * (recorded, sampled flag not set), with the attributes and trace state `root` returned; `RECORD` and
 * `RECORD_AND_SAMPLED` stay as they are. For processors that look at every span: span-to-metrics, or
 * {@link KeepTracesProcessor}, which exports the unsampled traces that matter.
 *
 * Every span then costs a recording span (attributes, events), sampled or not. A missing or invalid
 * `root` is reported once and replaced by the default sampler, `ParentBased{root=AlwaysOnSampler}`. The
 * description is `AlwaysRecord{<root>}`.
 *
 * @example
 * ```ts
 * const sampler = new AlwaysRecordSampler(new ParentBasedSampler({ root: new ProbabilitySampler({ ratio: 0.1 }) }));
 * // 10% of traces sampled and exported; every span reaches the processors' onStart/onEnd
 * ```
 */
export class AlwaysRecordSampler implements Sampler {
  readonly #root: Sampler;

  /** @param root The sampler whose decisions are kept, except that a drop becomes a record. */
  constructor(root: Sampler) {
    let delegate = root;
    if (typeof delegate?.shouldSample !== 'function') {
      warnOnce('AlwaysRecordSampler: the root sampler is missing or not a sampler; using ParentBased{root=AlwaysOnSampler}.');
      delegate = new ParentBasedSampler({ root: new AlwaysOnSampler() });
    }
    this.#root = delegate;
    if (new.target === AlwaysRecordSampler) registerAttributeFreeComposite(this, [delegate]);
  }

  /** `root`'s decision, with `NOT_RECORD` turned into `RECORD`. */
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const result = this.#root.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (result === NOT_RECORD_RESULT || result === undefined || result === null) return RECORD_ONLY_RESULT;
    const decision = result.decision;
    if (decision === SamplingDecision.RECORD || decision === SamplingDecision.RECORD_AND_SAMPLED) return result;
    if (result.attributes === undefined && result.traceState === undefined) return RECORD_ONLY_RESULT;
    return { decision: SamplingDecision.RECORD, attributes: result.attributes, traceState: result.traceState };
  }

  /** `AlwaysRecord{<root>}`, e.g. `AlwaysRecord{ParentBased{root=AlwaysOnSampler,...}}`. */
  toString(): string {
    return `AlwaysRecord{${this.#root}}`;
  }
}

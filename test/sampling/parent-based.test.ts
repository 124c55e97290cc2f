import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { AlwaysOffSampler } from '../../src/sampling/always-off.js';
import { AlwaysOnSampler } from '../../src/sampling/always-on.js';
import { ParentBasedSampler } from '../../src/sampling/parent-based.js';
import { ProbabilitySampler } from '../../src/sampling/probability.js';
import { SamplingDecision, type Sampler, type SamplingResult } from '../../src/sampling/sampler.js';
import { TraceIdRatioBasedSampler } from '../../src/sampling/trace-id-ratio-based.js';
import { captureWarnings, contextWithParent, decide, randomTraceId, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

/** A sampler that records its calls and answers with a fixed result. */
class RecordingSampler implements Sampler {
  readonly calls: Array<{
    context: Context;
    traceId: string;
    spanName: string;
    spanKind: SpanKind;
    attributes: Attributes;
    links: Link[];
  }> = [];
  constructor(
    readonly name: string,
    readonly result: SamplingResult,
  ) {}
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    this.calls.push({ context, traceId, spanName, spanKind, attributes, links });
    return this.result;
  }
  toString(): string {
    return this.name;
  }
}

const CASES = [
  { label: 'no parent', context: () => ROOT_CONTEXT, delegate: 'root' },
  { label: 'remote sampled parent', context: () => contextWithParent({ sampled: true, remote: true }), delegate: 'remoteParentSampled' },
  {
    label: 'remote not-sampled parent',
    context: () => contextWithParent({ sampled: false, remote: true }),
    delegate: 'remoteParentNotSampled',
  },
  { label: 'local sampled parent', context: () => contextWithParent({ sampled: true, remote: false }), delegate: 'localParentSampled' },
  {
    label: 'local not-sampled parent',
    context: () => contextWithParent({ sampled: false, remote: false }),
    delegate: 'localParentNotSampled',
  },
] as const;

describe('ParentBasedSampler', () => {
  it.each(CASES)('asks only the $delegate delegate for a $label, passing every argument', ({ context, delegate }) => {
    const delegates = {
      root: new RecordingSampler('root', { decision: SamplingDecision.RECORD }),
      remoteParentSampled: new RecordingSampler('rps', { decision: SamplingDecision.RECORD }),
      remoteParentNotSampled: new RecordingSampler('rpns', { decision: SamplingDecision.RECORD }),
      localParentSampled: new RecordingSampler('lps', { decision: SamplingDecision.RECORD }),
      localParentNotSampled: new RecordingSampler('lpns', { decision: SamplingDecision.RECORD }),
    };
    const sampler = new ParentBasedSampler(delegates);
    const ctx = context();
    const traceId = randomTraceId();
    const attributes = { a: 1 };
    const links: Link[] = [];
    const result = sampler.shouldSample(ctx, traceId, 'name', SpanKind.SERVER, attributes, links);
    expect(result).toBe(delegates[delegate].result);
    for (const [name, recording] of Object.entries(delegates)) {
      expect(recording.calls.length, name).toBe(name === delegate ? 1 : 0);
    }
    expect(delegates[delegate].calls[0]).toEqual({ context: ctx, traceId, spanName: 'name', spanKind: SpanKind.SERVER, attributes, links });
    expect(delegates[delegate].calls[0]!.attributes).toBe(attributes);
  });

  it('defaults to AlwaysOn for sampled parents and AlwaysOff for not-sampled ones', () => {
    const sampler = new ParentBasedSampler({ root: new AlwaysOffSampler() });
    const expected = {
      root: SamplingDecision.NOT_RECORD,
      remoteParentSampled: SamplingDecision.RECORD_AND_SAMPLED,
      remoteParentNotSampled: SamplingDecision.NOT_RECORD,
      localParentSampled: SamplingDecision.RECORD_AND_SAMPLED,
      localParentNotSampled: SamplingDecision.NOT_RECORD,
    };
    for (const { context, delegate } of CASES) {
      expect(decide(sampler, context(), randomTraceId()).decision, delegate).toBe(expected[delegate]);
    }
  });

  it('honours custom delegates in each position', () => {
    const sampler = new ParentBasedSampler({
      root: new AlwaysOnSampler(),
      remoteParentSampled: new AlwaysOffSampler(),
      remoteParentNotSampled: new AlwaysOnSampler(),
      localParentSampled: new AlwaysOffSampler(),
      localParentNotSampled: new AlwaysOnSampler(),
    });
    const expected = {
      root: SamplingDecision.RECORD_AND_SAMPLED,
      remoteParentSampled: SamplingDecision.NOT_RECORD,
      remoteParentNotSampled: SamplingDecision.RECORD_AND_SAMPLED,
      localParentSampled: SamplingDecision.NOT_RECORD,
      localParentNotSampled: SamplingDecision.RECORD_AND_SAMPLED,
    };
    for (const { context, delegate } of CASES) {
      expect(decide(sampler, context(), randomTraceId()).decision, delegate).toBe(expected[delegate]);
    }
  });

  it('treats an invalid parent span context as no parent', () => {
    const root = new RecordingSampler('root', { decision: SamplingDecision.NOT_RECORD });
    const sampler = new ParentBasedSampler({ root });
    decide(sampler, contextWithParent({ sampled: true, remote: true, traceId: '0'.repeat(32) }), randomTraceId());
    expect(root.calls).toHaveLength(1);
  });

  it('allocates nothing with default delegates: the same frozen result each time', () => {
    const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
    const parent = contextWithParent({ sampled: true, remote: false });
    const first = decide(sampler, parent, randomTraceId());
    expect(decide(sampler, parent, randomTraceId())).toBe(first);
    expect(decide(sampler, ROOT_CONTEXT, randomTraceId())).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('keeps a consistent parent threshold and erases an inconsistent or malformed one', () => {
    const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
    const traceId = traceIdWithRandomness('90000000000000');
    const consistent = decide(sampler, contextWithParent({ traceId, sampled: true, remote: true, traceState: 'ot=th:8,a=1' }), traceId);
    expect(consistent.traceState).toBeUndefined();
    const inconsistent = decide(
      sampler,
      contextWithParent({ traceId, sampled: true, remote: true, traceState: 'a=1,ot=th:c;rv:00000000000001' }),
      traceId,
    );
    expect(inconsistent.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(inconsistent.traceState?.serialize()).toBe('ot=rv:00000000000001,a=1');
    const malformed = decide(sampler, contextWithParent({ traceId, sampled: true, remote: false, traceState: 'ot=th:xyz' }), traceId);
    expect(malformed.traceState?.serialize()).toBe('');
    const notSampled = decide(sampler, contextWithParent({ traceId, sampled: false, remote: true, traceState: 'ot=th:c' }), traceId);
    expect(notSampled.decision).toBe(SamplingDecision.NOT_RECORD);
    expect(notSampled.traceState).toBeUndefined();
  });

  it('works with ratio and probability roots', () => {
    const traceId = traceIdWithRandomness('c0000000000000');
    const ratio = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler({ ratio: 0.25 }) });
    expect(decide(ratio, ROOT_CONTEXT, traceId).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    const probability = new ParentBasedSampler({ root: new ProbabilitySampler({ ratio: 0.25 }) });
    const root = decide(probability, ROOT_CONTEXT, traceId);
    expect(root.traceState?.serialize()).toBe('ot=th:c');
    // A child of that root keeps the root's threshold (the parent's trace state is kept).
    const child = decide(probability, contextWithParent({ traceId, sampled: true, remote: false, traceState: 'ot=th:c' }), traceId);
    expect(child.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(child.traceState).toBeUndefined();
  });

  it('describes itself with all delegates', () => {
    expect(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler({ ratio: 0.5 }) }).toString()).toBe(
      'ParentBased{root=TraceIdRatioBased{0.5},remoteParentSampled=AlwaysOnSampler,remoteParentNotSampled=AlwaysOffSampler,' +
        'localParentSampled=AlwaysOnSampler,localParentNotSampled=AlwaysOffSampler}',
    );
  });

  it('warns and falls back when the root or a delegate is not a sampler', () => {
    let sampler: ParentBasedSampler | undefined;
    const warnings = captureWarnings(() => {
      sampler = new ParentBasedSampler({ root: undefined as unknown as Sampler, localParentSampled: {} as Sampler });
    });
    expect(warnings.join('\n')).toMatch(/root sampler is missing/);
    expect(warnings.join('\n')).toMatch(/localParentSampled is not a sampler/);
    expect(sampler!.toString()).toMatch(/^ParentBased\{root=AlwaysOnSampler,.*localParentSampled=AlwaysOnSampler,/);
  });
});

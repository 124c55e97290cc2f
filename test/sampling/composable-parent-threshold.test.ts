import { describe, expect, it } from 'vitest';
import { composableParentThreshold } from '../../src/sampling/composable-parent-threshold.js';
import { composableProbability } from '../../src/sampling/composable-probability.js';
import type { ComposableSampler } from '../../src/sampling/composable-sampler.js';
import { CompositeSampler } from '../../src/sampling/composite.js';
import { SamplingDecision, type Sampler } from '../../src/sampling/sampler.js';
import { captureWarnings, contextWithParent, decide, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

const SAMPLED = SamplingDecision.RECORD_AND_SAMPLED;
const DROPPED = SamplingDecision.NOT_RECORD;

describe('composableParentThreshold', () => {
  const sampler: Sampler = new CompositeSampler(composableParentThreshold(composableProbability(0.25)));

  it('decides a root span with its root sampler', () => {
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('c0000000000000')).traceState?.serialize()).toBe('ot=th:c');
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('bfffffffffffff')).decision).toBe(DROPPED);
  });

  for (const remote of [true, false]) {
    const where = remote ? 'remote' : 'local';

    it(`follows a ${where} parent's consistent threshold, reliably (keeps th)`, () => {
      const traceId = traceIdWithRandomness('f0000000000000');
      const result = decide(sampler, contextWithParent({ sampled: true, remote, traceId, traceFlags: 3, traceState: 'ot=th:e' }), traceId);
      expect(result.decision).toBe(SAMPLED);
      expect(result.traceState).toBeUndefined(); // the parent's `ot=th:e` is kept as it is
      const notSampled = decide(
        sampler,
        contextWithParent({ sampled: false, remote, traceId: traceIdWithRandomness('d0000000000000'), traceState: 'ot=th:e' }),
        traceIdWithRandomness('d0000000000000'),
      );
      expect(notSampled.decision).toBe(DROPPED);
      expect(notSampled.traceState?.serialize()).toBe('');
    });

    it(`follows a ${where} sampled parent without th: sampled, no th`, () => {
      const traceId = traceIdWithRandomness('00000000000000');
      const result = decide(sampler, contextWithParent({ sampled: true, remote, traceId, traceFlags: 3 }), traceId);
      expect(result.decision).toBe(SAMPLED);
      expect(result.traceState).toBeUndefined();
      expect(
        decide(sampler, contextWithParent({ sampled: false, remote, traceId, traceFlags: 2 }), traceIdWithRandomness('ffffffffffffff'))
          .decision,
      ).toBe(DROPPED);
    });

    it(`treats a ${where} parent's th that contradicts its sampled flag as absent, and erases it`, () => {
      // Sampled, but R < th: the th is inconsistent; the span follows the flag without a th.
      const traceId = traceIdWithRandomness('10000000000000');
      const result = decide(
        sampler,
        contextWithParent({ sampled: true, remote, traceId, traceFlags: 3, traceState: 'ot=th:8;x:y' }),
        traceId,
      );
      expect(result.decision).toBe(SAMPLED);
      expect(result.traceState?.serialize()).toBe('ot=x:y');
      // Not sampled, but R ≥ th: inconsistent too; not sampled, th erased.
      const high = traceIdWithRandomness('f0000000000000');
      const dropped = decide(
        sampler,
        contextWithParent({ sampled: false, remote, traceId: high, traceFlags: 2, traceState: 'ot=th:8' }),
        high,
      );
      expect(dropped.decision).toBe(DROPPED);
      expect(dropped.traceState?.serialize()).toBe('');
      // A malformed th is no threshold either.
      const malformed = decide(
        sampler,
        contextWithParent({ sampled: true, remote, traceId, traceFlags: 3, traceState: 'ot=th:XYZ' }),
        traceId,
      );
      expect(malformed.decision).toBe(SAMPLED);
      expect(malformed.traceState?.serialize()).toBe('');
    });
  }

  it('passes the parent threshold, as 14 digits, to custom composables', () => {
    const thresholds: (string | undefined)[] = [];
    const spy: ComposableSampler = {
      getSamplingIntent: (_context, _name, _kind, _attributes, _links, _parent, parentThreshold) => {
        thresholds.push(parentThreshold);
        return { threshold: undefined, thresholdReliable: false };
      },
      toString: () => 'Spy',
    };
    const traceId = traceIdWithRandomness('f0000000000000');
    decide(
      new CompositeSampler(spy),
      contextWithParent({ sampled: true, remote: true, traceId, traceFlags: 3, traceState: 'ot=th:e8' }),
      traceId,
    );
    decide(new CompositeSampler(spy), ROOT_CONTEXT, traceId);
    expect(thresholds).toEqual(['e8000000000000', undefined]);
  });

  it('replaces a missing root with composableAlwaysOn, with one warning', () => {
    const warnings = captureWarnings(() => {
      expect(String(composableParentThreshold(undefined as unknown as ComposableSampler))).toBe(
        'ComposableParentThreshold{root=ComposableAlwaysOn}',
      );
    });
    expect(warnings).toHaveLength(1);
  });
});

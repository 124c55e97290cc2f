import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composableAlwaysOff } from '../../src/sampling/composable-always-off.js';
import { composableProbability } from '../../src/sampling/composable-probability.js';
import { CompositeSampler } from '../../src/sampling/composite.js';
import { ProbabilitySampler } from '../../src/sampling/probability.js';
import { contextWithParent, decide, ROOT_CONTEXT } from './sampling-test-helpers.js';

const traceIdArbitrary = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));

describe('composableProbability', () => {
  it('ComposableProbability decides and writes th exactly as ProbabilitySampler does', () => {
    fc.assert(
      fc.property(
        traceIdArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(
          fc.constantFrom('ot=rv:00000000000000', 'ot=rv:abcdef01234567,x=1', 'ot=th:8;rv:ffffffffffffff', 'ot=rv:bad', 'vendor=v'),
          {
            nil: undefined,
          },
        ),
        fc.boolean(),
        (traceId, ratio, traceState, sampledParent) => {
          const context =
            traceState === undefined ? ROOT_CONTEXT : contextWithParent({ sampled: sampledParent, remote: false, traceId, traceState });
          const expected = decide(new ProbabilitySampler({ ratio }), context, traceId);
          const actual = decide(new CompositeSampler(composableProbability(ratio)), context, traceId);
          expect(actual.decision).toBe(expected.decision);
          expect(actual.traceState?.serialize()).toBe(expected.traceState?.serialize());
        },
      ),
    );
  });

  it('ComposableProbability(0) is ComposableAlwaysOff', () => {
    expect(composableProbability(0)).toBe(composableAlwaysOff());
    expect(String(composableProbability(0.25))).toBe('ComposableProbability{0.25}');
  });
});

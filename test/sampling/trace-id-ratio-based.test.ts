import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { TraceIdRatioBasedSampler } from '../../src/sampling/trace-id-ratio-based.js';
import { captureWarnings, contextWithParent, decide, randomTraceId, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

const sampled = (sampler: TraceIdRatioBasedSampler, traceId: string): boolean =>
  decide(sampler, ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;

const traceIdArbitrary = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));

describe('TraceIdRatioBasedSampler', () => {
  // First: warnOnce remembers a bounded number of messages, and the property tests below fill it.
  it('warns once about an invalid positional ratio, naming the value', () => {
    const samplers: TraceIdRatioBasedSampler[] = [];
    const warnings = captureWarnings(() => {
      samplers.push(new TraceIdRatioBasedSampler(1.75));
      samplers.push(new TraceIdRatioBasedSampler(1.75));
      samplers.push(new TraceIdRatioBasedSampler(-0.25));
    });
    expect(samplers.map(String)).toEqual(['TraceIdRatioBased{1}', 'TraceIdRatioBased{1}', 'TraceIdRatioBased{0}']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/TraceIdRatioBasedSampler: ratio 1\.75 is above 1/);
    expect(warnings[1]).toMatch(/TraceIdRatioBasedSampler: ratio -0\.25 is below 0/);
  });

  it('never samples at ratio 0 and always samples at ratio 1', () => {
    const never = new TraceIdRatioBasedSampler({ ratio: 0 });
    const always = new TraceIdRatioBasedSampler({ ratio: 1 });
    for (const randomness of ['00000000000000', 'ffffffffffffff', '80000000000000']) {
      expect(sampled(never, traceIdWithRandomness(randomness))).toBe(false);
      expect(sampled(always, traceIdWithRandomness(randomness))).toBe(true);
    }
  });

  it('samples exactly one randomness value at ratio 2^-56', () => {
    const sampler = new TraceIdRatioBasedSampler({ ratio: 2 ** -56 });
    expect(sampled(sampler, traceIdWithRandomness('ffffffffffffff'))).toBe(true);
    expect(sampled(sampler, traceIdWithRandomness('fffffffffffffe'))).toBe(false);
    expect(sampled(sampler, traceIdWithRandomness('7fffffffffffff'))).toBe(false);
  });

  it('samples when the low 56 bits reach (1 − ratio) · 2^56, ignoring the high 72 bits', () => {
    const sampler = new TraceIdRatioBasedSampler({ ratio: 0.25 });
    expect(sampled(sampler, 'ffffffffffffffffffbfffffffffffff')).toBe(false);
    expect(sampled(sampler, '00000000000000000000000000000000'.slice(0, 18) + 'c0000000000000')).toBe(true);
    expect(sampled(sampler, '000000000000000000c0000000000000'.toUpperCase())).toBe(true);
  });

  it('is deterministic: the same trace id gets the same decision from any instance', () => {
    fc.assert(
      fc.property(traceIdArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (traceId, ratio) => {
        expect(sampled(new TraceIdRatioBasedSampler({ ratio }), traceId)).toBe(sampled(new TraceIdRatioBasedSampler({ ratio }), traceId));
      }),
    );
  });

  it('samples 25 % ± 2 % of 10 000 random trace ids at ratio 0.25', () => {
    const sampler = new TraceIdRatioBasedSampler({ ratio: 0.25 });
    let count = 0;
    for (let i = 0; i < 10_000; i++) if (sampled(sampler, randomTraceId())) count++;
    expect(count / 10_000).toBeGreaterThan(0.23);
    expect(count / 10_000).toBeLessThan(0.27);
  });

  it('samples a superset at a higher ratio', () => {
    fc.assert(
      fc.property(
        traceIdArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (traceId, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          if (sampled(new TraceIdRatioBasedSampler({ ratio: low }), traceId)) {
            expect(sampled(new TraceIdRatioBasedSampler({ ratio: high }), traceId)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('describes itself with its ratio', () => {
    expect(new TraceIdRatioBasedSampler({ ratio: 0.25 }).toString()).toBe('TraceIdRatioBased{0.25}');
    expect(new TraceIdRatioBasedSampler({ ratio: 1 }).toString()).toBe('TraceIdRatioBased{1}');
  });

  it('warns about invalid ratios and clamps or falls back', () => {
    const samplers: TraceIdRatioBasedSampler[] = [];
    const warnings = captureWarnings(() => {
      samplers.push(new TraceIdRatioBasedSampler({ ratio: Number.NaN }));
      samplers.push(new TraceIdRatioBasedSampler({ ratio: -1 }));
      samplers.push(new TraceIdRatioBasedSampler({ ratio: 7 }));
      samplers.push(new TraceIdRatioBasedSampler({ ratio: 'x' as unknown as number }));
    });
    expect(samplers.map(String)).toEqual(['TraceIdRatioBased{1}', 'TraceIdRatioBased{0}', 'TraceIdRatioBased{1}', 'TraceIdRatioBased{1}']);
    expect(warnings).toHaveLength(4);
    expect(warnings.every((warning) => warning.includes('TraceIdRatioBasedSampler'))).toBe(true);
    expect(sampled(samplers[1]!, traceIdWithRandomness('ffffffffffffff'))).toBe(false);
  });

  it('as a child: ignores the parent sampled flag, leaves the trace state alone, warns once', () => {
    const sampler = new TraceIdRatioBasedSampler({ ratio: 1 });
    const results: ReturnType<typeof decide>[] = [];
    const warnings = captureWarnings(() => {
      decide(sampler, ROOT_CONTEXT, randomTraceId());
      results.push(decide(sampler, contextWithParent({ sampled: false, remote: true, traceState: 'ot=th:8' }), randomTraceId()));
      results.push(decide(sampler, contextWithParent({ sampled: true, remote: false }), randomTraceId()));
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/child sampler/);
    expect(results[0]!.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(results[0]!.traceState).toBeUndefined();
  });

  it('takes the ratio positionally, as opentelemetry-js does, deciding exactly as the options form', () => {
    const positional = new TraceIdRatioBasedSampler(0.1);
    const options = new TraceIdRatioBasedSampler({ ratio: 0.1 });
    expect(positional.toString()).toBe('TraceIdRatioBased{0.1}');
    let sampledCount = 0;
    for (let i = 0; i < 2000; i++) {
      const traceId = randomTraceId();
      expect(sampled(positional, traceId)).toBe(sampled(options, traceId));
      if (sampled(positional, traceId)) sampledCount++;
    }
    // 10 % of 2000 is 200; the bound only rules out the 100 % the number form used to give.
    expect(sampledCount).toBeLessThan(400);
    expect(sampled(positional, traceIdWithRandomness('00000000000000'))).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeThreshold,
  findRandomness,
  findSubKeyValue,
  isThresholdConsistent,
  meetsThreshold,
  normalizeRatio,
  ratioToThreshold,
  rewriteOtelValue,
} from '../../src/sampling/threshold.js';
import { captureWarnings } from './sampling-test-helpers.js';

const TWO_POW_56 = 2n ** 56n;

/** The reference: T = 2^56 − round(ratio · 2^56), in exact integer arithmetic. */
function referenceThreshold(ratio: number): bigint {
  // ratio · 2^56 is exact in a double; BigInt of its rounded value is exact too.
  return TWO_POW_56 - BigInt(Math.round(ratio * 2 ** 56));
}

describe('ratioToThreshold', () => {
  it('gives the spec examples', () => {
    expect(ratioToThreshold(1)).toBe('00000000000000');
    expect(ratioToThreshold(0.5)).toBe('80000000000000');
    expect(ratioToThreshold(0.25)).toBe('c0000000000000');
    expect(ratioToThreshold(0.125)).toBe('e0000000000000');
    expect(ratioToThreshold(0.0625)).toBe('f0000000000000');
    expect(ratioToThreshold(0)).toBeUndefined();
  });

  it('accepts exactly one randomness value at 2^-56', () => {
    expect(ratioToThreshold(2 ** -56)).toBe('ffffffffffffff');
    expect(ratioToThreshold(2 ** -55)).toBe('fffffffffffffe');
  });

  it('is round((1 − ratio) · 2^56) to the last bit', () => {
    fc.assert(
      fc.property(fc.double({ min: 2 ** -56, max: 1, noNaN: true }), (ratio) => {
        const threshold = ratioToThreshold(ratio)!;
        expect(threshold).toMatch(/^[0-9a-f]{14}$/);
        expect(BigInt(`0x${threshold}`)).toBe(referenceThreshold(ratio));
      }),
    );
  });
});

describe('encodeThreshold', () => {
  it('removes trailing zeros and keeps a lone 0', () => {
    expect(encodeThreshold('00000000000000')).toBe('0');
    expect(encodeThreshold('c0000000000000')).toBe('c');
    expect(encodeThreshold('fd70a400000000')).toBe('fd70a4');
    expect(encodeThreshold('ffffffffffffff')).toBe('ffffffffffffff');
  });
});

describe('meetsThreshold', () => {
  it('compares 56-bit values numerically, padding short thresholds with zeros', () => {
    expect(meetsThreshold('c0000000000000', 0, 'c', 0, 1)).toBe(true);
    expect(meetsThreshold('bfffffffffffff', 0, 'c', 0, 1)).toBe(false);
    expect(meetsThreshold('00000000000000', 0, '0', 0, 1)).toBe(true);
    expect(meetsThreshold('x00000000000001', 1, '00000000000001', 0, 14)).toBe(true);
  });

  it('treats uppercase randomness like lowercase and short ids as not passing', () => {
    expect(meetsThreshold('C0000000000000', 0, 'c', 0, 1)).toBe(true);
    expect(meetsThreshold('000', 0, '0000001', 0, 7)).toBe(false);
  });

  it('agrees with integer comparison', () => {
    const hex56 = fc.bigInt({ min: 0n, max: TWO_POW_56 - 1n }).map((v) => v.toString(16).padStart(14, '0'));
    fc.assert(
      fc.property(hex56, hex56, (randomness, threshold) => {
        expect(meetsThreshold(randomness, 0, threshold, 0, 14)).toBe(BigInt(`0x${randomness}`) >= BigInt(`0x${threshold}`));
      }),
    );
  });
});

describe('ot sub-keys', () => {
  it('finds sub-key values only at member starts', () => {
    expect(findSubKeyValue('th:c;rv:0123456789abcd', 'rv')).toBe(8);
    expect(findSubKeyValue('xth:1;th:2', 'th')).toBe(9);
    expect(findSubKeyValue('th', 'th')).toBe(-1);
    expect(findSubKeyValue('', 'th')).toBe(-1);
  });

  it('reports a valid, missing or invalid rv', () => {
    expect(findRandomness('rv:0123456789abcd')).toBe(3);
    expect(findRandomness('th:c')).toBe(-1);
    expect(findRandomness('rv:0123456789ABCD')).toBe(-2);
    expect(findRandomness('rv:0123456789abc')).toBe(-2);
    expect(findRandomness('rv:0123456789abcde')).toBe(-2);
  });

  it('checks a threshold against rv or the trace id', () => {
    const traceId = '0000000000000000008fffffffffffff';
    expect(isThresholdConsistent('th:8', traceId)).toBe(true);
    expect(isThresholdConsistent('th:9', traceId)).toBe(false);
    expect(isThresholdConsistent('th:9;rv:90000000000000', traceId)).toBe(true);
    expect(isThresholdConsistent('th:9;rv:bad', traceId)).toBe(false);
    expect(isThresholdConsistent('th:zz', traceId)).toBe(false);
    expect(isThresholdConsistent('rv:00000000000000', traceId)).toBe(true);
  });

  it('rewrites ot with th first, dropping old th, invalid rv, malformed and repeated members', () => {
    expect(rewriteOtelValue(undefined, 'c')).toBe('th:c');
    expect(rewriteOtelValue('rv:0123456789abcd;th:8', 'c')).toBe('th:c;rv:0123456789abcd');
    expect(rewriteOtelValue('rv:nothex;p:8', 'c')).toBe('th:c;p:8');
    expect(rewriteOtelValue('th:8;Bad:1;x:y:z;k1:13;k1:14', undefined)).toBe('k1:13');
    expect(rewriteOtelValue('th:8', undefined)).toBeUndefined();
  });
});

describe('normalizeRatio', () => {
  it('keeps valid ratios and clamps or replaces invalid ones with a warning naming the problem', () => {
    const results: number[] = [];
    const warnings = captureWarnings(() => {
      results.push(normalizeRatio(0.3, 'S'), normalizeRatio(0, 'S'), normalizeRatio(1, 'S'));
      results.push(normalizeRatio(Number.NaN, 'S'), normalizeRatio('0.5', 'S'), normalizeRatio(undefined, 'S'));
      results.push(normalizeRatio(-0.1, 'S'), normalizeRatio(1.5, 'S'), normalizeRatio(2 ** -60, 'S'));
    });
    expect(results).toEqual([0.3, 0, 1, 1, 1, 1, 0, 1, 2 ** -56]);
    expect(warnings.join('\n')).toMatch(/NaN is not a number/);
    expect(warnings.join('\n')).toMatch(/"0.5" is not a number/);
    expect(warnings.join('\n')).toMatch(/-0.1 is below 0; using 0/);
    expect(warnings.join('\n')).toMatch(/1.5 is above 1; using 1/);
    expect(warnings.join('\n')).toMatch(/below the smallest sampling probability/);
  });
});

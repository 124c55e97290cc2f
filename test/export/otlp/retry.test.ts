import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  backoffMillis,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  waitMillis,
} from '../../../src/export/otlp/retry.js';

describe('retry policy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxAttempts: 5,
      initialBackoffMillis: 1000,
      maxBackoffMillis: 5000,
      backoffMultiplier: 1.5,
      jitter: 0.2,
    });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });

  it('retries exactly 429, 502, 503 and 504 among HTTP statuses', () => {
    const retryable = [];
    for (let status = 100; status < 600; status++) if (isRetryableStatus(status)) retryable.push(status);
    expect(retryable).toEqual([429, 502, 503, 504]);
  });

  it('retries lost connections and timeouts, not other errors', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) {
      expect(isRetryableNetworkError(Object.assign(new Error(code), { code }))).toBe(true);
    }
    expect(isRetryableNetworkError(new Error('socket hang up'))).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('late'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('bad header'), { code: 'ERR_INVALID_CHAR' }))).toBe(false);
    expect(isRetryableNetworkError(Object.assign(new Error('no'), { code: 'CERT_HAS_EXPIRED' }))).toBe(false);
    expect(isRetryableNetworkError(undefined)).toBe(false);
    expect(isRetryableNetworkError('ECONNRESET')).toBe(false);
  });

  it("retries a fetch TypeError by its cause (undici) or by the fetch transport's mark, not a bare TypeError", () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(isRetryableNetworkError(refused)).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new TypeError('network error: Failed to fetch'), { code: 'ERR_NETWORK' }))).toBe(true);
    expect(isRetryableNetworkError(new TypeError('Failed to fetch'))).toBe(false);
    expect(isRetryableNetworkError(new TypeError('fetch failed', { cause: new Error('certificate has expired') }))).toBe(false);
  });
});

describe('backoffMillis', () => {
  it('grows by the multiplier up to the maximum, without jitter at the midpoint', () => {
    const middle = (): number => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffMillis(DEFAULT_RETRY_POLICY, retry, middle))).toEqual([
      1000, 1500, 2250, 3375, 5000, 5000,
    ]);
  });

  it('applies ±jitter around the nominal wait', () => {
    expect(backoffMillis(DEFAULT_RETRY_POLICY, 1, () => 0)).toBeCloseTo(800);
    expect(backoffMillis(DEFAULT_RETRY_POLICY, 1, () => 1)).toBeCloseTo(1200);
    const samples = Array.from({ length: 200 }, () => backoffMillis(DEFAULT_RETRY_POLICY, 2));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(1200);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1800);
    expect(new Set(samples).size).toBeGreaterThan(1);
  });

  it('is exact with zero jitter', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, jitter: 0, initialBackoffMillis: 10, backoffMultiplier: 2, maxBackoffMillis: 50 };
    expect([1, 2, 3, 4].map((retry) => backoffMillis(policy, retry))).toEqual([10, 20, 40, 50]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 3 ', now)).toBe(3000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('waitMillis', () => {
  it('resolves true after the wait', async () => {
    expect(await waitMillis(5, new AbortController().signal)).toBe(true);
  });

  it('resolves false at once when aborted before or during the wait', async () => {
    const before = new AbortController();
    before.abort();
    expect(await waitMillis(60_000, before.signal)).toBe(false);
    const during = new AbortController();
    const waiting = waitMillis(60_000, during.signal);
    setTimeout(() => during.abort(), 5);
    expect(await waiting).toBe(false);
  });
});

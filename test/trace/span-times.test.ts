import type { HrTime, TimeInput } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type FinishedSpan } from '../../src/index.js';

/**
 * The SDK clock (src/trace/clock.ts) as users see it: the times of finished spans. Bounds are stated in
 * nanoseconds of epoch time; none depends on how fast the machine is.
 */

const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('clock');

function finish(start?: TimeInput, end?: TimeInput): FinishedSpan {
  exporter.reset();
  tracer.startSpan('timed', { startTime: start }).end(end);
  const [span] = exporter.getFinishedSpans();
  return span;
}

const toNanos = ([seconds, nanos]: HrTime): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
const distance = (a: bigint, b: bigint): bigint => (a > b ? a - b : b - a);
/** Closer than a microsecond: what every backend that shows microseconds displays as the same time. */
const SUB_MICROSECOND = 1000n;

describe('the SDK clock, through span times', () => {
  it('keeps explicit epoch times (Date, epoch milliseconds, HrTime) to within a microsecond', () => {
    const millis = 1796153629884;
    const exact = BigInt(millis) * 1_000_000n;
    for (const input of [new Date(millis), millis, [1796153629, 884_000_000] as HrTime]) {
      const span = finish(input, millis + 5);
      expect(distance(toNanos(span.startTime), exact)).toBeLessThan(SUB_MICROSECOND);
      expect(distance(toNanos(span.endTime), exact + 5_000_000n)).toBeLessThan(SUB_MICROSECOND);
    }
  });

  it('gives HrTimes whose nanoseconds are an integer in [0, 1e9)', () => {
    for (const input of [new Date(1796153629999), [1796153629, 999_999_999] as HrTime, undefined]) {
      const [seconds, nanos] = finish(input).startTime;
      expect(Number.isInteger(seconds) && Number.isInteger(nanos)).toBe(true);
      expect(nanos).toBeGreaterThanOrEqual(0);
      expect(nanos).toBeLessThan(1e9);
    }
  });

  it('measures a duration given in HrTimes exactly, to the nanosecond', () => {
    const span = finish([1796153629, 100], [1796153629, 1600]);
    expect(toNanos(span.endTime) - toNanos(span.startTime)).toBe(1500n);
    expect(toNanos(span.duration)).toBe(1500n);
  });

  it('stamps spans without explicit times between the wall-clock readings around them', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const span = finish();
    const after = BigInt(Date.now()) * 1_000_000n;
    // Date.now() is whole milliseconds: allow one on each side.
    expect(toNanos(span.startTime)).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(toNanos(span.endTime)).toBeLessThanOrEqual(after + 1_000_000n);
    expect(toNanos(span.endTime)).toBeGreaterThanOrEqual(toNanos(span.startTime));
  });

  it('falls back to now for times it cannot read', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    for (const input of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new Date(Number.NaN),
      [1] as unknown as HrTime,
      'noon' as unknown as TimeInput,
    ]) {
      expect(toNanos(finish(input).startTime)).toBeGreaterThanOrEqual(before - 1_000_000n);
    }
  });
});

/** Spins until `millis` of monotonic time have passed. */
function waitMonotonicMillis(millis: number): void {
  const until = performance.now() + millis;
  while (performance.now() < until);
}

describe('a wall-clock step', () => {
  it('moves the start of later spans, while a span started before it keeps its own clock for events and end', () => {
    exporter.reset();
    const HOUR_MILLIS = 3_600_000;
    const realNow = Date.now.bind(Date);
    const early = tracer.startSpan('before the step');
    early.setStatus({ code: 2 });
    const plain = tracer.startSpan('before the step, nothing recorded');
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + HOUR_MILLIS);
    try {
      // The wall clock is compared at most once per millisecond of monotonic time, and a comparison whose
      // readings were interrupted (a preempted thread on a loaded machine) is not used (clock.ts): span
      // starts probe until one has seen the step, a bounded number of times.
      waitMonotonicMillis(2);
      const steppedBefore = BigInt(Date.now()) * 1_000_000n;
      let probes = 0;
      for (; probes < 200; probes++) {
        const probe = tracer.startSpan('probe');
        probe.end();
        const [probed] = exporter.getFinishedSpans();
        exporter.reset();
        if (toNanos(probed?.startTime as HrTime) >= steppedBefore - 1_000_000n) break;
        waitMonotonicMillis(1);
      }
      expect(probes).toBeLessThan(200);
      const late = tracer.startSpan('after the step');
      late.addEvent('on the new clock');
      early.addEvent('on the old clock');
      plain.addEvent('on the old clock');
      late.end();
      early.end();
      plain.end();
      const [lateSpan, earlySpan, plainSpan] = exporter.getFinishedSpans();
      expect(lateSpan?.name).toBe('after the step');
      // The late span starts on the stepped wall clock, and its event follows its start.
      expect(toNanos(lateSpan?.startTime as HrTime)).toBeGreaterThanOrEqual(steppedBefore - 1_000_000n);
      expect(toNanos(lateSpan?.events[0]?.time as HrTime)).toBeGreaterThanOrEqual(toNanos(lateSpan?.startTime as HrTime));
      // The early span's event and end stay on the clock it started on: well under the hour after its start.
      const earlyStart = toNanos(earlySpan?.startTime as HrTime);
      const limit = earlyStart + BigInt(HOUR_MILLIS / 2) * 1_000_000n;
      expect(toNanos(earlySpan?.events[0]?.time as HrTime)).toBeLessThan(limit);
      expect(toNanos(earlySpan?.endTime as HrTime)).toBeLessThan(limit);
      expect(toNanos(earlySpan?.endTime as HrTime)).toBeGreaterThanOrEqual(earlyStart);
      expect(earlySpan?.status.code).toBe(2);
      const plainStart = toNanos(plainSpan?.startTime as HrTime);
      expect(toNanos(plainSpan?.events[0]?.time as HrTime)).toBeLessThan(plainStart + BigInt(HOUR_MILLIS / 2) * 1_000_000n);
      expect(toNanos(plainSpan?.endTime as HrTime)).toBeLessThan(plainStart + BigInt(HOUR_MILLIS / 2) * 1_000_000n);
      expect(plainSpan?.status.code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    // Back on the real clock: spans start there again (once the next comparison is due).
    waitMonotonicMillis(2);
    const before = BigInt(Date.now()) * 1_000_000n;
    const again = finish();
    expect(toNanos(again.startTime)).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(toNanos(again.startTime)).toBeLessThan(before + 1_000_000_000n);
  });
});

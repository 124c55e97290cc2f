import { describe, expect, it, vi } from 'vitest';
import { anchoredNowNanos, CLOCK_BASE_MILLIS, currentClockAnchor } from '../../src/trace/clock.js';
import { decodeExportRequest, toReceivedSpans } from '../../src/platform/node/receiver/index.js';
import { encodeSpansToJson, encodeSpansToProtobuf } from '../../src/otlp.js';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type FinishedSpan } from '../../src/index.js';

/** Spans started and ended at explicit times, through the real encoder and decoded back as a receiver does. */
async function exported(
  times: Array<[start: Date | number | [number, number], end: Date | number | [number, number]]>,
  encoding: 'protobuf' | 'json',
) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('clock');
  times.forEach(([start, end], index) => tracer.startSpan(`span ${index}`, { startTime: start }).end(end));
  await provider.forceFlush();
  const spans: FinishedSpan[] = exporter.getFinishedSpans();
  const body = encoding === 'protobuf' ? encodeSpansToProtobuf(spans) : encodeSpansToJson(spans);
  const received = toReceivedSpans(decodeExportRequest(body, encoding)).spans;
  await provider.shutdown();
  return { spans, received: [...received].sort((a, b) => a.name.localeCompare(b.name)) };
}

describe('explicit times are exported exactly', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`Date, epoch milliseconds and [seconds, nanoseconds] (${encoding})`, async () => {
      const { spans, received } = await exported(
        [
          [new Date(1796153629884), new Date(1796153629885)],
          [1796153629884, 1796153629886.5],
          [
            [1796153629, 884000123],
            [1796153630, 999999999],
          ],
          [new Date(1577836800000), new Date(1577836800001)], // 2020-01-01, years before the process
        ],
        encoding,
      );
      expect(received.map((span) => [span.startTimeUnixNano, span.endTimeUnixNano])).toEqual([
        [1796153629884000000n, 1796153629885000000n],
        [1796153629884000000n, 1796153629886500000n],
        [1796153629884000123n, 1796153630999999999n],
        [1577836800000000000n, 1577836800001000000n],
      ]);
      // The HrTime getters agree with the wire.
      const byName = new Map(spans.map((span) => [span.name, span]));
      expect(byName.get('span 0')!.startTime).toEqual([1796153629, 884000000]);
      expect(byName.get('span 2')!.endTime).toEqual([1796153630, 999999999]);
      expect(byName.get('span 1')!.duration).toEqual([0, 2500000]);
    });
  }
});

describe('the anchor when the wall-clock reading is interrupted', () => {
  const waitMonotonicMillis = (millis: number) => {
    const until = performance.now() + millis;
    while (performance.now() < until);
  };
  /** Date.now() that takes `slowMillis` of monotonic time (a thread preempted while reading it) and reads `offsetMillis` ahead. */
  const withSlowDateNow = <T>(offsetMillis: number, slowMillis: number, run: () => T): T => {
    const realNow = Date.now.bind(Date);
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => {
      waitMonotonicMillis(slowMillis);
      return realNow() + offsetMillis;
    });
    try {
      return run();
    } finally {
      spy.mockRestore();
    }
  };
  const wallNanos = () => (Date.now() - CLOCK_BASE_MILLIS) * 1e6;

  it('follows a step far larger than the interruption at once, and ignores a difference the interruption could explain', () => {
    const HOUR_MILLIS = 3_600_000;
    // An hour ahead, read in 5 ms: the old anchor is an hour off, the new one at most 5 ms.
    waitMonotonicMillis(2);
    const stepped = withSlowDateNow(HOUR_MILLIS, 5, () => anchoredNowNanos());
    expect(stepped).toBeGreaterThanOrEqual(wallNanos() + (HOUR_MILLIS - 50) * 1e6);
    // Back on the real clock, read without delay: the anchor returns.
    waitMonotonicMillis(2);
    const back = anchoredNowNanos();
    expect(Math.abs(back - wallNanos())).toBeLessThan(50 * 1e6);
    // 3 ms ahead, read in 5 ms: the interruption alone could explain the difference, so the anchor stays.
    waitMonotonicMillis(2);
    const before = currentClockAnchor();
    withSlowDateNow(3, 5, () => anchoredNowNanos());
    expect(currentClockAnchor()).toBe(before);
  });
});

import { describe, expect, it } from 'vitest';
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

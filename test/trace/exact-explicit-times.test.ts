// Explicit span and event times, exported to the nanosecond through both OTLP encodings (and the
// generated-schema encoder the Node entry falls back to), decoded back from the real bytes.
import { fromBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import type { HrTime, TimeInput } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ExportTraceServiceRequestSchema } from '../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import { encodeSpansToJson, encodeSpansToProtobuf } from '../../src/otlp.js';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type FinishedSpan } from '../../src/index.js';
import { decodeExportRequest, toReceivedSpans } from '../../src/platform/node/receiver/index.js';
import { toExportTraceServiceRequest } from '../../src/export/otlp/encoding/to-export-request.js';
import { CLOCK_BASE_MILLIS } from '../../src/trace/clock.js';

const TWO_POW_53 = 2n ** 53n;
const BASE_NANOS = BigInt(CLOCK_BASE_MILLIS) * 1_000_000n;

/** An exact epoch nanosecond count as the `[s, ns]` HrTime the API takes. */
const hr = (nanos: bigint): HrTime => [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];

interface Case {
  name: string;
  start: TimeInput;
  end: TimeInput;
  event?: TimeInput;
  /** The exact epoch nanoseconds expected on the wire: start, end, event. */
  expected: bigint[];
}

const cases: Case[] = [
  {
    name: 'issue: +3 ns',
    start: [1750000000, 123456789],
    end: [1750000002, 987654321],
    expected: [1750000000123456789n, 1750000002987654321n],
  },
  {
    name: 'issue: last nanosecond of a second',
    start: [1999999999, 999999999],
    end: [2000000000, 0],
    expected: [1999999999999999999n, 2000000000000000000n],
  },
  {
    name: 'second boundaries, far from the clock base',
    start: [1700000000, 999999999],
    end: [1700000001, 1],
    event: [1700000001, 0],
    expected: [1700000000999999999n, 1700000001000000001n, 1700000001000000000n],
  },
  // 2^53 ns after the epoch (1970-04-15) and either side of it.
  {
    name: 'epoch 2^53 ns',
    start: hr(TWO_POW_53 - 1n),
    end: hr(TWO_POW_53 + 1n),
    event: hr(TWO_POW_53),
    expected: [TWO_POW_53 - 1n, TWO_POW_53 + 1n, TWO_POW_53],
  },
  // 2^53 ns from the clock base, where clock nanoseconds stop holding every nanosecond.
  {
    name: 'clock base + 2^53 ns',
    start: hr(BASE_NANOS + TWO_POW_53 - 1n),
    end: hr(BASE_NANOS + TWO_POW_53 + 3n),
    event: hr(BASE_NANOS + TWO_POW_53 + 1n),
    expected: [BASE_NANOS + TWO_POW_53 - 1n, BASE_NANOS + TWO_POW_53 + 3n, BASE_NANOS + TWO_POW_53 + 1n],
  },
  {
    name: 'clock base - 2^53 ns',
    start: hr(BASE_NANOS - TWO_POW_53 - 3n),
    end: hr(BASE_NANOS - TWO_POW_53 + 1n),
    event: hr(BASE_NANOS - TWO_POW_53 - 1n),
    expected: [BASE_NANOS - TWO_POW_53 - 3n, BASE_NANOS - TWO_POW_53 + 1n, BASE_NANOS - TWO_POW_53 - 1n],
  },
  // Not normalized: nanoseconds past a second carry into the seconds.
  {
    name: 'nanoseconds past a second',
    start: [1750000000, 1_999_999_999],
    end: [1750000002, 5],
    expected: [1750000001999999999n, 1750000002000000005n],
  },
  // Year 2500, still a fixed64.
  { name: 'year 2500', start: [16725225600, 1], end: [16725225600, 999999999], expected: [16725225600000000001n, 16725225600999999999n] },
  // The first and the last nanoseconds a fixed64 holds.
  { name: 'the epoch', start: [0, 0], end: [0, 3], event: [0, 1], expected: [0n, 3n, 1n] },
  {
    name: 'the last fixed64 nanoseconds',
    start: [18446744073, 709551613],
    end: [18446744073, 709551615],
    expected: [2n ** 64n - 3n, 2n ** 64n - 1n],
  },
  // An end before the start is clamped to the start, exactly.
  {
    name: 'end before start',
    start: [1750000000, 123456789],
    end: [1750000000, 5],
    expected: [1750000000123456789n, 1750000000123456789n],
  },
];

async function recorded(): Promise<FinishedSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('exact times');
  for (const { name, start, end, event } of cases) {
    const span = tracer.startSpan(name, { startTime: start });
    if (event !== undefined) span.addEvent('event', event);
    span.end(end);
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function wireTimes(received: ReturnType<typeof toReceivedSpans>['spans']): Record<string, bigint[]> {
  return Object.fromEntries(
    received.map((span) => [
      span.name,
      [span.startTimeUnixNano, span.endTimeUnixNano, ...span.span.events.map((event) => event.timeUnixNano)],
    ]),
  );
}

const expectedTimes = Object.fromEntries(cases.map((entry) => [entry.name, entry.expected]));

describe('explicit [s, ns] times are exported to the nanosecond', () => {
  it('through the protobuf encoder, decoded back from its bytes', async () => {
    const spans = await recorded();
    expect(wireTimes(toReceivedSpans(decodeExportRequest(encodeSpansToProtobuf(spans), 'protobuf')).spans)).toEqual(expectedTimes);
  });

  it('through the JSON encoder, decoded back from its text', async () => {
    const spans = await recorded();
    const body = encodeSpansToJson(spans);
    expect(wireTimes(toReceivedSpans(decodeExportRequest(body, 'json')).spans)).toEqual(expectedTimes);
    // The decimal strings themselves, as OTLP/JSON carries 64-bit integers.
    const text = new TextDecoder().decode(body);
    expect(text).toContain('"startTimeUnixNano":"1750000000123456789"');
    expect(text).toContain('"endTimeUnixNano":"2000000000000000000"');
  });

  it('through the generated-schema encoder (the fallback), its bytes decoded by @bufbuild/protobuf', async () => {
    const spans = await recorded();
    const request = fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf(spans));
    const decoded = Object.fromEntries(
      request.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) => [
        span.name,
        [span.startTimeUnixNano, span.endTimeUnixNano, ...span.events.map((event) => event.timeUnixNano)],
      ]),
    );
    expect(decoded).toEqual(expectedTimes);
    const fallback = toExportTraceServiceRequest(spans);
    const viaSchema = Object.fromEntries(
      fallback.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) => [
        span.name,
        [span.startTimeUnixNano, span.endTimeUnixNano, ...span.events.map((event) => event.timeUnixNano)],
      ]),
    );
    expect(viaSchema).toEqual(expectedTimes);
  });

  it('the HrTime getters give the same times, normalized', async () => {
    const spans = await recorded();
    for (const span of spans) {
      const [start, end, event] = expectedTimes[span.name]!;
      expect([span.name, span.startTime, span.endTime]).toEqual([span.name, hr(start!), hr(end!)]);
      if (event !== undefined) expect(span.events[0]!.time).toEqual(hr(event));
    }
  });
});

describe('any [s, ns] time a fixed64 holds', () => {
  it('comes back exactly from both encodings (property, 500 random times per run)', async () => {
    const times = fc.sample(
      fc.tuple(fc.integer({ min: 0, max: 18_446_744_072 }), fc.integer({ min: 0, max: 999_999_999 })),
      500,
    ) as HrTime[];
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('property');
    times.forEach((time, index) => tracer.startSpan(String(index), { startTime: time }).end([time[0], time[1] + 1]));
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    for (const [encoding, body] of [
      ['protobuf', encodeSpansToProtobuf(spans)],
      ['json', encodeSpansToJson(spans)],
    ] as const) {
      const received = toReceivedSpans(decodeExportRequest(body, encoding)).spans;
      expect(received).toHaveLength(times.length);
      for (const span of received) {
        const [seconds, nanos] = times[Number(span.name)]!;
        const expected = BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
        expect([span.name, span.startTimeUnixNano, span.endTimeUnixNano]).toEqual([span.name, expected, expected + 1n]);
      }
    }
    await provider.shutdown();
  });
});

describe('past 2^64 ns', () => {
  it('a span whose time a fixed64 cannot carry is left out of the batch, not sent with another time', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('overflow');
    tracer.startSpan('kept', { startTime: [18446744073, 709551615] }).end([18446744073, 709551615]);
    tracer.startSpan('past the end', { startTime: [18446744073, 709551615] }).end([18446744073, 709551616]);
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    for (const [encoding, body] of [
      ['protobuf', encodeSpansToProtobuf(spans)],
      ['json', encodeSpansToJson(spans)],
    ] as const) {
      expect(toReceivedSpans(decodeExportRequest(body, encoding)).spans.map((span) => [span.name, span.endTimeUnixNano])).toEqual([
        ['kept', 2n ** 64n - 1n],
      ]);
    }
    await provider.shutdown();
  });
});

describe('performance.timeOrigin-relative times are exported to the nanosecond', () => {
  it('two performance.now()-style readings keep their difference to the nanosecond, in both encodings', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('relative').startSpan('relative', { startTime: 1000.000001 });
    span.addEvent('one nanosecond later', 1000.000002);
    span.end(2000.999999);
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    for (const [encoding, body] of [
      ['protobuf', encodeSpansToProtobuf(spans)],
      ['json', encodeSpansToJson(spans)],
    ] as const) {
      const [received] = toReceivedSpans(decodeExportRequest(body, encoding)).spans;
      expect(received!.endTimeUnixNano - received!.startTimeUnixNano).toBe(1_000_999_998n);
      expect(received!.span.events[0]!.timeUnixNano - received!.startTimeUnixNano).toBe(1n);
      // On performance.timeOrigin (give or take the anchor, moved when the wall clock differs by a millisecond): start ≈ origin + 1 s.
      const expectedStart = BigInt(Math.round(performance.timeOrigin * 1e3)) * 1000n + 1_000_000_001n;
      const off = received!.startTimeUnixNano - expectedStart;
      expect(off < 0n ? -off : off).toBeLessThan(100_000_000n);
    }
    await provider.shutdown();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REQUEST_BYTES, encodeWithinLimit } from '../../../../src/export/otlp/encoding/encode-within-limit.js';
import type { FinishedSpan } from '../../../../src/trace/finished-span.js';

/** A stand-in span whose encoded size is its `name`'s length: the split logic only sees sizes. */
const span = (size: number): FinishedSpan => ({ name: 'x'.repeat(size) }) as unknown as FinishedSpan;
/** Encodes to one byte of framing per span plus the spans' sizes, like a repeated protobuf field. */
const encode = (spans: readonly FinishedSpan[]): Uint8Array => new Uint8Array(spans.reduce((total, s) => total + 1 + s.name.length, 0));

describe('encodeWithinLimit', () => {
  it('uses the OTLP recommendation of 64 MiB by default', () => {
    expect(DEFAULT_MAX_REQUEST_BYTES).toBe(64 * 1024 * 1024);
  });

  it('encodes a batch that fits once, as one part', () => {
    let calls = 0;
    const spans = [span(10), span(20)];
    const parts = encodeWithinLimit(
      spans,
      (s) => (calls++, encode(s)),
      100,
      () => expect.unreachable(),
    );
    expect(calls).toBe(1);
    expect(parts).toEqual([{ payload: new Uint8Array(32), spanCount: 2, spans }]);
  });

  it('splits in halves until each part fits, keeping span order', () => {
    const spans = [span(40), span(40), span(40), span(40), span(40)];
    const seen: number[][] = [];
    const parts = encodeWithinLimit(
      spans,
      (s) => (seen.push(s.map((x) => spans.indexOf(x))), encode(s)),
      90,
      () => expect.unreachable(),
    );
    expect(parts.map((part) => part.spanCount)).toEqual([2, 1, 2]);
    expect(parts.flatMap((part) => part.spans)).toEqual(spans);
    expect(parts.every((part) => part.payload.length <= 90)).toBe(true);
    expect(seen[0]).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops and reports a span that alone exceeds the limit', () => {
    const dropped: Array<[FinishedSpan, number]> = [];
    const huge = span(500);
    const parts = encodeWithinLimit([span(10), huge, span(10)], encode, 100, (s, size) => dropped.push([s, size]));
    expect(dropped).toEqual([[huge, 501]]);
    expect(parts.reduce((total, part) => total + part.spanCount, 0)).toBe(2);
  });

  it('returns nothing for no spans', () => {
    expect(encodeWithinLimit([], encode, 10, () => expect.unreachable())).toEqual([]);
  });

  it('sends every span that fits exactly once, each part within the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }), fc.integer({ min: 1, max: 400 }), (sizes, limit) => {
        const spans = sizes.map(span);
        const dropped: FinishedSpan[] = [];
        const parts = encodeWithinLimit(spans, encode, limit, (s) => dropped.push(s));
        expect(parts.every((part) => part.payload.length <= limit)).toBe(true);
        expect(dropped).toEqual(spans.filter((s) => s.name.length + 1 > limit));
        expect(parts.reduce((total, part) => total + part.spanCount, 0)).toBe(spans.length - dropped.length);
      }),
    );
  });
});

import type { FinishedSpan } from '../../../trace/finished-span.js';

/** The OTLP specification's recommended limit on a request body before compression, in bytes (64 MiB). */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** One request's worth of encoded spans. */
export interface EncodedPart {
  readonly payload: Uint8Array;
  readonly spanCount: number;
  /** The spans the payload holds, in order. */
  readonly spans: readonly FinishedSpan[];
}

/**
 * Encodes `spans` into as few payloads as needed so that none exceeds `maxBytes`: the whole batch if it
 * fits, otherwise each half encoded again, recursively. A single span that alone is too large is left
 * out and handed to `onOversizeSpan` (the OTLP specification forbids sending an over-limit request).
 * Worst case the spans are encoded `log2(n) + 1` times; in the usual case, once.
 *
 * @example
 * ```ts
 * const parts = encodeWithinLimit(spans, encodeSpansToProtobuf, DEFAULT_MAX_REQUEST_BYTES, (span, size) =>
 *   reportError('export', new Error(`span "${span.name}" alone encodes to ${size} bytes`)),
 * );
 * ```
 */
export function encodeWithinLimit(
  spans: readonly FinishedSpan[],
  encode: (spans: readonly FinishedSpan[]) => Uint8Array,
  maxBytes: number,
  onOversizeSpan: (span: FinishedSpan, encodedBytes: number) => void,
): EncodedPart[] {
  const parts: EncodedPart[] = [];
  encodeInto(spans, encode, maxBytes, onOversizeSpan, parts);
  return parts;
}

function encodeInto(
  spans: readonly FinishedSpan[],
  encode: (spans: readonly FinishedSpan[]) => Uint8Array,
  maxBytes: number,
  onOversizeSpan: (span: FinishedSpan, encodedBytes: number) => void,
  parts: EncodedPart[],
): void {
  if (spans.length === 0) return;
  const payload = encode(spans);
  if (payload.length <= maxBytes) {
    parts.push({ payload, spanCount: spans.length, spans });
    return;
  }
  if (spans.length === 1) {
    onOversizeSpan(spans[0], payload.length);
    return;
  }
  const middle = Math.ceil(spans.length / 2);
  encodeInto(spans.slice(0, middle), encode, maxBytes, onOversizeSpan, parts);
  encodeInto(spans.slice(middle), encode, maxBytes, onOversizeSpan, parts);
}

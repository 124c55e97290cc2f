/**
 * Counts the spans in a binary OTLP `ExportTraceServiceRequest` by walking the protobuf wire format:
 * request field 1 (resource_spans) → field 2 (scope_spans) → field 2 (spans). Small enough to keep the
 * receiver and the encode check independent of both SDKs.
 */

/** The number of spans in `bytes` (a serialized ExportTraceServiceRequest). Throws on malformed input. */
export function countOtlpSpans(bytes) {
  let spans = 0;
  forEachField(bytes, 0, bytes.length, (field, start, end) => {
    if (field !== 1) return; // ResourceSpans
    forEachField(bytes, start, end, (scopeField, scopeStart, scopeEnd) => {
      if (scopeField !== 2) return; // ScopeSpans
      forEachField(bytes, scopeStart, scopeEnd, (spanField) => {
        if (spanField === 2) spans++; // Span
      });
    });
  });
  return spans;
}

/** Calls `onLengthDelimited(field, start, end)` for each length-delimited field in bytes[from, to). */
function forEachField(bytes, from, to, onLengthDelimited) {
  let position = from;
  const readVarint = () => {
    let value = 0;
    let multiplier = 1;
    for (;;) {
      if (position >= to) throw new Error('truncated varint');
      const byte = bytes[position++];
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return value;
      multiplier *= 128;
    }
  };
  while (position < to) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (wireType === 0) readVarint();
    else if (wireType === 1) position += 8;
    else if (wireType === 5) position += 4;
    else if (wireType === 2) {
      const length = readVarint();
      const start = position;
      position += length;
      if (position > to) throw new Error('truncated field');
      onLengthDelimited(field, start, position);
    } else throw new Error(`unsupported wire type ${wireType}`);
  }
  if (position !== to) throw new Error('field overruns its message');
}

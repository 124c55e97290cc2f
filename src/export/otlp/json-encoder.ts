import type { FinishedSpan } from '../../trace/finished-span.js';

const utf8 = new TextEncoder();

/**
 * Encodes finished spans as an OTLP/JSON `ExportTraceServiceRequest`, UTF-8 bytes. (Stub.)
 *
 * @example
 * ```ts
 * const body = encodeSpansToJson(spans);
 * ```
 */
export function encodeSpansToJson(spans: readonly FinishedSpan[]): Uint8Array {
  void spans;
  return utf8.encode('{}');
}

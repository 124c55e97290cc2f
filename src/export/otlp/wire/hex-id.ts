/**
 * Hex trace and span ids ↔ bytes, through a char-code lookup table: no `Buffer`, no intermediate
 * strings or arrays. OTLP/protobuf carries ids as bytes; OTLP/JSON as lowercase hex.
 */
import { HEX_DIGIT_VALUES as NIBBLE } from '../../../internal/hex-digit-values.js';

export { SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from './hex-id-lengths.js';

/** Whether `id` is a string of exactly `hexLength` hex digits. */
export function isHexId(id: unknown, hexLength: number): id is string {
  if (typeof id !== 'string' || id.length !== hexLength) return false;
  let bad = 0;
  for (let i = 0; i < hexLength; i++) {
    const code = id.charCodeAt(i);
    // Codes ≥ 128 read as undefined, which `| 0` turns into 0; the `code >> 7` term flags them.
    bad |= NIBBLE[code] | 0 | -(code >> 7);
  }
  return bad >= 0;
}

/**
 * Writes the bytes of a hex id that {@link isHexId} accepted into `out` at `offset`, returning the
 * offset after it. Unchecked: call it only with validated ids.
 */
export function writeHexId(id: string, out: Uint8Array, offset: number): number {
  const end = id.length;
  for (let i = 0; i < end; i += 2) {
    out[offset++] = (NIBBLE[id.charCodeAt(i)] << 4) | NIBBLE[id.charCodeAt(i + 1)];
  }
  return offset;
}

/** The bytes of a hex id, or `undefined` when `id` is not exactly `hexLength` hex digits. */
export function hexIdToBytes(id: unknown, hexLength: number): Uint8Array | undefined {
  if (!isHexId(id, hexLength)) return undefined;
  const bytes = new Uint8Array(hexLength >> 1);
  writeHexId(id, bytes, 0);
  return bytes;
}

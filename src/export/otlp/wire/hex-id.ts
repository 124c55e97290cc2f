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

/*
 * Ids as ASCII bytes, four at a time: `TextEncoder` wrote the ids' hex digits into a buffer, read here
 * as little-endian 32-bit words (each byte below 0x80, as ASCII is). A byte `x` is a hex digit when
 * 0x30 ≤ x ≤ 0x39 or 0x61 ≤ (x | 0x20) ≤ 0x66; each bound is tested on all four bytes at once by an
 * addition that carries into the byte's top bit (no byte overflows into the next). A digit's value is
 * its low nibble, plus 9 for a letter (bit 6 set).
 */

/** Whether the `wordCount` words (4 ASCII bytes each) of `ascii` from byte `from` are all hex digits. */
export function isAsciiHex(ascii: DataView, from: number, wordCount: number): boolean {
  let valid = -1;
  for (let i = 0; i < wordCount; i++) {
    const x = ascii.getInt32(from + 4 * i, true);
    const y = x | 0x20202020;
    valid &= (((x + 0x50505050) | 0) & ~((x + 0x46464646) | 0)) | (((y + 0x1f1f1f1f) | 0) & ~((y + 0x19191919) | 0));
  }
  return (valid & 0x80808080) === (0x80808080 | 0);
}

/**
 * Writes the 8 bytes of the hex id (or part of one) held as 16 ASCII digits in `ascii` at `from`
 * (checked by {@link isAsciiHex}) into `out` at `offset`, returning the offset after them.
 */
export function writeAsciiHexId8(ascii: DataView, from: number, out: DataView, offset: number): number {
  out.setInt32(offset, pairs(nibbles(ascii.getInt32(from, true))) | (pairs(nibbles(ascii.getInt32(from + 4, true))) << 16), true);
  out.setInt32(offset + 4, pairs(nibbles(ascii.getInt32(from + 8, true))) | (pairs(nibbles(ascii.getInt32(from + 12, true))) << 16), true);
  return offset + 8;
}

/** The values of four ASCII hex digits, one per byte. */
function nibbles(digits: number): number {
  return (digits & 0x0f0f0f0f) + 9 * ((digits >> 6) & 0x01010101);
}

/** Nibbles n0 n1 n2 n3 (first digit lowest) → the 16 bits (n0 << 4 | n1), (n2 << 4 | n3), little endian. */
function pairs(v: number): number {
  return ((v & 0x0f) << 4) | ((v >> 8) & 0x0f) | ((v >> 4) & 0xf000) | ((v >> 16) & 0x0f00);
}

/** The bytes of a hex id, or `undefined` when `id` is not exactly `hexLength` hex digits. */
export function hexIdToBytes(id: unknown, hexLength: number): Uint8Array | undefined {
  if (!isHexId(id, hexLength)) return undefined;
  const bytes = new Uint8Array(hexLength >> 1);
  writeHexId(id, bytes, 0);
  return bytes;
}

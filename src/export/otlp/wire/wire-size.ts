import { TWO_POW_32 } from '../../../internal/numeric-constants.js';
/*
 * Protobuf wire arithmetic: how many bytes a value takes once encoded. Pure functions over numbers
 * and strings, shared by the size and write passes of the binary encoder (which must agree to the
 * byte) and tested against `@bufbuild/protobuf`'s `BinaryWriter`.
 */

/** Bytes of an unsigned 32-bit varint (tags, lengths, `uint32` values). */
export function varint32Size(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Bytes of a safe integer as an `int64` varint (negative numbers take ten, as two's complement). */
export function int64Size(value: number): number {
  if (value < 0) return 10;
  if (value < TWO_POW_32) return varint32Size(value);
  const high = Math.floor(value / TWO_POW_32);
  // 32 bits of the low half plus the significant bits of the high half, seven per byte.
  return Math.ceil((64 - Math.clz32(high)) / 7);
}

/** Bytes of a length-delimited field: its tag, the length varint and `length` bytes of content. */
export function lengthDelimitedSize(tag: number, length: number): number {
  return varint32Size(tag) + varint32Size(length) + length;
}

/** Bytes of a proto3 string/bytes field that is left out when empty. */
export function optionalStringSize(tag: number, byteLength: number): number {
  return byteLength === 0 ? 0 : lengthDelimitedSize(tag, byteLength);
}

/** Bytes of a proto3 `uint32`/enum field that is left out when zero. */
export function optionalVarintSize(tag: number, value: number): number {
  return value === 0 ? 0 : varint32Size(tag) + varint32Size(value);
}

/** UTF-8 byte length of a string, as `TextEncoder` encodes it (a lone surrogate becomes U+FFFD, 3 bytes). */
export function utf8Length(value: string): number {
  const length = value.length;
  let bytes = length;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code < 0xdc00 && i + 1 < length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 2; // two code units, four bytes
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

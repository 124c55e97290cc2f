import { BinaryWriter } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putBytes, putInt64, putString, putVarint32 } from '../../../../src/export/otlp/wire/byte-writer.js';
import { int64Size, utf8Length, varint32Size } from '../../../../src/export/otlp/wire/wire-size.js';

/** What `@bufbuild/protobuf`'s writer makes of one write: the bytes are the oracle. */
const written = (write: (writer: BinaryWriter) => void): Uint8Array => {
  const writer = new BinaryWriter();
  write(writer);
  return writer.finish();
};

/** Runs `put` at a non-zero offset into a buffer with guard bytes around, and checks it wrote exactly `size` bytes there. */
function put(size: number, write: (bytes: Uint8Array, offset: number) => number): Uint8Array {
  const offset = 3;
  const bytes = new Uint8Array(offset + size + 2).fill(0xee);
  const end = write(bytes, offset);
  expect(end).toBe(offset + size);
  expect([...bytes.subarray(0, offset), ...bytes.subarray(end)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
  return bytes.subarray(offset, end);
}

const uint32 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(0, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0xffffffff),
);
const safeInteger = fc.oneof(
  fc.maxSafeInteger(),
  fc.constantFrom(0, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, 2 ** 53 - 1, -(2 ** 53 - 1)),
);

describe('byte-writer', () => {
  it('putVarint32: the bytes BinaryWriter.uint32 writes, as many as varint32Size says', () => {
    fc.assert(
      fc.property(uint32, (value) => {
        expect(put(varint32Size(value), (bytes, offset) => putVarint32(bytes, offset, value))).toEqual(written((w) => w.uint32(value)));
      }),
    );
  });

  it('putInt64: the bytes BinaryWriter.int64 writes, negatives included', () => {
    fc.assert(
      fc.property(safeInteger, (value) => {
        expect(put(int64Size(value), (bytes, offset) => putInt64(bytes, offset, value))).toEqual(written((w) => w.int64(value)));
      }),
    );
  });

  it('putString: the UTF-8 bytes BinaryWriter.string writes after the length, ASCII and not, lone surrogates included', () => {
    const piece = fc.constantFrom('a', 'é', '€', '🌍', '\ud800', '\udc00', 'x');
    const text = fc.oneof(
      fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join('')),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(text, (value) => {
        const length = utf8Length(value);
        const expected = written((w) => w.string(value)).subarray(varint32Size(length));
        expect(put(length, (bytes, offset) => putString(bytes, offset, value, length))).toEqual(expected);
      }),
    );
  });

  it('putBytes: copies short and long runs exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (source) => {
        expect(put(source.length, (bytes, offset) => putBytes(bytes, offset, source))).toEqual(source);
      }),
    );
  });
});

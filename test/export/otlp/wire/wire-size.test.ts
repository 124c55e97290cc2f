import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  int64Size,
  lengthDelimitedSize,
  optionalStringSize,
  optionalVarintSize,
  utf8Length,
  varint32Size,
} from '../../../../src/export/otlp/wire/wire-size.js';

/** What `@bufbuild/protobuf`'s writer makes of one write: the byte count is the oracle. */
const written = (write: (writer: BinaryWriter) => void): number => {
  const writer = new BinaryWriter();
  write(writer);
  return writer.finish().length;
};

const uint32 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(0, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0xffffffff),
);
const safeInteger = fc.oneof(
  fc.maxSafeInteger(),
  fc.constantFrom(0, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, 2 ** 53 - 1, -(2 ** 53 - 1)),
);
const tag = fc.integer({ min: 1, max: 2 ** 29 - 1 }).map((field) => [field, ((field << 3) | WireType.LengthDelimited) >>> 0] as const);

describe('wire-size', () => {
  it('varint32Size: the bytes BinaryWriter.uint32 writes', () => {
    fc.assert(fc.property(uint32, (value) => varint32Size(value) === written((w) => w.uint32(value))));
  });

  it('int64Size: the bytes BinaryWriter.int64 writes, negatives included', () => {
    fc.assert(fc.property(safeInteger, (value) => int64Size(value) === written((w) => w.int64(value))));
  });

  it('lengthDelimitedSize and optionalStringSize: the bytes of a tag plus a length-prefixed run', () => {
    fc.assert(
      fc.property(tag, fc.integer({ min: 0, max: 70_000 }), ([field, fieldTag], length) => {
        const bytes = written((w) => w.tag(field, WireType.LengthDelimited).bytes(new Uint8Array(length)));
        return lengthDelimitedSize(fieldTag, length) === bytes && optionalStringSize(fieldTag, length) === (length === 0 ? 0 : bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('optionalVarintSize: a tag plus a uint32 varint, nothing for 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 29 - 1 }), uint32, (field, value) => {
        const expected = value === 0 ? 0 : written((w) => w.tag(field, WireType.Varint).uint32(value));
        return optionalVarintSize(((field << 3) | WireType.Varint) >>> 0, value) === expected;
      }),
    );
  });

  it('utf8Length: the bytes BinaryWriter.string writes after the length, lone surrogates included', () => {
    // Runs of 1-, 2-, 3- and 4-byte characters and lone surrogates, plus arbitrary code points.
    const piece = fc.constantFrom('a', 'é', '€', '🌍', '\ud800', '\udc00', '\ud83d', 'x');
    const text = fc.oneof(
      fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join('')),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (value) => {
        const length = utf8Length(value);
        return length + varint32Size(length) === written((w) => w.string(value));
      }),
    );
  });
});

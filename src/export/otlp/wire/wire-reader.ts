/**
 * A minimal protobuf wire-format reader for the few small messages otelite decodes by hand (an OTLP
 * export response, a `google.rpc.Status`): varints, length-delimited fields and skipping what is not
 * read. Web-standard only and a few hundred bytes minified, so the exporter needs none of the protobuf
 * runtime. Every read is bounds-checked and throws on truncated or malformed input (groups included);
 * callers turn that into "could not decode".
 */

/** Wire types of the protobuf encoding (the low three bits of a tag). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** Varints longer than this many bytes are malformed (a 64-bit value takes at most ten). */
const MAX_VARINT_BYTES = 10;

/**
 * Reads one protobuf message's fields front to back.
 *
 * @example
 * ```ts
 * const reader = new WireReader(body);
 * while (!reader.done()) {
 *   const tag = reader.tag();
 *   if (tag === 18) console.log(reader.string());
 *   else reader.skip(tag);
 * }
 * ```
 */
export class WireReader {
  readonly #bytes: Uint8Array;
  #position = 0;
  /** The low 32 bits of the last varint read, for int32 fields. */
  #low = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Whether every byte has been read. */
  done(): boolean {
    return this.#position >= this.#bytes.length;
  }

  /** The next field's tag: `(field number << 3) | wire type`, the form of gen/**\/*_wire.ts constants. */
  tag(): number {
    return this.varint();
  }

  /** An unsigned varint as a number (exact up to 2^53). */
  varint(): number {
    let value = 0;
    let low = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.#position >= this.#bytes.length) throw new Error('truncated varint');
      const byte = this.#bytes[this.#position++];
      const bits = byte & 0x7f;
      value += bits * 2 ** (7 * i);
      if (i < 5) low = (low | (bits << (7 * i))) >>> 0;
      if ((byte & 0x80) === 0) {
        this.#low = low;
        return value;
      }
    }
    throw new Error('varint longer than ten bytes');
  }

  /** An int32 field (negative values are sign-extended ten-byte varints). */
  int32(): number {
    this.varint();
    return this.#low | 0;
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const length = this.varint();
    const end = this.#position + length;
    if (end > this.#bytes.length) throw new Error('truncated length-delimited field');
    const view = this.#bytes.subarray(this.#position, end);
    this.#position = end;
    return view;
  }

  /** A string field, decoded as UTF-8. */
  string(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** Skips the value of a field with this tag. */
  skip(tag: number): void {
    const wireType = tag & 7;
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LENGTH_DELIMITED) this.bytes();
    else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      this.#position += wireType === WIRE_FIXED64 ? 8 : 4;
      if (this.#position > this.#bytes.length) throw new Error('truncated fixed-size field');
    } else throw new Error(`unsupported wire type ${wireType}`);
  }
}

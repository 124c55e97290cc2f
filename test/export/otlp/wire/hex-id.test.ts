import { describe, expect, it } from 'vitest';
import { isAsciiHex, isHexId, writeAsciiHexId8 } from '../../../../src/export/otlp/wire/hex-id.js';

const HEX = '0123456789abcdefABCDEF';

describe('ids as ASCII bytes, four at a time', () => {
  it('accepts a word exactly when each of its four bytes is a hex digit, for every ASCII byte at every position', () => {
    const bytes = new Uint8Array(12);
    const view = new DataView(bytes.buffer);
    let accepted = 0;
    for (let position = 0; position < 4; position++) {
      for (let code = 0; code < 0x80; code++) {
        bytes.fill(0x61);
        bytes[4 + position] = code;
        const expected = HEX.includes(String.fromCharCode(code));
        expect(isAsciiHex(view, 4, 1)).toBe(expected);
        expect(isAsciiHex(view, 0, 3)).toBe(expected);
        if (expected) accepted++;
      }
    }
    expect(accepted).toBe(4 * HEX.length);
  });

  it('decodes every pair of digits, upper and lower case, into the bytes the string form gives', () => {
    const encoder = new TextEncoder();
    for (const first of HEX) {
      let id = '';
      for (const second of HEX) id += first + second + second + first;
      id = id.slice(0, 32);
      expect(isHexId(id, 32)).toBe(true);
      const ascii = new Uint8Array(40);
      encoder.encodeInto(`abcd${id}`, ascii);
      const asciiView = new DataView(ascii.buffer);
      expect(isAsciiHex(asciiView, 4, 8)).toBe(true);
      const out = new Uint8Array(20).fill(0xee);
      const outView = new DataView(out.buffer);
      expect(writeAsciiHexId8(asciiView, 20, outView, writeAsciiHexId8(asciiView, 4, outView, 3))).toBe(19);
      expect([...out.subarray(3, 19)]).toEqual([...Buffer.from(id, 'hex')]);
      expect([...out.subarray(0, 3), out[19]]).toEqual([0xee, 0xee, 0xee, 0xee]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { hexIdToBytes, isHexId } from '../../../../src/export/otlp/wire/hex-id.js';

const HEX = '0123456789abcdefABCDEF';

describe('hex ids', () => {
  it('accepts an id exactly when each code unit is a hex digit, for every code unit below 0x200 at every position', () => {
    let accepted = 0;
    for (let position = 0; position < 16; position += 5) {
      for (let code = 0; code < 0x200; code++) {
        const id = `${'a'.repeat(position)}${String.fromCharCode(code)}${'a'.repeat(15 - position)}`;
        const expected = HEX.includes(String.fromCharCode(code));
        expect(isHexId(id, 16)).toBe(expected);
        if (expected) accepted++;
      }
    }
    expect(accepted).toBe(4 * HEX.length);
    expect(isHexId('a'.repeat(15), 16)).toBe(false);
    expect(isHexId(42, 16)).toBe(false);
  });

  it('decodes every pair of digits, upper and lower case, into the bytes the string form gives', () => {
    for (const first of HEX) {
      let id = '';
      for (const second of HEX) id += first + second + second + first;
      id = id.slice(0, 32);
      expect([...(hexIdToBytes(id, 32) as Uint8Array)]).toEqual([...Buffer.from(id, 'hex')]);
    }
    expect(hexIdToBytes('zz'.repeat(16), 32)).toBeUndefined();
  });
});

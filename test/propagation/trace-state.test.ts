import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_TRACE_STATE_MEMBERS,
  createTraceState,
  isValidTraceStateKey,
  isValidTraceStateValue,
  parseTraceState,
} from '../../src/propagation/trace-state.js';

/** `count` members `k01=v01,k02=v02,...`. */
function members(count: number, prefix = 'k'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}=v${i + 1}`);
}

const ALL_VALUE_CHARS = (() => {
  let text = '';
  for (let code = 0x20; code <= 0x7e; code++) if (code !== 0x2c && code !== 0x3d) text += String.fromCharCode(code);
  return text;
})();

describe('tracestate parsing (W3C Trace Context Level 2 §3.3)', () => {
  // [header, expected serialization or undefined for "discarded"]
  const vectors: Array<[string, string | undefined]> = [
    ['rojo=00f067aa0ba902b7', 'rojo=00f067aa0ba902b7'],
    ['rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    // optional whitespace around members, empty members
    ['foo=1 \t , \t bar=2, \t baz=3', 'foo=1,bar=2,baz=3'],
    ['foo=1\t \t,\t \tbar=2,\t \tbaz=3', 'foo=1,bar=2,baz=3'],
    [' foo=1', 'foo=1'],
    ['\tfoo=1', 'foo=1'],
    ['foo=1 ', 'foo=1'],
    ['foo=1\t', 'foo=1'],
    ['\t foo=1 \t', 'foo=1'],
    [',,foo=1,, ,\t,bar=2,', 'foo=1,bar=2'],
    ['', undefined],
    ['   ', undefined],
    [',', undefined],
    [' , ,\t', undefined],
    // leading spaces are part of the value, trailing ones are not
    ['foo=  1', 'foo=  1'],
    ['foo= a b  ', 'foo= a b'],
    // keys: start with lcalpha or digit, keychar includes _ - * / @
    ['1abc=x', '1abc=x'],
    ['a_-*/@z=x', 'a_-*/@z=x'],
    ['tenant@system=x', 'tenant@system=x'],
    ['fw529a3039@dt=x,1ab@c-d=y', 'fw529a3039@dt=x,1ab@c-d=y'],
    [`${'t'.repeat(241)}@${'v'.repeat(14)}=1`, `${'t'.repeat(241)}@${'v'.repeat(14)}=1`],
    [`${'z'.repeat(256)}=1`, `${'z'.repeat(256)}=1`],
    [`${'z'.repeat(257)}=1`, undefined],
    [`foo=1,${'z'.repeat(257)}=1`, undefined],
    ['FOO=1', undefined],
    ['foo =1', undefined],
    ['foo.bar=1', undefined],
    ['@foo=1,bar=2', undefined],
    ['_foo=1', undefined],
    ['foo', undefined],
    ['foo,bar=1', undefined],
    ['=1', undefined],
    ['fö=1', undefined],
    // values
    [`k=${ALL_VALUE_CHARS}`, `k=${ALL_VALUE_CHARS}`],
    [`k=${'v'.repeat(256)}`, `k=${'v'.repeat(256)}`],
    [`k=${'v'.repeat(257)}`, undefined],
    [`k=${'v'.repeat(256)}   `, `k=${'v'.repeat(256)}`],
    ['foo=bar=baz', undefined],
    ['foo=,bar=3', undefined],
    ['foo= ,bar=3', undefined],
    ['foo=a\tb', undefined],
    ['foo=\tb', undefined],
    ['foo=a\tb\t', undefined],
    ['foo=a\nb', undefined],
    ['foo=a\x7fb', undefined],
    ['foo=é', undefined],
    // duplicates: the left-most is kept
    ['foo=1,foo=1', 'foo=1'],
    ['foo=1,foo=2', 'foo=1'],
    ['foo=1,bar=2,foo=3', 'foo=1,bar=2'],
    // member count
    [members(32).join(','), members(32).join(',')],
    [members(33).join(','), undefined],
    [members(32).join(',,, ,'), members(32).join(',')],
    [[...members(32), 'k01=x'].join(','), undefined],
  ];

  it.each(vectors)('%j', (header, expected) => {
    const state = parseTraceState(header);
    expect(state?.serialize()).toBe(expected);
    expect(createTraceState(header).serialize()).toBe(expected ?? '');
  });

  it('exposes every member through get()', () => {
    const state = createTraceState('rojo=00f067aa0ba902b7, congo=t61rcWkgMzE');
    expect(state.get('rojo')).toBe('00f067aa0ba902b7');
    expect(state.get('congo')).toBe('t61rcWkgMzE');
    expect(state.get('missing')).toBeUndefined();
  });

  it('parses a 100 KB header of whitespace and members without throwing', () => {
    const padded = 'a=1' + ' '.repeat(100_000) + ',b=2';
    expect(parseTraceState(padded)?.serialize()).toBe('a=1,b=2');
    const junk = 'a=1,' + 'x'.repeat(100_000);
    expect(parseTraceState(junk)).toBeUndefined();
    const many = Array.from({ length: 10_000 }, (_, i) => `k${i}=v`).join(',');
    expect(many.length).toBeGreaterThan(60_000);
    expect(parseTraceState(many)).toBeUndefined();
  });

  it('never throws and only ever holds valid members (fuzz)', () => {
    const alphabet = fc.constantFrom(...'az09_-*/@=, \t\x01~éAZ.'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 80 })), (header) => {
        const state = parseTraceState(header);
        if (state === undefined) return;
        const text = state.serialize();
        const parts = text.split(',');
        expect(parts.length).toBeLessThanOrEqual(MAX_TRACE_STATE_MEMBERS);
        for (const part of parts) {
          const equals = part.indexOf('=');
          expect(isValidTraceStateKey(part.slice(0, equals))).toBe(true);
          expect(isValidTraceStateValue(part.slice(equals + 1))).toBe(true);
        }
        expect(parseTraceState(text)?.serialize()).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TraceState mutations (W3C Trace Context Level 2 §3.5)', () => {
  const base = createTraceState('rojo=1,congo=2,tango=3');

  it('set() adds a new key at the front and leaves the original untouched', () => {
    const next = base.set('ot', 'th:8');
    expect(next.serialize()).toBe('ot=th:8,rojo=1,congo=2,tango=3');
    expect(base.serialize()).toBe('rojo=1,congo=2,tango=3');
  });

  it('set() of an existing key moves it to the front with the new value', () => {
    expect(base.set('congo', '9').serialize()).toBe('congo=9,rojo=1,tango=3');
    expect(base.set('rojo', '1').serialize()).toBe('rojo=1,congo=2,tango=3');
  });

  it('set() of an invalid key or value returns the same state', () => {
    for (const [key, value] of [
      ['Bad', 'x'],
      ['', 'x'],
      ['k', ''],
      ['k', 'a,b'],
      ['k', 'a=b'],
      ['k', 'trailing '],
      ['k', 'v'.repeat(257)],
      ['k'.repeat(257), 'v'],
      [undefined, 'v'],
      ['k', 42],
    ] as Array<[string, string]>) {
      expect(base.set(key, value)).toBe(base);
    }
  });

  it('set() of a 33rd member drops the right-most one', () => {
    const full = createTraceState(members(32).join(','));
    const next = full.set('new', 'x');
    const keys = next
      .serialize()
      .split(',')
      .map((part) => part.split('=')[0]);
    expect(keys).toHaveLength(32);
    expect(keys[0]).toBe('new');
    expect(keys).not.toContain('k32');
    expect(keys).toContain('k31');
    // Updating an existing key of a full state drops nothing.
    expect(full.set('k32', 'y').serialize().split(',')).toHaveLength(32);
  });

  it('unset() removes a key and returns the same state for an unknown key', () => {
    expect(base.unset('congo').serialize()).toBe('rojo=1,tango=3');
    expect(base.unset('nope')).toBe(base);
    expect(base.unset('rojo').unset('congo').unset('tango').serialize()).toBe('');
  });

  it('createTraceState() without a header is empty and usable', () => {
    const empty = createTraceState();
    expect(empty.serialize()).toBe('');
    expect(empty.get('x')).toBeUndefined();
    expect(empty.set('x', '1').serialize()).toBe('x=1');
  });
});

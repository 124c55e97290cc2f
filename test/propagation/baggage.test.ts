import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ROOT_CONTEXT,
  baggageEntryMetadataFromString,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  type Baggage,
  type BaggageEntry,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CBaggagePropagator, failureCounts, suppressTracing } from '../../src/index.js';
import { MAX_BAGGAGE_BYTES, MAX_BAGGAGE_MEMBERS, parseBaggage } from '../../src/propagation/baggage.js';

const propagator = new W3CBaggagePropagator();

const arrayGetter: TextMapGetter<Record<string, string | string[]>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

function extract(header: string | string[]): Baggage | undefined {
  return propagation.getBaggage(propagator.extract(ROOT_CONTEXT, { baggage: header }, arrayGetter));
}

/** key → value, and key → metadata for entries that have some. */
function summary(baggage: Baggage | undefined): { values: Record<string, string>; metadata: Record<string, string> } {
  const entries = baggage?.getAllEntries() ?? [];
  const values: Record<string, string> = Object.fromEntries(entries.map(([key, entry]) => [key, entry.value]));
  const metadata: Record<string, string> = Object.fromEntries(
    entries.filter(([, entry]) => entry.metadata).map(([key, entry]) => [key, entry.metadata!.toString()]),
  );
  return { values, metadata };
}

function inject(entries: Record<string, BaggageEntry>, context: Context = ROOT_CONTEXT): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(propagation.setBaggage(context, propagation.createBaggage(entries)), carrier, defaultTextMapSetter);
  return carrier.baggage;
}

describe('baggage extraction (W3C Baggage §3.3)', () => {
  // [header, expected values, expected metadata]
  const vectors: Array<[string | string[], Record<string, string>, Record<string, string>?]> = [
    ['userId=alice,serverNode=DF%2028,isProduction=false', { userId: 'alice', serverNode: 'DF 28', isProduction: 'false' }],
    ['userId=Am%C3%A9lie,serverNode=DF%2028', { userId: 'Amélie', serverNode: 'DF 28' }],
    [['userId=alice', 'serverNode=DF%2028,isProduction=false'], { userId: 'alice', serverNode: 'DF 28', isProduction: 'false' }],
    [['userId =   alice', 'serverNode = DF%2028, isProduction = false'], { userId: 'alice', serverNode: 'DF 28', isProduction: 'false' }],
    [
      'key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue',
      { key1: 'value1', key2: 'value2', key3: 'value3' },
      { key1: 'property1;property2', key3: 'propertyKey=propertyValue' },
    ],
    ['k=v ; a = 1 ;\tb ; c=%20', { k: 'v' }, { k: 'a=1;b;c=%20' }],
    ['k=v;;a;', { k: 'v' }, { k: 'a' }],
    ['k=v;', { k: 'v' }],
    // values may hold '=' and any baggage-octet
    ['k=a=b==', { k: 'a=b==' }],
    ["t!#$%&'*+-.^_`|~0aZ=x", { "t!#$%&'*+-.^_`|~0aZ": 'x' }],
    ["k=!#$&'()*+-./:<>?@[]^_`{|}~", { k: "!#$&'()*+-./:<>?@[]^_`{|}~" }],
    ['k=', { k: '' }],
    ['k = ', { k: '' }],
    // percent-decoding: UTF-8, replacement character, lone '%'
    ['k=%E2%82%AC%F0%9F%98%80', { k: '€😀' }],
    ['k=%e2%82%ac', { k: '€' }],
    ['k=%25%2C%3B%3D%20', { k: '%,;= ' }],
    ['k=%FF%C3', { k: '\ufffd\ufffd' }],
    ['k=%C3%28', { k: '\ufffd(' }],
    ['k=%EF%BB%BFx', { k: '\ufeffx' }],
    ['k=50%', { k: '50%' }],
    ['k=%zz%4', { k: '%zz%4' }],
    // invalid members are skipped, the rest kept
    ['good=1,bad key=2,also=3', { good: '1', also: '3' }],
    ['a=1,=2,b=3', { a: '1', b: '3' }],
    ['a=1,noequals,b=3', { a: '1', b: '3' }],
    ['a=1,b="quoted",c=3', { a: '1', c: '3' }],
    ['a=1,b=sp ace,c=3', { a: '1', c: '3' }],
    ['a=1,b=back\\slash,c=3', { a: '1', c: '3' }],
    ['a=1,b=é,c=3', { a: '1', c: '3' }],
    ['a=1,b=2;bad prop,c=3', { a: '1', c: '3' }],
    ['a=1,b=2;=x,c=3', { a: '1', c: '3' }],
    ['a=1,b=2;p="q",c=3', { a: '1', c: '3' }],
    ['a=1,kéy=2,c=3', { a: '1', c: '3' }],
    ['a=1,b\t=\t2\t,c=3', { a: '1', b: '2', c: '3' }],
    // empty members, several headers
    [',, a=1 ,, ,\t,b=2,', { a: '1', b: '2' }],
    [['', 'a=1', ''], { a: '1' }],
    // duplicates: the last value wins
    ['k=1,k=2', { k: '2' }],
  ];

  it.each(vectors)('%j', (header, values, metadata = {}) => {
    expect(summary(extract(header))).toEqual({ values, metadata });
  });

  it('returns the same context when there is no header or no valid member', () => {
    expect(propagator.extract(ROOT_CONTEXT, {}, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(propagator.extract(ROOT_CONTEXT, { baggage: '' }, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(propagator.extract(ROOT_CONTEXT, { baggage: 'no, good ,members' }, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
  });

  it('keeps keys that look like object internals as plain entries', () => {
    const baggage = extract('__proto__=1,constructor=2,toString=3');
    expect(summary(baggage).values).toEqual({ ['__proto__']: '1', constructor: '2', toString: '3' });
  });

  it('reads at most 64 members', () => {
    const header = Array.from({ length: 100 }, (_, i) => `k${i}=${i}`).join(',');
    const keys = (extract(header)?.getAllEntries() ?? []).map(([key]) => key);
    expect(keys).toHaveLength(MAX_BAGGAGE_MEMBERS);
    expect(keys[63]).toBe('k63');
    // Invalid members do not count.
    const mixed = Array.from({ length: 100 }, (_, i) => (i % 2 ? `k${i}=${i}` : 'bad member')).join(',');
    expect(extract(mixed)?.getAllEntries()).toHaveLength(50);
  });

  it('reads at most 8192 bytes, dropping whole members', () => {
    // 8 members of 1024 bytes plus 7 commas do not fit; 7 do and a small one still does.
    const big = (i: number): string => `k${i}=${'v'.repeat(1024 - 3)}`;
    const header = [big(0), big(1), big(2), big(3), big(4), big(5), big(6), big(7), 'x=1'].join(',');
    const entries = extract(header)?.getAllEntries() ?? [];
    expect(entries.map(([key]) => key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'x']);
    const used = entries.reduce((sum, [key, entry]) => sum + key.length + 1 + entry.value.length, 0) + entries.length - 1;
    expect(used).toBeLessThanOrEqual(MAX_BAGGAGE_BYTES);
    // Exactly 8192 bytes is accepted.
    const exact = `k=${'v'.repeat(MAX_BAGGAGE_BYTES - 2)}`;
    expect(extract(exact)?.getEntry('k')?.value).toHaveLength(MAX_BAGGAGE_BYTES - 2);
    expect(extract(exact + 'v')).toBeUndefined();
  });

  it('parses 100 KB headers', () => {
    expect(parseBaggage('a=1,' + ' '.repeat(100_000) + ',b=2').map(([key]) => key)).toEqual(['a', 'b']);
    expect(parseBaggage('x'.repeat(100_000))).toEqual([]);
    expect(parseBaggage('k=' + '%'.repeat(100_000))).toEqual([]);
    expect(parseBaggage(';'.repeat(100_000))).toEqual([]);
    expect(parseBaggage('a=1;' + 'p;'.repeat(50_000))).toEqual([]); // over 8192 bytes
    expect(parseBaggage(',a=1'.repeat(25_000))).toHaveLength(MAX_BAGGAGE_MEMBERS);
  });

  it('decodes percent-encoded bytes exactly as TextDecoder does, malformed UTF-8 included (fuzz)', () => {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const interesting = fc.constantFrom(
      0x00,
      0x41,
      0x7f,
      0x80,
      0xbf,
      0xc0,
      0xc2,
      0xdf,
      0xe0,
      0xed,
      0xef,
      0xf0,
      0xf4,
      0xf5,
      0xff,
      0xa0,
      0x9f,
      0x90,
      0x8f,
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), interesting), { maxLength: 24 }), (bytes) => {
        const encoded = bytes.map((byte) => '%' + byte.toString(16).padStart(2, '0')).join('');
        const [[, entry]] = parseBaggage(`k=${encoded}`);
        expect(entry.value).toBe(decoder.decode(new Uint8Array(bytes)));
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws and keeps only token keys (fuzz)', () => {
    const alphabet = fc.constantFrom(...'ak09=,; \t%2C"\\é!~'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 60 }), fc.string({ unit: 'binary' })), (header) => {
        const entries = parseBaggage(header);
        expect(entries.length).toBeLessThanOrEqual(MAX_BAGGAGE_MEMBERS);
        for (const [key, entry] of entries) {
          expect(key).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
          expect(typeof entry.value).toBe('string');
        }
        // Re-formatting what was read always parses back to the same entries.
        const carrier: Record<string, string> = {};
        const context = propagator.extract(ROOT_CONTEXT, { baggage: header }, defaultTextMapGetter);
        propagator.inject(context, carrier, defaultTextMapSetter);
        if (carrier.baggage !== undefined) {
          expect(summary(extract(carrier.baggage))).toEqual(summary(propagation.getBaggage(context)));
        }
      }),
      { numRuns: 800 },
    );
  });
});

describe('baggage injection (W3C Baggage §3.3)', () => {
  it('percent-encodes values and round trips them', () => {
    const values = ['Amélie', '100%', 'a,b', 'a;b', 'a=b', 'DF 28', '€😀', '"quoted"\\', 'tab\tnew\nline', '', '%25', '\ufeff'];
    const entries = Object.fromEntries(values.map((value, i) => [`k${i}`, { value }]));
    const header = inject(entries)!;
    expect(header).toMatch(/^[\x21-\x7e]*$/);
    expect(header).toContain('k0=Am%C3%A9lie');
    expect(header).toContain('k1=100%25');
    expect(header).toContain('k2=a%2Cb');
    expect(header).toContain('k3=a%3Bb');
    expect(header).toContain('k4=a=b');
    expect(header).toContain('k5=DF%2028');
    expect(summary(extract(header)).values).toEqual(Object.fromEntries(values.map((value, i) => [`k${i}`, value])));
  });

  it('round trips any string value (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[a-zA-Z0-9_.-]{1,8}$/), fc.string({ unit: 'grapheme' })), { maxLength: 10 }),
        (pairs) => {
          const entries = Object.fromEntries(pairs.map(([key, value]) => [key, { value }]));
          const header = inject(entries);
          const expected = Object.fromEntries(Object.entries(entries).map(([key, { value }]) => [key, value]));
          if (header === undefined) expect(expected).toEqual({});
          else expect(summary(extract(header)).values).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('replaces lone surrogates with U+FFFD', () => {
    expect(inject({ k: { value: 'a\ud800b' } })).toBe('k=a%EF%BF%BDb');
  });

  it('writes metadata after the value and keeps it through a round trip', () => {
    // Property values are carried in their wire form: `%` is a baggage-octet and is written as it is.
    const header = inject({
      a: { value: '1', metadata: baggageEntryMetadataFromString('p1;p2=v2') },
      b: { value: '2', metadata: baggageEntryMetadataFromString(' x = é ; bad key ; y=50%;z=%41') },
      c: { value: '3', metadata: baggageEntryMetadataFromString('') },
    });
    expect(header).toBe('a=1;p1;p2=v2,b=2;x=%C3%A9;y=50%;z=%41,c=3');
    expect(summary(extract(header!)).metadata).toEqual({ a: 'p1;p2=v2', b: 'x=%C3%A9;y=50%;z=%41' });
  });

  it('round trips a received header with properties unchanged in meaning', () => {
    const received = 'key1=value1;property1;property2,key2=value2,key3=value3;propertyKey=propertyValue';
    const carrier: Record<string, string> = {};
    propagator.inject(propagator.extract(ROOT_CONTEXT, { baggage: received }, defaultTextMapGetter), carrier, defaultTextMapSetter);
    expect(carrier.baggage).toBe(received);
  });

  it('skips keys that are not tokens', () => {
    expect(inject({ 'bad key': { value: '1' }, good: { value: '2' }, ké: { value: '3' } })).toBe('good=2');
    expect(inject({ 'bad key': { value: '1' } })).toBeUndefined();
  });

  it('writes at most 64 members', () => {
    const entries = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, { value: String(i) }]));
    const header = inject(entries)!;
    expect(header.split(',')).toHaveLength(MAX_BAGGAGE_MEMBERS);
    expect(header.split(',')[63]).toBe('k63=63');
  });

  it('writes at most 8192 bytes and never a partial member', () => {
    const entries: Record<string, BaggageEntry> = {};
    for (let i = 0; i < 8; i++) entries[`k${i}`] = { value: 'v'.repeat(1021) };
    entries.huge = { value: 'é'.repeat(5000) }; // 30000 bytes encoded: cannot fit at all
    entries.x = { value: '1' };
    const header = inject(entries)!;
    expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(MAX_BAGGAGE_BYTES);
    expect(header.split(',').map((member) => member.split('=')[0])).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'x']);
    expect(inject({ k: { value: 'v'.repeat(MAX_BAGGAGE_BYTES - 2) } })).toHaveLength(MAX_BAGGAGE_BYTES);
    expect(inject({ k: { value: 'v'.repeat(MAX_BAGGAGE_BYTES - 1) } })).toBeUndefined();
  });

  it('writes nothing without baggage, for empty baggage, or when tracing is suppressed', () => {
    const carrier: Record<string, string> = {};
    propagator.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({});
    expect(inject({})).toBeUndefined();
    expect(inject({ a: { value: '1' } }, suppressTracing(ROOT_CONTEXT))).toBeUndefined();
  });

  it('reports a throwing getter or setter instead of throwing', () => {
    const before = failureCounts();
    const throwing = () => {
      throw new Error('boom');
    };
    const context = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ a: { value: '1' } }));
    expect(() => propagator.inject(context, {}, { set: throwing })).not.toThrow();
    expect(propagator.extract(ROOT_CONTEXT, {}, { keys: () => [], get: throwing })).toBe(ROOT_CONTEXT);
    const after = failureCounts();
    expect(after['propagator.inject']).toBe((before['propagator.inject'] ?? 0) + 1);
    expect(after['propagator.extract']).toBe((before['propagator.extract'] ?? 0) + 1);
  });

  it('lists its field', () => {
    expect(propagator.fields()).toEqual(['baggage']);
  });
});

describe('baggage metadata round trip', () => {
  it('keeps property values in their wire form: a lone % is injected as it was extracted (fuzz counterexample a=;a=%)', () => {
    const propagator = new W3CBaggagePropagator();
    for (const header of ['a=;a=%', 'k=v;p=50%', 'k=v;p=%2', 'k=v;p=%41']) {
      const context = propagator.extract(ROOT_CONTEXT, { baggage: header }, defaultTextMapGetter);
      const carrier: Record<string, string> = {};
      propagator.inject(context, carrier, defaultTextMapSetter);
      expect(carrier.baggage).toBe(header);
    }
  });
});

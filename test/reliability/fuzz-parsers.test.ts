import { isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import fc from 'fast-check';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOtlpEnvironment } from '../../src/export/otlp/otlp-environment.js';
import { readResourceEnvironment } from '../../src/resource/from-environment.js';
import { environmentOf } from '../support/environment.js';
import { resolveExporterOptions } from '../../src/export/otlp/otlp-exporter-options.js';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '../../src/index.js';
import { collectDiagnostics, type DiagCollector } from './pipeline-harness.js';

/**
 * The parsers of untrusted text, fuzzed through their public entry points: `traceparent`, `tracestate`
 * and `baggage` through the W3C propagators' `extract`, `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS` through the components' readers (and, for headers, the exporter's option
 * resolution that turns them into request headers).
 *
 * For each: it never throws; what it accepts is valid by the governing text (the oracles below are
 * written from the grammars, independently of the parsers); what the oracle calls valid is accepted;
 * and the work is linear: a 500 000-character input parses within a budget only a super-linear parser misses
 * (see expectLinear; not a speed target).
 */

const VALID_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const getter: TextMapGetter<Record<string, unknown>> = {
  get: (carrier, key) => carrier[key] as string | string[] | undefined,
  keys: (carrier) => Object.keys(carrier),
};
const traceContext = new W3CTraceContextPropagator();
const baggagePropagator = new W3CBaggagePropagator();

let diagnostics: DiagCollector;
beforeAll(() => {
  diagnostics = collectDiagnostics();
});
afterAll(() => diagnostics.uninstall());

// ------------------------------------------------------------------ oracles, from the grammars

/**
 * W3C Trace Context Level 2 §3.2: `version-format`, ids lowercase hex and not all zeros, version `ff`
 * invalid, version 00 exactly four fields, a higher version possibly followed by `-` and more (§3.2.4).
 * Surrounding spaces and tabs are HTTP optional whitespace.
 */
function oracleTraceParent(header: string): { traceId: string; spanId: string; flags: number } | undefined {
  const text = header.replace(/^[ \t]+|[ \t]+$/g, '');
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})([\s\S]*)$/.exec(text);
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  if (version === '00' ? rest !== '' : rest !== '' && !rest.startsWith('-')) return undefined;
  const bits = parseInt(flags, 16);
  return { traceId, spanId, flags: version === '00' ? bits : bits & 0x03 };
}

/** W3C Trace Context Level 2 §3.3.1.3: key and value of one `tracestate` list member. */
const TRACE_STATE_KEY = /^[a-z0-9][_0-9a-z\-*/@]{0,255}$/;
const TRACE_STATE_VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

function expectValidTraceState(serialized: string): void {
  const members = serialized.split(',');
  expect(members.length).toBeLessThanOrEqual(32);
  const keys = members.map((member) => {
    const equals = member.indexOf('=');
    const key = member.slice(0, equals);
    expect(key).toMatch(TRACE_STATE_KEY);
    expect(member.slice(equals + 1)).toMatch(TRACE_STATE_VALUE);
    return key;
  });
  expect(new Set(keys).size).toBe(keys.length);
}

/** RFC 9110 `token`: the only keys W3C Baggage allows (§3.3.1.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function extractTraceContext(carrier: Record<string, unknown>): Context {
  let result: Context = ROOT_CONTEXT;
  expect(() => (result = traceContext.extract(ROOT_CONTEXT, carrier, getter))).not.toThrow();
  return result;
}

function extractBaggage(carrier: Record<string, unknown>): Context {
  let result: Context = ROOT_CONTEXT;
  expect(() => (result = baggagePropagator.extract(ROOT_CONTEXT, carrier, getter))).not.toThrow();
  return result;
}

// ------------------------------------------------------------------ arbitraries

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const noisyHex = (length: number) =>
  fc.oneof(
    hex(length),
    fc.constant('0'.repeat(length)),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgz-. '), minLength: length - 1, maxLength: length + 1 }),
  );
const traceParentLike = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.constantFrom('00', '01', 'cc', 'fe', 'ff', '0A', 'g0'), hex(2)),
      noisyHex(32),
      noisyHex(16),
      fc.oneof(hex(2), fc.constantFrom('0G', '1', '001')),
      fc.oneof(fc.constant(''), fc.constantFrom('-', '-x', '-00', 'x', '.what')),
      fc.constantFrom('', ' ', '\t', ' \t'),
    )
    .map(([version, traceId, spanId, flags, rest, pad]) => `${pad}${version}-${traceId}-${spanId}-${flags}${rest}${pad}`),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

const traceStateKey = fc.oneof(
  fc.stringMatching(/^[a-z0-9][_0-9a-z\-*/@]{0,12}$/),
  fc.stringMatching(/^[a-z0-9][_0-9a-z\-*]{0,8}@[a-z][_0-9a-z\-*]{0,6}$/),
);
const traceStateValue = fc.stringMatching(/^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,12}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/);
const traceStateMember = fc.tuple(traceStateKey, traceStateValue).map(([key, value]) => `${key}=${value}`);
const traceStateLike = fc.oneof(
  fc.array(traceStateMember, { maxLength: 40 }).map((members) => members.join(',')),
  fc
    .array(
      fc.oneof(
        traceStateMember,
        fc.constantFrom('', ' ', 'A=1', 'k=', '=v', 'k=v=w', 'k=\u00e9', 'k=a b ', 'k=\tx', 'a'.repeat(257) + '=1'),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(',')),
  fc.string({ unit: fc.constantFrom(...'az09_-*/@=, \t\x01~éAZ.'), maxLength: 120 }),
  fc.string(),
);

const baggageKey = fc.stringMatching(/^[!#$&'*+\-.^_`|~0-9A-Za-z]{1,10}$/);
const baggageLike = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ak09=,;% \t"\\é!~%2C'), maxLength: 120 }),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc
    .array(
      fc.tuple(
        baggageKey,
        fc.string({ unit: fc.constantFrom(...'ab=;,% "\\\u00e9\u20ac') }),
        fc.constantFrom('', ';p', ';p=1;q', ';=x', ';p p'),
      ),
      { maxLength: 80 },
    )
    .map((members) => members.map(([key, value, properties]) => `${key}=${value}${properties}`).join(',')),
);

const keyValueListLike = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab.=,% \t2CEe9zé\n\r:'), maxLength: 120 }),
  fc.string(),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 8 }).map((record) =>
    Object.entries(record)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
      .join(','),
  ),
);

// ------------------------------------------------------------------ complexity

/** `pattern` repeated to exactly `length` characters. */
function fill(pattern: string, length: number): string {
  return pattern.repeat(Math.ceil(length / pattern.length)).slice(0, length);
}

/**
 * The complexity check, made so that it cannot flake: one parse of a 500 000-character input of each
 * shape must end within {@link LARGE_INPUT_BUDGET_MILLIS}. The linear scanners take at most ~250 ms
 * on the loaded 2-core reference machine (the slowest shape; most take a few ms), 40 times inside the
 * budget; a quadratic one does some 10^11 steps and takes minutes. The measured figures are printed
 * when the check fails (and with RELIABILITY_REPORT=1). Speed itself is the benchmark's business.
 */
const LARGE_INPUT_CHARACTERS = 500_000;
const LARGE_INPUT_BUDGET_MILLIS = 10_000;
/** Room for every shape of one parser to use its whole budget without the test timing out first. */
const COMPLEXITY_TEST_TIMEOUT = { timeout: 120_000 };

function expectLinear(parse: (input: string) => unknown, shapes: Record<string, (length: number) => string>): Record<string, number> {
  const millis: Record<string, number> = {};
  for (const [name, make] of Object.entries(shapes)) {
    const input = make(LARGE_INPUT_CHARACTERS);
    expect(input.length).toBeGreaterThan(LARGE_INPUT_CHARACTERS * 0.99);
    parse(make(1000));
    const started = performance.now();
    parse(input);
    millis[name] = Math.round((performance.now() - started) * 10) / 10;
  }
  if (process.env.RELIABILITY_REPORT) console.log(JSON.stringify(millis));
  const overBudget = Object.entries(millis).filter(([, spent]) => spent >= LARGE_INPUT_BUDGET_MILLIS);
  expect(overBudget, `milliseconds per ${LARGE_INPUT_CHARACTERS}-character input: ${JSON.stringify(millis)}`).toEqual([]);
  return millis;
}

// ------------------------------------------------------------------ traceparent

describe('traceparent (W3CTraceContextPropagator.extract)', () => {
  it('accepts exactly what the grammar accepts, and only valid span contexts (fuzz)', () => {
    fc.assert(
      fc.property(traceParentLike, (header) => {
        const extracted = trace.getSpanContext(extractTraceContext({ traceparent: header }));
        const expected = oracleTraceParent(header);
        if (expected === undefined) {
          expect(extracted).toBeUndefined();
          return;
        }
        expect(extracted).toBeDefined();
        expect(isSpanContextValid(extracted!)).toBe(true);
        expect(extracted).toMatchObject({ traceId: expected.traceId, spanId: expected.spanId, traceFlags: expected.flags, isRemote: true });
      }),
      { numRuns: 3000 },
    );
  });

  it('ignores several traceparent values and non-string carrier values (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(traceParentLike, { minLength: 2, maxLength: 3 }), fc.anything()), (value) => {
        if (typeof value === 'string') return;
        const single = Array.isArray(value) && value.length === 1 && typeof value[0] === 'string';
        if (single) return;
        expect(trace.getSpanContext(extractTraceContext({ traceparent: value }))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('is linear: 500 000-character inputs parse within the budget', COMPLEXITY_TEST_TIMEOUT, () => {
    const parse = (header: string): unknown => traceContext.extract(ROOT_CONTEXT, { traceparent: header, tracestate: 'a=b' }, getter);
    expectLinear(parse, {
      spaces: (n) => fill(' ', n),
      'padded valid': (n) => fill(' \t', n - VALID_PARENT.length) + VALID_PARENT,
      'future version, long tail': (n) => `cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-${fill('x', n - 58)}`,
      hex: (n) => fill('0af7651916cd43dd', n),
    });
  });
});

// ------------------------------------------------------------------ tracestate

describe('tracestate (W3CTraceContextPropagator.extract)', () => {
  it('keeps only valid lists of at most 32 members with unique keys (fuzz)', () => {
    fc.assert(
      fc.property(traceStateLike, fc.boolean(), (header, split) => {
        const lines = split ? header.split(/(?<=,)/) : header;
        const state = trace.getSpanContext(extractTraceContext({ traceparent: VALID_PARENT, tracestate: lines }))?.traceState;
        expect(trace.getSpanContext(extractTraceContext({ traceparent: VALID_PARENT }))).toBeDefined();
        if (state === undefined) return;
        expectValidTraceState(state.serialize());
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every valid list of up to 32 members, left-most duplicate winning, and refuses 33 (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(traceStateKey, traceStateValue), { minLength: 1, maxLength: 34 }), (pairs) => {
        const header = pairs.map(([key, value]) => `${key}=${value}`).join(' , ');
        const state = trace.getSpanContext(extractTraceContext({ traceparent: VALID_PARENT, tracestate: header }))?.traceState;
        if (pairs.length > 32) {
          expect(state).toBeUndefined();
          return;
        }
        const expected = new Map<string, string>();
        for (const [key, value] of pairs) if (!expected.has(key)) expected.set(key, value);
        expect(state?.serialize()).toBe([...expected].map(([key, value]) => `${key}=${value}`).join(','));
      }),
      { numRuns: 1000 },
    );
  });

  it('is linear: 500 000-character inputs parse within the budget', COMPLEXITY_TEST_TIMEOUT, () => {
    const parse = (header: string): unknown =>
      traceContext.extract(ROOT_CONTEXT, { traceparent: VALID_PARENT, tracestate: header }, getter);
    expectLinear(parse, {
      'empty members': (n) => fill(',', n),
      whitespace: (n) => fill(' \t', n),
      'one long key': (n) => fill('k', n - 2) + '=1',
      'one long value': (n) => 'k=' + fill('v', n - 2),
      'many members': (n) => fill('a=b,', n),
      'members and blanks': (n) => fill('a=b , ,\t', n),
    });
  });
});

// ------------------------------------------------------------------ baggage

describe('baggage (W3CBaggagePropagator.extract)', () => {
  it('keeps at most 64 entries with token keys, fitting 8192 bytes when written back (fuzz)', () => {
    fc.assert(
      fc.property(baggageLike, (header) => {
        const baggage = propagation.getBaggage(extractBaggage({ baggage: header }));
        if (baggage === undefined) return;
        const entries = baggage.getAllEntries();
        expect(entries.length).toBeGreaterThan(0);
        expect(entries.length).toBeLessThanOrEqual(64);
        for (const [key, entry] of entries) {
          expect(key).toMatch(TOKEN);
          expect(typeof entry.value).toBe('string');
        }
        const carrier: Record<string, string> = {};
        baggagePropagator.inject(propagation.setBaggage(ROOT_CONTEXT, baggage), carrier, { set: (c, k, v) => (c[k] = v) });
        expect(Buffer.byteLength(carrier.baggage ?? '')).toBeLessThanOrEqual(8192);
        // What was accepted reads back the same.
        const again = propagation.getBaggage(extractBaggage({ baggage: carrier.baggage }))?.getAllEntries() ?? [];
        expect(again.map(([key, entry]) => [key, entry.value])).toEqual(entries.map(([key, entry]) => [key, entry.value]));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every valid header within the limits, values percent-decoded (fuzz)', () => {
    fc.assert(
      fc.property(fc.dictionary(baggageKey, fc.string({ unit: 'grapheme', maxLength: 20 }), { maxKeys: 64 }), (record) => {
        const header = Object.entries(record)
          .map(([key, value]) => `${key} = ${encodeURIComponent(value)}`)
          .join(' , ');
        fc.pre(Buffer.byteLength(header) <= 8192 && Object.keys(record).length > 0);
        const entries = propagation.getBaggage(extractBaggage({ baggage: header }))?.getAllEntries() ?? [];
        expect(Object.fromEntries(entries.map(([key, entry]) => [key, entry.value]))).toEqual({ ...record });
      }),
      { numRuns: 500 },
    );
  });

  it('is linear: 500 000-character inputs parse within the budget', COMPLEXITY_TEST_TIMEOUT, () => {
    const parse = (header: string): unknown => baggagePropagator.extract(ROOT_CONTEXT, { baggage: header }, getter);
    expectLinear(parse, {
      'invalid members': (n) => fill('k,', n),
      percents: (n) => fill('%', n),
      'one long encoded value': (n) => 'k=' + fill('%E2%82%AC', n - 2),
      'many properties': (n) => 'k=v;' + fill('p=1;', n - 4),
      'empty members': (n) => fill(', \t', n),
      'valid members': (n) => fill('key=value,', n),
      'malformed utf-8': (n) => 'k=' + fill('%C3%28%ED%A0%80', n - 2),
    });
  });
});

// ------------------------------------------------------------------ OTEL_RESOURCE_ATTRIBUTES

describe('OTEL_RESOURCE_ATTRIBUTES (readResourceEnvironment)', () => {
  const read = (text: string): Record<string, string> =>
    readResourceEnvironment(environmentOf({ OTEL_RESOURCE_ATTRIBUTES: text })).resourceAttributes;

  it('never throws; yields string attributes with non-empty keys, or nothing at all (fuzz)', () => {
    fc.assert(
      fc.property(keyValueListLike, (text) => {
        let attributes: Record<string, string> = {};
        expect(() => (attributes = read(text))).not.toThrow();
        expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
        for (const [key, value] of Object.entries(attributes)) {
          expect(key.length).toBeGreaterThan(0);
          expect(typeof value).toBe('string');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round trips any percent-encoded record (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 10 }).filter((key) => key.trim() !== ''),
          fc.string({ unit: 'grapheme', maxLength: 16 }),
          { maxKeys: 10 },
        ),
        (record) => {
          const text = Object.entries(record)
            .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
            .join(',');
          expect(read(text)).toEqual({ ...record });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('discards the whole variable for any malformed member (no "=", empty key, bad escape) (fuzz)', () => {
    const malformed = fc.constantFrom('novalue', '=v', ' = v', 'k=%zz', 'k=%E0%A4', '%=v', 'k=%', 'k=a=b');
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a=1', 'b=x%20y', ''), { maxLength: 5 }), malformed, fc.nat(), (good, bad, at) => {
        const members: string[] = [...good];
        members.splice(at % (members.length + 1), 0, bad);
        expect(read(members.join(','))).toEqual({});
      }),
      { numRuns: 500 },
    );
    expect(diagnostics.count('OTEL_RESOURCE_ATTRIBUTES is malformed')).toBe(1);
  });

  it('is linear: 500 000-character inputs parse within the budget', COMPLEXITY_TEST_TIMEOUT, () => {
    expectLinear(read, {
      'many members': (n) => fill('a=b,', n),
      commas: (n) => fill(',', n),
      'one long encoded value': (n) => 'k=' + fill('%41', n - 2),
      'one long key': (n) => fill('k', n - 2) + '=v',
      spaces: (n) => 'k=' + fill(' ', n - 3) + 'v',
    });
  });
});

// ------------------------------------------------------------------ OTEL_EXPORTER_OTLP_HEADERS

describe('OTEL_EXPORTER_OTLP_HEADERS (readOtlpEnvironment, then the exporter’s options)', () => {
  const requestHeaders = (text: string): Record<string, string> =>
    resolveExporterOptions({}, readOtlpEnvironment(environmentOf({ OTEL_EXPORTER_OTLP_HEADERS: text }))).headers;

  it('only ever yields headers Node can send: valid names, no CR/LF/NUL in values (fuzz)', () => {
    fc.assert(
      fc.property(keyValueListLike, (text) => {
        let headers: Record<string, string> = {};
        expect(() => (headers = requestHeaders(text))).not.toThrow();
        for (const [name, value] of Object.entries(headers)) {
          expect(() => validateHeaderName(name)).not.toThrow();
          expect(() => validateHeaderValue(name, value)).not.toThrow();
          expect(name).toBe(name.toLowerCase());
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('drops a header whose decoded value would split the request (CR LF injection), naming only the key', () => {
    const headers = requestHeaders('x-ok=fine,x-evil=a%0D%0AInjected: s3cret-value');
    expect(headers).toEqual({ 'x-ok': 'fine' });
    expect(diagnostics.text()).toContain('"x-evil"');
    expect(diagnostics.text()).not.toContain('s3cret');
  });

  it('is linear: 500 000-character inputs parse within the budget', COMPLEXITY_TEST_TIMEOUT, () => {
    const read = (text: string): unknown => readOtlpEnvironment(environmentOf({ OTEL_EXPORTER_OTLP_HEADERS: text })).headers;
    expectLinear(read, {
      'many headers': (n) => fill('a=b,', n),
      commas: (n) => fill(',', n),
      'one long token': (n) => 'authorization=' + fill('%41', n - 14),
      equals: (n) => 'k=' + fill('=', n - 2),
    });
  });
});

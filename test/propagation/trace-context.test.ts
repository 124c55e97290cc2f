import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator, createTraceState, failureCounts, suppressTracing } from '../../src/index.js';
import { MAX_PROPAGATED_TRACE_STATE_LENGTH, parseTraceParent, truncateTraceState } from '../../src/propagation/trace-context.js';

const propagator = new W3CTraceContextPropagator();
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const hex2 = (value: number): string => value.toString(16).padStart(2, '0');
const header = (version: string, flags: string, tail = ''): string => `${version}-${TRACE_ID}-${SPAN_ID}-${flags}${tail}`;

/** A getter over a plain record whose values may be arrays (several header lines). */
const arrayGetter: TextMapGetter<Record<string, string | string[]>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

function extract(carrier: Record<string, string | string[]>): SpanContext | undefined {
  return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, arrayGetter));
}

function inject(context: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, defaultTextMapSetter);
  return carrier;
}

/** The spec's grammar written as anchored regular expressions: the oracle for differential fuzzing. */
function oracle(value: string): { traceId: string; spanId: string; traceFlags: number } | undefined {
  const trimmed = value.replace(/^[ \t]+|[ \t]+$/g, '');
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[\s\S]*)?$/.exec(trimmed);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  const traceFlags = parseInt(flags, 16) & (version === '00' ? 0xff : 0x03);
  return { traceId, spanId, traceFlags };
}

describe('traceparent extraction (W3C Trace Context Level 2 §3.2)', () => {
  // [header, expected trace flags, or undefined when the header must be ignored]
  const vectors: Array<[string, number | undefined]> = [
    [header('00', '01'), 0x01],
    [header('00', '00'), 0x00],
    [header('00', '02'), 0x02],
    [header('00', '03'), 0x03],
    [header('00', 'ff'), 0xff],
    [header('00', '09'), 0x09],
    // optional whitespace around the field value
    [` ${header('00', '01')}`, 0x01],
    [`\t${header('00', '01')}`, 0x01],
    [`${header('00', '01')} `, 0x01],
    [`${header('00', '01')}\t`, 0x01],
    [` \t ${header('00', '01')} \t `, 0x01],
    // future versions: first four fields by position, then the end or a dash
    [header('cc', '01'), 0x01],
    [header('cc', '01', '-what-the-future-will-be-like'), 0x01],
    [header('cc', '01', '-'), 0x01],
    [header('01', '03', '-xx-yy'), 0x03],
    [header('fe', 'ff'), 0x03],
    [header('cc', '0d', '-a'), 0x01],
    [header('cc', '06'), 0x02],
    // invalid
    [header('ff', '01'), undefined],
    [header('ff', '01', '-future'), undefined],
    [header('00', '01', '.'), undefined],
    [header('00', '01', '-what-the-future-will-be-like'), undefined],
    [header('00', '01', '-'), undefined],
    [header('cc', '01', '.what-the-future-will-be-like'), undefined],
    [header('cc', '01', 'x'), undefined],
    ['.0' + header('00', '01').slice(2), undefined],
    ['0.' + header('00', '01').slice(2), undefined],
    [header('0A', '01'), undefined],
    [header('CC', '01'), undefined],
    [header('000', '01'), undefined],
    [header('0', '01'), undefined],
    [header('00', '0A'), undefined],
    [header('00', '.0'), undefined],
    [header('00', '0.'), undefined],
    [header('00', '1'), undefined],
    [header('00', '001'), undefined],
    [header('00', '01').toUpperCase(), undefined],
    [`00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`, undefined],
    [`00-${TRACE_ID}-${SPAN_ID.toUpperCase()}-01`, undefined],
    [`00-00000000000000000000000000000000-${SPAN_ID}-01`, undefined],
    [`00-${TRACE_ID}-0000000000000000-01`, undefined],
    [`cc-00000000000000000000000000000000-${SPAN_ID}-01-x`, undefined],
    [`00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`, undefined],
    [`00-${TRACE_ID}0-${SPAN_ID.slice(1)}-01`, undefined],
    [`00-${TRACE_ID}-${SPAN_ID}0-1`, undefined],
    [`00-${TRACE_ID.slice(0, 31)}.-${SPAN_ID}-01`, undefined],
    [`00-${TRACE_ID}-${SPAN_ID.slice(0, 15)}.-01`, undefined],
    [`00-${TRACE_ID}-${SPAN_ID.slice(0, 15)}é-01`, undefined],
    [`00-${TRACE_ID.slice(0, 31)}\uff11-${SPAN_ID}-01`, undefined],
    [`00_${TRACE_ID}_${SPAN_ID}_01`, undefined],
    [`00-${TRACE_ID}-${SPAN_ID}_01`, undefined],
    [`\n${header('00', '01')}`, undefined],
    [`${header('00', '01')}\r\n`, undefined],
    [` ${header('00', '01')}.`, undefined],
    ['', undefined],
    ['   ', undefined],
    ['00', undefined],
    [`${header('00', '01')},${header('00', '01')}`, undefined],
  ];

  it.each(vectors)('%j', (value, flags) => {
    const spanContext = extract({ traceparent: value, tracestate: 'foo=1' });
    if (flags === undefined) {
      expect(spanContext).toBeUndefined();
      return;
    }
    expect(spanContext).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: flags,
      isRemote: true,
      traceState: expect.anything(),
    });
    expect(spanContext?.traceState?.serialize()).toBe('foo=1');
  });

  it.each(vectors.filter(([, flags]) => flags !== undefined))('round trip inject(extract(%j))', (value, flags) => {
    const context = propagator.extract(ROOT_CONTEXT, { traceparent: value, tracestate: 'rojo=1,congo=2' }, arrayGetter);
    expect(inject(context)).toEqual({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-${hex2((flags ?? 0) & 0x03)}`,
      tracestate: 'rojo=1,congo=2',
    });
  });

  it('keeps flags 03 unchanged through extract then inject', () => {
    const value = header('00', '03');
    expect(inject(propagator.extract(ROOT_CONTEXT, { traceparent: value }, defaultTextMapGetter))).toEqual({
      traceparent: value,
    });
  });

  it('handles all 256 trace-flags values for version 00 and for a higher version', () => {
    for (let flags = 0; flags < 256; flags++) {
      const v00 = extract({ traceparent: header('00', hex2(flags)) });
      expect(v00?.traceFlags).toBe(flags);
      const out = inject(trace.setSpanContext(ROOT_CONTEXT, v00!)).traceparent;
      expect(out).toBe(header('00', hex2(flags & 0x03)));
      expect(out).toHaveLength(55);
      expect(extract({ traceparent: header('7f', hex2(flags), '-more') })?.traceFlags).toBe(flags & 0x03);
      // Any flags value on a locally built span context encodes as two hex digits.
      const local = inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: flags }));
      expect(local.traceparent).toBe(header('00', hex2(flags & 0x03)));
    }
  });

  it('ignores the header when the getter returns several traceparent values', () => {
    expect(extract({ traceparent: [header('00', '01'), header('00', '01')] })).toBeUndefined();
    expect(extract({ traceparent: [header('00', '01'), header('00', '00')] })).toBeUndefined();
    expect(extract({ traceparent: [] })).toBeUndefined();
    expect(extract({ traceparent: [header('00', '01')] })?.traceId).toBe(TRACE_ID);
  });

  it('returns the very same context when there is nothing valid to extract', () => {
    const key = Symbol('marker');
    const context = ROOT_CONTEXT.setValue(key, 1);
    expect(propagator.extract(context, {}, defaultTextMapGetter)).toBe(context);
    expect(propagator.extract(context, { traceparent: 'nope', tracestate: 'a=1' }, defaultTextMapGetter)).toBe(context);
  });

  it('parses 100 KB headers', () => {
    const future = header('cc', '01', '-' + 'x'.repeat(100_000));
    expect(extract({ traceparent: future })?.traceId).toBe(TRACE_ID);
    expect(extract({ traceparent: header('00', '01', 'x'.repeat(100_000)) })).toBeUndefined();
    expect(extract({ traceparent: 'x'.repeat(100_000) })).toBeUndefined();
    expect(extract({ traceparent: ' '.repeat(100_000) + header('00', '01') })?.traceFlags).toBe(1);
    const padded = extract({ traceparent: header('00', '01'), tracestate: 'a=1,' + ' ,'.repeat(50_000) + 'b=2' });
    expect(padded?.traceState?.serialize()).toBe('a=1,b=2');
    const tooMany = extract({ traceparent: header('00', '01'), tracestate: 'a=1,'.repeat(25_000) });
    expect(tooMany?.traceId).toBe(TRACE_ID);
    expect(tooMany?.traceState).toBeUndefined();
  });

  it('agrees with the grammar on random and mutated headers, never throwing (fuzz)', () => {
    const valid = fc
      .tuple(
        fc.constantFrom('00', '01', 'cc', 'fe', 'ff', '0A'),
        fc.constantFrom(TRACE_ID, '0'.repeat(32), '1'.repeat(32)),
        fc.constantFrom(SPAN_ID, '0'.repeat(16)),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('', '-', '-x-y', '.', ' ', '\t', '-\u00e9'),
      )
      .map(([version, traceId, spanId, flags, tail]) => `${version}-${traceId}-${spanId}-${hex2(flags)}${tail}`);
    const mutation = fc.tuple(
      fc.nat(),
      fc.constantFrom('insert', 'delete', 'replace'),
      fc.constantFrom(...'0af-. \tAFgz\u00e9\u0000'.split('')),
    );
    const mutated = fc.tuple(valid, fc.array(mutation, { maxLength: 3 })).map(([text, edits]) => {
      for (const [position, kind, char] of edits) {
        const at = position % (text.length + 1);
        if (kind === 'insert') text = text.slice(0, at) + char + text.slice(at);
        else if (kind === 'delete') text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + char + text.slice(at + 1);
      }
      return text;
    });
    fc.assert(
      fc.property(fc.oneof(valid, mutated, fc.string(), fc.string({ minLength: 50, maxLength: 70 })), (value) => {
        const parsed = parseTraceParent(value);
        const expected = oracle(value);
        if (expected === undefined) {
          expect(parsed).toBeUndefined();
        } else {
          expect(parsed).toEqual({ ...expected, isRemote: true });
          expect(isSpanContextValid(parsed!)).toBe(true);
        }
        const context = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent: value }, defaultTextMapGetter));
        if (context !== undefined) expect(isSpanContextValid(context)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('tracestate through the propagator (W3C Trace Context Level 2 §3.3)', () => {
  const traceparent = header('00', '01');

  it('joins several tracestate lines in order', () => {
    const state = extract({ traceparent, tracestate: ['foo=1,bar=2', 'rojo=1,congo=2', '', 'baz=3'] })?.traceState;
    expect(state?.serialize()).toBe('foo=1,bar=2,rojo=1,congo=2,baz=3');
  });

  it('accepts 32 members spread over several lines and discards 33', () => {
    const lines = (count: number): string[] => {
      const all = Array.from({ length: count }, (_, i) => `bar${String(i + 1).padStart(2, '0')}=${i + 1}`);
      return [all.slice(0, 10).join(','), all.slice(10, 20).join(','), all.slice(20).join(',')];
    };
    expect(extract({ traceparent, tracestate: lines(32) })?.traceState?.get('bar01')).toBe('1');
    expect(extract({ traceparent, tracestate: lines(33) })?.traceState).toBeUndefined();
  });

  it('discards the whole tracestate for one invalid member, but keeps the traceparent', () => {
    const spanContext = extract({ traceparent, tracestate: ['foo=1', 'z'.repeat(257) + '=1'] });
    expect(spanContext?.traceId).toBe(TRACE_ID);
    expect(spanContext?.traceState).toBeUndefined();
  });

  it('sets no trace state for an empty header', () => {
    expect(extract({ traceparent, tracestate: '' })?.traceState).toBeUndefined();
    expect(extract({ traceparent, tracestate: [' ', ','] })?.traceState).toBeUndefined();
    expect(inject(propagator.extract(ROOT_CONTEXT, { traceparent, tracestate: '' }, arrayGetter))).toEqual({ traceparent });
  });

  it('injects an empty trace state as no header', () => {
    const context = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 1,
      traceState: createTraceState(),
    });
    expect(inject(context)).toEqual({ traceparent });
  });

  it('cuts a long trace state to 512 characters by whole entries, long entries first', () => {
    const long = `big=${'b'.repeat(200)}`;
    const small = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}=${'v'.repeat(10)}`); // 14 chars each
    const text = [small[0], long, ...small.slice(1, 30)].join(',');
    expect(text.length).toBeGreaterThan(512);
    const cut = truncateTraceState(text);
    expect(cut.length).toBeLessThanOrEqual(MAX_PROPAGATED_TRACE_STATE_LENGTH);
    expect(cut).toBe(small.slice(0, 30).join(',')); // the long entry alone had to go
    const many = small.join(','); // 40 * 15 - 1 = 599 characters
    const cutMany = truncateTraceState(many);
    expect(cutMany).toBe(small.slice(0, 34).join(','));
    expect(truncateTraceState('a=1')).toBe('a=1');

    const entries = Array.from({ length: 32 }, (_, i) => `key${String(i).padStart(2, '0')}=${'v'.repeat(14)}`); // 20 chars
    const state = createTraceState(entries.join(','));
    expect(state.serialize()).toHaveLength(32 * 21 - 1);
    const injected = inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, traceState: state }));
    expect(injected.tracestate).toBe(entries.slice(0, 24).join(','));
    // Passed straight through (remote, no span of ours in between), the tracestate is not modified.
    const passThrough = inject(
      propagator.extract(ROOT_CONTEXT, { traceparent: header('00', '01'), tracestate: entries.join(',') }, arrayGetter),
    );
    expect(passThrough.tracestate).toBe(entries.join(','));
    expect(createTraceState(injected.tracestate).get('key00')).toBe('v'.repeat(14));
  });
});

describe('traceparent injection', () => {
  it('writes lowercase version 00 for a valid span context', () => {
    const context = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE_ID.toUpperCase(),
      spanId: SPAN_ID.toUpperCase(),
      traceFlags: 1,
    });
    expect(inject(context)).toEqual({ traceparent: header('00', '01') });
  });

  it('writes nothing for an invalid or missing span context', () => {
    expect(inject(ROOT_CONTEXT)).toEqual({});
    expect(inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: SPAN_ID, traceFlags: 1 }))).toEqual({});
    expect(inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: 'xyz', traceFlags: 1 }))).toEqual({});
  });

  it('writes nothing when tracing is suppressed', () => {
    const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    expect(inject(suppressTracing(context))).toEqual({});
  });

  it('reports a throwing getter or setter instead of throwing', () => {
    const before = failureCounts();
    const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    const throwing = () => {
      throw new Error('boom');
    };
    expect(() => propagator.inject(context, {}, { set: throwing })).not.toThrow();
    expect(propagator.extract(context, {}, { keys: () => [], get: throwing })).toBe(context);
    expect(propagator.extract(context, null, defaultTextMapGetter)).toBe(context);
    expect(propagator.extract(context, { traceparent: 42 }, defaultTextMapGetter)).toBe(context);
    expect(propagator.extract(context, { traceparent: [42] }, defaultTextMapGetter)).toBe(context);
    const after = failureCounts();
    expect(after['propagator.inject']).toBe((before['propagator.inject'] ?? 0) + 1);
    expect(after['propagator.extract']).toBe((before['propagator.extract'] ?? 0) + 1);
  });

  it('lists its fields', () => {
    expect(propagator.fields()).toEqual(['traceparent', 'tracestate']);
    propagator.fields().push('mutated');
    expect(propagator.fields()).toEqual(['traceparent', 'tracestate']);
  });
});

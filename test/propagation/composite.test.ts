import { describe, expect, it } from 'vitest';
import {
  ROOT_CONTEXT,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  type Context,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { CompositePropagator, failureCounts } from '../../src/index.js';

const ORDER = createContextKey('order');

/** A propagator that writes its name into the carrier and appends it to a context value. */
function recording(name: string, fields: string[] = [name]): TextMapPropagator {
  return {
    inject(_context, carrier: Record<string, string>, setter) {
      setter.set(carrier, name, 'x');
      setter.set(carrier, 'order', (carrier.order ?? '') + name);
    },
    extract(context: Context) {
      return context.setValue(ORDER, `${(context.getValue(ORDER) as string | undefined) ?? ''}${name}`);
    },
    fields: () => fields,
  };
}

const throwing: TextMapPropagator = {
  inject() {
    throw new Error('inject failed');
  },
  extract() {
    throw new Error('extract failed');
  },
  fields: () => ['thrower'],
};

describe('CompositePropagator', () => {
  it('runs its members in order on inject and extract', () => {
    const composite = new CompositePropagator({ propagators: [recording('a'), recording('b'), recording('c')] });
    const carrier: Record<string, string> = {};
    composite.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({ a: 'x', b: 'x', c: 'x', order: 'abc' });
    expect(composite.extract(ROOT_CONTEXT, {}, defaultTextMapGetter).getValue(ORDER)).toBe('abc');
  });

  it('unions the fields of its members, in order, each once', () => {
    const composite = new CompositePropagator({
      propagators: [recording('a', ['traceparent', 'tracestate']), recording('b', ['baggage', 'traceparent'])],
    });
    expect(composite.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
  });

  it('reports and skips a throwing member; the others still run', () => {
    const before = failureCounts();
    const composite = new CompositePropagator({ propagators: [recording('a'), throwing, recording('b')] });
    const carrier: Record<string, string> = {};
    expect(() => composite.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter)).not.toThrow();
    expect(carrier.order).toBe('ab');
    expect(composite.extract(ROOT_CONTEXT, {}, defaultTextMapGetter).getValue(ORDER)).toBe('ab');
    expect(composite.fields()).toEqual(['a', 'thrower', 'b']);
    const after = failureCounts();
    expect(after['propagator.inject']).toBe((before['propagator.inject'] ?? 0) + 1);
    expect(after['propagator.extract']).toBe((before['propagator.extract'] ?? 0) + 1);
  });

  it('survives a member whose fields() throws or whose extract returns nothing', () => {
    const broken: TextMapPropagator = {
      inject() {},
      extract: () => undefined as unknown as Context,
      fields() {
        throw new Error('no fields');
      },
    };
    const composite = new CompositePropagator({ propagators: [recording('a'), broken] });
    expect(composite.fields()).toEqual(['a']);
    expect(composite.extract(ROOT_CONTEXT, {}, defaultTextMapGetter).getValue(ORDER)).toBe('a');
  });

  it('does nothing without members', () => {
    const composite = new CompositePropagator();
    const carrier = {};
    composite.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({});
    expect(composite.extract(ROOT_CONTEXT, {}, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(composite.fields()).toEqual([]);
  });

  it('is not affected by later changes to the options array or the returned fields', () => {
    const propagators = [recording('a')];
    const composite = new CompositePropagator({ propagators });
    propagators.push(recording('b'));
    composite.fields().push('z');
    expect(composite.fields()).toEqual(['a']);
    const carrier: Record<string, string> = {};
    composite.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter);
    expect(carrier.order).toBe('a');
  });
});

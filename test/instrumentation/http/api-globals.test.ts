import { ROOT_CONTEXT, context, propagation, trace, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { extractWithGlobalPropagator, registeredApiGlobals } from '../../../src/instrumentation/http/api-globals.js';
import { getHttpTracer } from '../../../src/instrumentation/http/http-tracer.js';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, W3CTraceContextPropagator } from '../../../src/index.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A propagator that records its calls and puts `mark` into the context. */
function marking(mark: string, calls: unknown[][]): TextMapPropagator {
  const key = Symbol.for(`api-globals test ${mark}`);
  return {
    inject() {},
    extract(ctx: Context, carrier: unknown, getter) {
      calls.push([carrier, getter.get(carrier, 'traceparent')]);
      return ctx.setValue(key, mark);
    },
    fields: () => ['traceparent'],
  };
}

afterEach(() => {
  propagation.disable();
  trace.disable();
  context.disable();
});

describe('extractWithGlobalPropagator', () => {
  it('extracts with the registered propagator, and follows it when it is replaced', () => {
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    const headers = { traceparent: TRACEPARENT };
    expect(propagation.setGlobalPropagator(marking('first', first))).toBe(true);
    expect(registeredApiGlobals()?.propagation).toBeDefined();
    for (let i = 0; i < 3; i++) {
      expect(extractWithGlobalPropagator(headers).getValue(Symbol.for('api-globals test first'))).toBe('first');
    }
    expect(first).toEqual([
      [headers, TRACEPARENT],
      [headers, TRACEPARENT],
      [headers, TRACEPARENT],
    ]);
    propagation.disable();
    expect(extractWithGlobalPropagator(headers)).toBe(ROOT_CONTEXT);
    propagation.setGlobalPropagator(marking('second', second));
    expect(extractWithGlobalPropagator(headers).getValue(Symbol.for('api-globals test second'))).toBe('second');
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(1);
  });

  it('gives what propagation.extract gives', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const headers = { traceparent: TRACEPARENT };
    expect(trace.getSpanContext(extractWithGlobalPropagator(headers))).toEqual(
      trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers)),
    );
    expect(trace.getSpanContext(extractWithGlobalPropagator(headers))?.spanId).toBe('00f067aa0ba902b7');
  });
});

describe('getHttpTracer', () => {
  it('follows the registered tracer provider across trace.disable()', () => {
    const exporters = [new InMemorySpanExporter(), new InMemorySpanExporter()];
    for (const exporter of exporters) {
      trace.disable();
      trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      getHttpTracer().startSpan('one').end();
      getHttpTracer().startSpan('two').end();
    }
    expect(exporters.map((exporter) => exporter.getFinishedSpans().map((span) => span.name))).toEqual([
      ['one', 'two'],
      ['one', 'two'],
    ]);
  });
});

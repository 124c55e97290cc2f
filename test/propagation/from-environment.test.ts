import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';
import {
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  createPropagatorFromEnvironment,
  createPropagatorFromNames,
} from '../../src/index.js';
import { withEnvironment } from '../support/environment.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const incoming = { traceparent: TRACEPARENT, tracestate: 'rojo=1', baggage: 'userId=alice' };

function roundTrip(names: Parameters<typeof createPropagatorFromNames>[0]): Record<string, string> {
  const propagator = createPropagatorFromNames(names);
  const carrier: Record<string, string> = {};
  propagator.inject(propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter), carrier, defaultTextMapSetter);
  return carrier;
}

describe('createPropagatorFromNames', () => {
  it('builds trace context and baggage for the default names', () => {
    const propagator = createPropagatorFromNames(['tracecontext', 'baggage']);
    expect(propagator.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    const context = propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
    expect(trace.getSpanContext(context)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(propagation.getBaggage(context)?.getEntry('userId')?.value).toBe('alice');
    expect(roundTrip(['tracecontext', 'baggage'])).toEqual(incoming);
  });

  it('builds a single propagator for one name', () => {
    expect(createPropagatorFromNames(['tracecontext'])).toBeInstanceOf(W3CTraceContextPropagator);
    expect(createPropagatorFromNames(['baggage', 'baggage'])).toBeInstanceOf(W3CBaggagePropagator);
    expect(roundTrip(['baggage'])).toEqual({ baggage: 'userId=alice' });
    expect(roundTrip(['tracecontext'])).toEqual({ traceparent: TRACEPARENT, tracestate: 'rojo=1' });
  });

  it('follows the order given', () => {
    expect(createPropagatorFromNames(['baggage', 'tracecontext']).fields()).toEqual(['baggage', 'traceparent', 'tracestate']);
  });

  it('builds a propagator that does nothing for an empty list (OTEL_PROPAGATORS=none)', () => {
    const propagator = createPropagatorFromNames([]);
    expect(propagator.fields()).toEqual([]);
    expect(propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(roundTrip([])).toEqual({});
  });
});

describe('createPropagatorFromEnvironment', () => {
  it('reads OTEL_PROPAGATORS when called, tracecontext and baggage when unset', () => {
    expect(withEnvironment({ OTEL_PROPAGATORS: 'baggage' }, () => createPropagatorFromEnvironment())).toBeInstanceOf(W3CBaggagePropagator);
    expect(withEnvironment({ OTEL_PROPAGATORS: 'none' }, () => createPropagatorFromEnvironment()).fields()).toEqual([]);
    expect(withEnvironment({}, () => createPropagatorFromEnvironment()).fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
  });
});

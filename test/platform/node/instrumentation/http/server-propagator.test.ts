import { context, propagation, trace, type Context, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '../../../../../src/index.js';
import { randomHex, send, serverSpans, startServer, traceparent, type TestServer, useInstrumentedTracing } from './http-test-kit.js';

// The server skips the propagator for a request without traceparent and baggage only when the global
// propagator is otelite's W3C propagation; any other propagator still sees every request.

const suite = useInstrumentedTracing();
let server: TestServer;
/** The baggage entry `k` the handler saw in its active context, per request. */
const seenBaggage: (string | undefined)[] = [];

/** A propagator that takes its parent from `x-parent: <trace id>-<span id>`, declaring `fields` as given. */
function customPropagator(fields: string[]): TextMapPropagator {
  return {
    inject(): void {},
    extract(extracted: Context, carrier: unknown, getter: TextMapGetter): Context {
      const value = getter.get(carrier, 'x-parent');
      if (typeof value !== 'string') return extracted;
      const [traceId, spanId] = value.split('-');
      return trace.setSpanContext(extracted, { traceId, spanId, traceFlags: 1, isRemote: true });
    },
    fields: () => fields,
  };
}

function usePropagator(propagator: TextMapPropagator): void {
  propagation.disable();
  propagation.setGlobalPropagator(propagator);
}

beforeAll(async () => {
  server = await startServer((_request, response) => {
    seenBaggage.push(propagation.getBaggage(context.active())?.getEntry('k')?.value);
    response.end('ok');
  });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  seenBaggage.length = 0;
});

describe('server span parents, by the global propagator', () => {
  it('the default propagation: a root without headers, the traceparent parent, baggage alone still extracted', async () => {
    usePropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    const traceId = randomHex(32);
    const parentId = randomHex(16);
    await send(`${server.origin}/plain`);
    await send(`${server.origin}/parented`, { headers: { traceparent: traceparent(traceId, parentId) } });
    await send(`${server.origin}/baggage`, { headers: { baggage: 'k=v1' } });
    const spans = serverSpans(await suite.tracing.spans((all) => serverSpans(all).length >= 3));
    const byPath = new Map(spans.map((span) => [span.attributes['url.path'], span]));
    expect(byPath.get('/plain')?.parentSpanContext).toBeUndefined();
    expect(byPath.get('/parented')?.spanContext().traceId).toBe(traceId);
    expect(byPath.get('/parented')?.parentSpanContext?.spanId).toBe(parentId);
    expect(byPath.get('/baggage')?.parentSpanContext).toBeUndefined();
    expect(seenBaggage).toEqual([undefined, undefined, 'v1']);
  });

  it('a composite with a member of its own is called for every request', async () => {
    usePropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), customPropagator(['x-parent'])] }));
    const traceId = randomHex(32);
    const parentId = randomHex(16);
    await send(`${server.origin}/`, { headers: { 'x-parent': `${traceId}-${parentId}` } });
    const [span] = serverSpans(await suite.tracing.spans());
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe(parentId);
  });

  it('a member declaring only W3C fields but reading another header is still called', async () => {
    usePropagator(new CompositePropagator({ propagators: [new W3CBaggagePropagator(), customPropagator(['traceparent'])] }));
    const traceId = randomHex(32);
    const parentId = randomHex(16);
    await send(`${server.origin}/`, { headers: { 'x-parent': `${traceId}-${parentId}` } });
    const [span] = serverSpans(await suite.tracing.spans());
    expect(span.parentSpanContext?.spanId).toBe(parentId);
  });

  it('a propagator registered later replaces the one checked before', async () => {
    usePropagator(new W3CTraceContextPropagator());
    await send(`${server.origin}/first`);
    usePropagator(customPropagator(['x-parent']));
    const traceId = randomHex(32);
    const parentId = randomHex(16);
    await send(`${server.origin}/second`, { headers: { 'x-parent': `${traceId}-${parentId}` } });
    const spans = serverSpans(await suite.tracing.spans((all) => serverSpans(all).length >= 2));
    const second = spans.find((span) => span.attributes['url.path'] === '/second');
    expect(second?.parentSpanContext?.spanId).toBe(parentId);
    expect(spans.find((span) => span.attributes['url.path'] === '/first')?.parentSpanContext).toBeUndefined();
  });
});

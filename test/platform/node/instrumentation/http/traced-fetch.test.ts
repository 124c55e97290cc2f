import { context, SpanKind, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, tracedFetch } from '../../../../../src/index.js';
import {
  clientSpans,
  parseTraceparent,
  settle,
  setUpTracing,
  startServer,
  tearDownTracing,
  type TestServer,
  type Tracing,
} from './http-test-kit.js';

let tracing: Tracing;
let server: TestServer;

beforeAll(async () => {
  tracing = setUpTracing();
  server = await startServer();
});

afterAll(async () => {
  await server.close();
  tearDownTracing();
});

afterEach(() => {
  tracing.exporter.reset();
  server.requests.length = 0;
});

describe('tracedFetch', () => {
  it('traces its own requests without instrumentHttp, while plain fetch stays untraced', async () => {
    const parent = trace.getTracer('test').startSpan('parent');
    await context.with(trace.setSpan(context.active(), parent), async () => {
      const response = await tracedFetch(`${server.origin}/traced`, { method: 'POST', body: 'x' });
      expect(await response.text()).toBe('ok');
      await (await fetch(`${server.origin}/plain`)).text();
    });
    parent.end();
    const spans = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    await settle(20);
    expect(clientSpans(tracing.exporter.getFinishedSpans())).toHaveLength(1);
    const [span] = spans;
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('POST');
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.attributes['url.full']).toBe(`${server.origin}/traced`);
    expect(parseTraceparent(server.requests[0].headers.traceparent)?.spanId).toBe(span.spanContext().spanId);
    expect(server.requests[1].headers.traceparent).toBeUndefined();
  });

  it('makes exactly one span when instrumentHttp is enabled too', async () => {
    const instrumentation = instrumentHttp();
    try {
      await (await tracedFetch(new URL(`${server.origin}/both`))).text();
      const spans = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
      await settle(20);
      expect(clientSpans(tracing.exporter.getFinishedSpans())).toHaveLength(1);
      expect(spans[0].attributes['url.full']).toBe(`${server.origin}/both`);
      expect(String(server.requests[0].headers.traceparent).split(',')).toHaveLength(1);
    } finally {
      instrumentation.disable();
    }
  });
});

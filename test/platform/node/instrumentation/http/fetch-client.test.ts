import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, suppressTracing, type HttpInstrumentation } from '../../../../../src/index.js';
import {
  clientSpans,
  settle,
  setUpTracing,
  startServer,
  parseTraceparent,
  tearDownTracing,
  type TestServer,
  type Tracing,
} from './http-test-kit.js';

let tracing: Tracing;
let instrumentation: HttpInstrumentation;
let server: TestServer;
let releaseBody: (() => void) | undefined;
const ignoredUrls: string[] = [];

beforeAll(async () => {
  tracing = setUpTracing();
  instrumentation = instrumentHttp({
    ignoreOutgoingRequest: (info) => {
      if (info.url.includes('/throwing-predicate')) throw new Error('predicate bug');
      if (!info.url.includes('/skip')) return false;
      ignoredUrls.push(`${info.api} ${info.method} ${info.url}`);
      return true;
    },
    captureRequestHeaders: ['X-Req'],
    captureResponseHeaders: ['x-res'],
    requestHook: (span, info) => {
      if (info.direction === 'outgoing') span.setAttribute('test.api', info.api);
      if (info.direction === 'outgoing' && info.url.includes('/throwing-hook')) throw new Error('hook bug');
    },
  });
  server = await startServer((request, response) => {
    if (request.url === '/missing') {
      response.statusCode = 404;
      response.end();
    } else if (request.url === '/slow-body') {
      response.writeHead(200, { 'x-res': 'r1' });
      response.write('first');
      releaseBody = () => response.end('last');
    } else if (request.url === '/hang') {
      response.writeHead(200);
      response.write('x');
    } else {
      response.setHeader('x-res', 'r1');
      response.end('ok');
    }
  });
});

afterAll(async () => {
  instrumentation.disable();
  await server.close();
  tearDownTracing();
});

afterEach(() => {
  tracing.exporter.reset();
  server.requests.length = 0;
});

describe('fetch client spans', () => {
  it('are children of the active span, inject traceparent and record the request', async () => {
    const tracer = trace.getTracer('test');
    const parent = tracer.startSpan('parent');
    const response = await context.with(trace.setSpan(context.active(), parent), () =>
      fetch(`${server.origin}/items?page=2&X-Goog-Signature=secret`, { headers: { 'x-req': 'q1', 'x-other': 'no' } }),
    );
    expect(await response.text()).toBe('ok');
    parent.end();
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('GET');
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': `${server.origin}/items?page=2&X-Goog-Signature=REDACTED`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'http.request.header.x-req': ['q1'],
      'test.api': 'fetch',
      'http.response.status_code': 200,
      'http.response.header.x-res': ['r1'],
    });
    expect(parseTraceparent(server.requests[0].headers.traceparent)).toEqual({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      sampled: true,
    });
  });

  it('replace trace headers already on the request instead of sending a second value', async () => {
    const stale = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const headers = new Headers([['TraceParent', stale]]);
    const response = await fetch(`${server.origin}/replaced`, { headers });
    expect(await response.text()).toBe('ok');
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    // Two values would arrive joined by a comma, which no parser accepts.
    expect(parseTraceparent(server.requests[0].headers.traceparent)).toEqual({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      sampled: true,
    });
  });

  it('end once the response body has been received, not at the headers', async () => {
    const response = await fetch(`${server.origin}/slow-body`);
    expect(response.status).toBe(200);
    await settle(30);
    expect(clientSpans(tracing.exporter.getFinishedSpans())).toHaveLength(0);
    releaseBody!();
    expect(await response.text()).toBe('firstlast');
    const [span] = clientSpans(await tracing.spans());
    expect(span.attributes['http.response.status_code']).toBe(200);
  });

  it('mark 4xx responses as Error', async () => {
    const response = await fetch(`${server.origin}/missing`, { method: 'DELETE' });
    await response.arrayBuffer();
    const [span] = clientSpans(await tracing.spans());
    expect(span.name).toBe('DELETE');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('404');
    expect(span.attributes['http.response.status_code']).toBe(404);
  });

  it('end with Error when the connection fails', async () => {
    const closed = await startServer();
    const origin = closed.origin;
    await closed.close();
    await expect(fetch(`${origin}/`)).rejects.toThrow();
    const [span] = clientSpans(await tracing.spans());
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('ECONNREFUSED');
  });

  it('end with Error when the fetch is aborted midway', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.origin}/hang`, { signal: controller.signal });
    const body = response.text();
    controller.abort();
    await expect(body).rejects.toThrow();
    const [span] = clientSpans(await tracing.spans());
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('AbortError');
  });

  it('skip requests the ignore predicate names: no span, no trace headers', async () => {
    await (await fetch(`${server.origin}/skip?sig=s`, { method: 'POST', body: 'x' })).text();
    await settle(20);
    expect(clientSpans(tracing.exporter.getFinishedSpans())).toHaveLength(0);
    expect(server.requests[0].headers.traceparent).toBeUndefined();
    expect(ignoredUrls).toEqual([`fetch POST ${server.origin}/skip?sig=REDACTED`]);
  });

  it('skip requests made with tracing suppressed', async () => {
    await context.with(suppressTracing(context.active()), async () => {
      await (await fetch(`${server.origin}/quiet`)).text();
    });
    await settle(20);
    expect(clientSpans(tracing.exporter.getFinishedSpans())).toHaveLength(0);
    expect(server.requests[0].headers.traceparent).toBeUndefined();
  });

  it('survive throwing user callbacks: the request is traced and succeeds', async () => {
    expect(await (await fetch(`${server.origin}/throwing-predicate`)).text()).toBe('ok');
    expect(await (await fetch(`${server.origin}/throwing-hook`)).text()).toBe('ok');
    const spans = clientSpans(await tracing.spans((all) => clientSpans(all).length >= 2));
    expect(spans).toHaveLength(2);
    expect(server.requests.every((request) => typeof request.headers.traceparent === 'string')).toBe(true);
  });
});

import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import * as http from 'node:http';
import { get as namedGet, request as namedRequest } from 'node:http';
import * as https from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasClientRequestCreatedChannel } from '../../../../../src/platform/node/instrumentation/http/node-client.js';
import {
  ExportResultCode,
  instrumentHttp,
  OTLPTraceExporter,
  suppressTracing,
  type HttpInstrumentation,
} from '../../../../../src/index.js';
import {
  clientSpans,
  parseTraceparent,
  serverSpans,
  settle,
  setUpTracing,
  startServer,
  tearDownTracing,
  type TestServer,
  type Tracing,
} from './http-test-kit.js';

const original = { httpRequest: http.request, httpGet: http.get, httpsRequest: https.request, httpsGet: https.get };
const patches = !hasClientRequestCreatedChannel();

let tracing: Tracing;
let instrumentation: HttpInstrumentation;
let server: TestServer;

/** GETs `url` with `get` and resolves when the response ended (or with the error). */
function fetchWith(getFunction: typeof http.get, url: string, options: http.RequestOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    getFunction(url, options, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    }).on('error', reject);
  });
}

beforeAll(async () => {
  tracing = setUpTracing();
  instrumentation = instrumentHttp({
    ignoreOutgoingRequest: (info) => info.api === 'http' && info.url.includes('/skip'),
    captureRequestHeaders: ['x-req'],
    captureResponseHeaders: ['x-res'],
  });
  server = await startServer((request, response) => {
    if (request.url === '/broken') {
      response.statusCode = 503;
      response.end();
    } else if (request.url === '/cut') {
      response.writeHead(200, { 'content-length': '100' });
      response.write('partial');
      setTimeout(() => response.destroy(), 10);
    } else {
      response.setHeader('x-res', 'r2');
      request.resume().on('end', () => response.end('ok'));
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

describe('node:http client spans', () => {
  it('are children of the active span, inject traceparent and record the exchange', async () => {
    const parent = trace.getTracer('test').startSpan('parent');
    const status = await context.with(trace.setSpan(context.active(), parent), () =>
      fetchWith(http.get, `${server.origin}/a?b=1`, { headers: { 'x-req': 'q2' } }),
    );
    parent.end();
    expect(status).toBe(200);
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('GET');
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': `${server.origin}/a?b=1`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'http.request.header.x-req': ['q2'],
      'http.response.status_code': 200,
      'network.protocol.version': '1.1',
      'http.response.header.x-res': ['r2'],
    });
    expect(parseTraceparent(server.requests[0].headers.traceparent)).toEqual({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      sampled: true,
    });
  });

  it('inject traceparent when the headers are given as an array, replacing one already there', async () => {
    const stale = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const status = await new Promise<number>((resolve, reject) => {
      http
        .request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/array',
            headers: ['Host', `127.0.0.1:${server.port}`, 'X-Req', 'q3', 'TraceParent', stale],
          },
          (response) => response.resume().on('end', () => resolve(response.statusCode ?? 0)),
        )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.name).toBe('GET');
    expect(span.attributes['url.full']).toBe(`${server.origin}/array`);
    expect(server.requests[0].headers['x-req']).toBe('q3');
    expect(parseTraceparent(server.requests[0].headers.traceparent)).toEqual({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      sampled: true,
    });
  });

  it('inject traceparent into a request that sends Expect: 100-continue', async () => {
    const parent = trace.getTracer('test').startSpan('parent');
    const status = await context.with(
      trace.setSpan(context.active(), parent),
      () =>
        new Promise<number>((resolve, reject) => {
          const request = http.request(`${server.origin}/continue`, { method: 'post', headers: { Expect: '100-continue' } }, (response) =>
            response.resume().on('end', () => resolve(response.statusCode ?? 0)),
          );
          request.on('error', reject).on('continue', () => request.end('body'));
        }),
    );
    parent.end();
    expect(status).toBe(200);
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.name).toBe('POST');
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.attributes['http.request.method']).toBe('POST');
    expect(span.attributes['http.response.status_code']).toBe(200);
    expect(server.requests[0].headers.expect).toBe('100-continue');
    expect(parseTraceparent(server.requests[0].headers.traceparent)).toEqual({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      sampled: true,
    });
  });

  it('trace http.request with a body, and ESM named imports of request and get', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = namedRequest(`${server.origin}/upload`, { method: 'PUT' }, (response) => {
        response.resume().on('end', resolve);
      });
      request.on('error', reject);
      request.end('payload');
    });
    await fetchWith(namedGet, `${server.origin}/named-get`);
    const spans = clientSpans(await tracing.spans((all) => clientSpans(all).length >= 2));
    expect(spans.map((span) => span.name).sort()).toEqual(['GET', 'PUT']);
    expect(server.requests.every((request) => parseTraceparent(request.headers.traceparent) !== undefined)).toBe(true);
  });

  it('remove userinfo from url.full and redact signature parameters', async () => {
    const { port } = server;
    await fetchWith(http.get, `http://user:password@127.0.0.1:${port}/file?AWSAccessKeyId=key&Signature=sig&x=1`);
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.attributes['url.full']).toBe(`http://127.0.0.1:${port}/file?AWSAccessKeyId=REDACTED&Signature=REDACTED&x=1`);
  });

  it('mark responses >= 400 as Error', async () => {
    expect(await fetchWith(http.get, `${server.origin}/broken`)).toBe(503);
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('503');
  });

  it('end with Error when the connection is refused', async () => {
    const closed = await startServer();
    const origin = closed.origin;
    await closed.close();
    await expect(fetchWith(http.get, `${origin}/`)).rejects.toThrow();
    const [span] = clientSpans(await tracing.spans());
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('ECONNREFUSED');
  });

  it('end with Error aborted when the response is cut off', async () => {
    await new Promise<void>((resolve) => {
      http.get(`${server.origin}/cut`, (response) => {
        response.on('error', () => {});
        response.on('close', resolve);
        response.resume();
      });
    });
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
    expect(span.attributes['http.response.status_code']).toBe(200);
  });

  it('skip ignored requests and requests made with tracing suppressed', async () => {
    await fetchWith(http.get, `${server.origin}/skip`);
    await context.with(suppressTracing(context.active()), () => fetchWith(http.get, `${server.origin}/quiet`));
    await settle(20);
    expect(clientSpans(tracing.exporter.getFinishedSpans())).toHaveLength(0);
    expect(server.requests.map((request) => request.headers.traceparent)).toEqual([undefined, undefined]);
  });

  it('never trace the OTLP exporter, even inside an active span', async () => {
    await fetchWith(http.get, `${server.origin}/something-to-export`);
    const toExport = await tracing.spans((all) => all.length >= 2);
    tracing.exporter.reset();
    server.requests.length = 0;
    const exporter = new OTLPTraceExporter({ url: `${server.origin}/v1/traces` });
    const parent = trace.getTracer('test').startSpan('parent');
    const result = await context.with(trace.setSpan(context.active(), parent), () => exporter.export(toExport));
    parent.end();
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.requests.map((request) => request.url)).toEqual(['/v1/traces']);
    expect(server.requests[0].headers.traceparent).toBeUndefined();
    const spans = await tracing.spans((all) => all.length >= 2);
    await settle(20);
    expect(clientSpans(tracing.exporter.getFinishedSpans())).toHaveLength(0);
    // The collector's own server span is a root: nothing linked it to the exporter.
    expect(serverSpans(spans).every((span) => span.parentSpanContext === undefined)).toBe(true);
  });

  it.runIf(patches)('still record (without trace headers) requests made through a request function captured earlier', async () => {
    await new Promise<void>((resolve, reject) => {
      original
        .httpRequest(`${server.origin}/captured`, (response) => response.resume().on('end', resolve))
        .on('error', reject)
        .end();
    });
    const [span] = clientSpans(await tracing.spans((all) => clientSpans(all).length > 0));
    expect(span.attributes['url.full']).toBe(`${server.origin}/captured`);
    expect(server.requests[0].headers.traceparent).toBeUndefined();
  });

  it('disable() puts the original functions back and stops client spans', async () => {
    if (patches) {
      expect(http.request).not.toBe(original.httpRequest);
      expect(https.get).not.toBe(original.httpsGet);
    }
    instrumentation.disable();
    try {
      expect(http.request).toBe(original.httpRequest);
      expect(http.get).toBe(original.httpGet);
      expect(https.request).toBe(original.httpsRequest);
      expect(https.get).toBe(original.httpsGet);
      expect(namedRequest).toBe(original.httpRequest);
      await fetchWith(http.get, `${server.origin}/after-disable`);
      await (await fetch(`${server.origin}/after-disable-fetch`)).text();
      await settle(30);
      expect(tracing.exporter.getFinishedSpans()).toHaveLength(0);
      expect(server.requests.map((request) => request.headers.traceparent)).toEqual([undefined, undefined]);
    } finally {
      instrumentation = instrumentHttp();
    }
    await fetchWith(http.get, `${server.origin}/enabled-again`);
    expect(clientSpans(await tracing.spans((all) => clientSpans(all).length > 0))).toHaveLength(1);
  });
});

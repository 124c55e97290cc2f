import { SpanKind, trace } from '@opentelemetry/api';
import * as http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, type HttpInstrumentation } from '../../../../../src/index.js';
import { matchesUrlList } from '../../../../../src/instrumentation/propagate-trace-header-urls.js';
import { captureDiagEachTest } from '../../../../support/diag-capture.js';
import { setUpTracing, startServer, tearDownTracing, type TestServer, type Tracing } from './http-test-kit.js';

const messages = captureDiagEachTest();
let tracing: Tracing;
let allowed: TestServer;
let other: TestServer;
let instrumentation: HttpInstrumentation | undefined;

beforeAll(async () => {
  tracing = setUpTracing();
  allowed = await startServer();
  other = await startServer();
});
afterEach(() => {
  instrumentation?.disable();
  instrumentation = undefined;
  tracing.exporter.reset();
  allowed.requests.length = 0;
  other.requests.length = 0;
});
afterAll(async () => {
  await allowed.close();
  await other.close();
  tearDownTracing();
});

function get(url: string, headers?: http.OutgoingHttpHeaders | string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const options = headers === undefined ? {} : { headers };
    http
      .get(url, options as http.RequestOptions, (response) => {
        response.resume();
        response.on('end', () => resolve());
      })
      .on('error', reject);
  });
}

/** Calls each server with fetch, http.get, and http.get with a header list (headers written at creation), inside a root span. */
async function callBoth(): Promise<void> {
  await trace.getTracer('test').startActiveSpan('root', async (root) => {
    for (const server of [allowed, other]) {
      await (await fetch(`${server.origin}/fetch`)).text();
      await get(`${server.origin}/get`);
      await get(`${server.origin}/list`, ['Host', `127.0.0.1:${server.port}`, 'x-list', 'yes']);
    }
    root.end();
  });
}

function traceparentsBy(server: TestServer): Record<string, boolean> {
  return Object.fromEntries(server.requests.map((request) => [request.url, typeof request.headers.traceparent === 'string']));
}

async function clientSpanCount(): Promise<number> {
  const spans = await tracing.spans((spans) => spans.filter((span) => span.kind === SpanKind.CLIENT).length >= 6);
  return spans.filter((span) => span.kind === SpanKind.CLIENT).length;
}

const ALL = { '/fetch': true, '/get': true, '/list': true };
const NONE = { '/fetch': false, '/get': false, '/list': false };

describe('propagateTraceHeaderUrls on Node (fetch, node:http, headers written at creation)', () => {
  it('default: every destination gets the trace headers', async () => {
    instrumentation = instrumentHttp();
    await callBoth();
    expect(traceparentsBy(allowed)).toEqual(ALL);
    expect(traceparentsBy(other)).toEqual(ALL);
    expect(await clientSpanCount()).toBe(6);
  });

  it('an origin string: only that origin gets them; the others still get CLIENT spans', async () => {
    instrumentation = instrumentHttp({ propagateTraceHeaderUrls: [allowed.origin] });
    await callBoth();
    expect(traceparentsBy(allowed)).toEqual(ALL);
    expect(traceparentsBy(other)).toEqual(NONE);
    expect(await clientSpanCount()).toBe(6);
  });

  it('a RegExp against the whole URL (a global one too, tested from its start every time)', async () => {
    instrumentation = instrumentHttp({ propagateTraceHeaderUrls: [new RegExp(`:${allowed.port}/(fetch|list)$`, 'g')] });
    await callBoth();
    expect(traceparentsBy(allowed)).toEqual({ '/fetch': true, '/get': false, '/list': true });
    expect(traceparentsBy(other)).toEqual(NONE);
  });

  it('a function given the URL; one that throws means no headers, reported', async () => {
    instrumentation = instrumentHttp({
      propagateTraceHeaderUrls: (url) => {
        if (url.pathname === '/list') throw new Error('allow-list bug');
        return url.port === String(allowed.port);
      },
    });
    await callBoth();
    expect(traceparentsBy(allowed)).toEqual({ '/fetch': true, '/get': true, '/list': false });
    expect(traceparentsBy(other)).toEqual(NONE);
    expect(messages.some((message) => message.includes('allow-list bug'))).toBe(true);
  });

  it('an empty list: no destination gets them, every call is still traced', async () => {
    instrumentation = instrumentHttp({ propagateTraceHeaderUrls: [] });
    await callBoth();
    expect(traceparentsBy(allowed)).toEqual(NONE);
    expect(await clientSpanCount()).toBe(6);
    // The spans still form the trace: the client spans are children of the root.
    const spans = tracing.exporter.getFinishedSpans();
    const root = spans.find((span) => span.name === 'root');
    expect(
      spans.filter((span) => span.kind === SpanKind.CLIENT).every((span) => span.parentSpanContext?.spanId === root?.spanContext().spanId),
    ).toBe(true);
  });
});

describe('matchesUrlList (shared with the browser CORS list)', () => {
  it('matches an origin, a whole URL, or a RegExp over the whole URL; nothing else', () => {
    const url = new URL('https://api.example.com/items?id=1');
    expect(matchesUrlList(['https://api.example.com'], url)).toBe(true);
    expect(matchesUrlList(['https://api.example.com/items?id=1'], url)).toBe(true);
    expect(matchesUrlList(['https://api.example.com/items'], url)).toBe(false);
    expect(matchesUrlList(['api.example.com'], url)).toBe(false);
    expect(matchesUrlList([/example\.com\/items/], url)).toBe(true);
    expect(matchesUrlList([/^http:/], url)).toBe(false);
    expect(matchesUrlList([42 as unknown as string], url)).toBe(false);
  });
});

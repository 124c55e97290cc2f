import { context, diag, DiagLogLevel, propagation, ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import * as http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, type HttpInstrumentation } from '../../../../../src/index.js';
import {
  clientSpans,
  parseTraceparent,
  randomHex,
  send,
  serverSpans,
  settle,
  setUpTracing,
  startServer,
  tearDownTracing,
  traceparent,
  type TestServer,
  type Tracing,
} from './http-test-kit.js';

/**
 * A framework with its own request span (Next.js starts one through `@opentelemetry/api`) next to
 * otelite's HTTP server span; and a caller with its own client span (Next.js's fetch span) next to
 * otelite's client spans. The "framework" here is plain `@opentelemetry/api` code doing what Next.js does.
 */

let tracing: Tracing;
let instrumentation: HttpInstrumentation;
let downstream: TestServer;
const diagnostics: string[] = [];

beforeAll(async () => {
  tracing = setUpTracing();
  instrumentation = instrumentHttp();
  downstream = await startServer();
  diag.setLogger(
    {
      error: (message) => diagnostics.push(`error ${message}`),
      warn: (message) => diagnostics.push(`warn ${message}`),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
});

afterAll(async () => {
  diag.disable();
  instrumentation.disable();
  await downstream.close();
  tearDownTracing();
});

afterEach(() => {
  tracing.exporter.reset();
  downstream.requests.length = 0;
  diagnostics.length = 0;
});

const framework = () => trace.getTracer('framework');

describe("a framework's own SERVER span for the request", () => {
  it("is one span with otelite's: named by the route the framework sets after the response, its children below it", async () => {
    const traceId = randomHex(32);
    const parentSpanId = randomHex(16);
    let frameworkSpan: Span | undefined;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = await startServer((request, response) => {
      // As Next.js's BaseServer.handleRequest: a SERVER span, legacy attributes, the route set late.
      framework().startActiveSpan(
        'GET',
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.method': 'GET', 'http.target': request.url ?? '', 'next.span_type': 'handleRequest' },
        },
        (span) => {
          frameworkSpan = span;
          framework().startSpan('render route').end();
          response.end('ok');
          // The framework finishes its span only once the test has seen the response complete.
          void released.then(() => {
            span.setAttributes({ 'http.status_code': 200, 'http.route': '/items/[id]', 'next.route': '/items/[id]' });
            span.updateName('GET /items/[id]');
            span.end();
          });
        },
      );
    });
    try {
      await send(`${server.origin}/items/7?sig=abc`, { headers: { traceparent: traceparent(traceId, parentSpanId) } });
      // The response is complete, the framework's span is not: otelite's span waits for it.
      await settle(20);
      expect(serverSpans(tracing.exporter.getFinishedSpans())).toHaveLength(0);
      release();
      const spans = await tracing.spans((all) => serverSpans(all).length > 0);
      const [server1, ...others] = serverSpans(spans);
      expect(others).toHaveLength(0);
      expect(server1.name).toBe('GET /items/[id]');
      expect(server1.instrumentationScope.name).toBe('otelite/http');
      expect(server1.parentSpanContext?.spanId).toBe(parentSpanId);
      expect(server1.attributes['http.route']).toBe('/items/[id]');
      expect(server1.attributes['http.response.status_code']).toBe(200);
      expect(server1.attributes['url.query']).not.toContain('abc');
      expect(server1.attributes['next.span_type']).toBe('handleRequest');
      expect(server1.attributes['next.route']).toBe('/items/[id]');
      // Superseded legacy attributes are not copied: http.target would carry the unredacted query.
      expect(server1.attributes['http.target']).toBeUndefined();
      expect(server1.attributes['http.method']).toBeUndefined();
      expect(frameworkSpan?.spanContext().spanId).toBe(server1.spanContext().spanId);
      const render = spans.find((span) => span.name === 'render route');
      expect(render?.parentSpanContext?.spanId).toBe(server1.spanContext().spanId);
      expect(diagnostics).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('joins a second pass started under the remote parent the first pass published (Next.js after middleware)', async () => {
    const server = await startServer((request, response) => {
      framework().startActiveSpan('GET', { kind: SpanKind.SERVER }, (middlewarePass) => {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        middlewarePass.end();
        // The render pass continues the published trace context, from the root context.
        const published = propagation.extract(ROOT_CONTEXT, carrier);
        context.with(published, () => {
          framework().startActiveSpan('GET', { kind: SpanKind.SERVER }, (renderPass) => {
            renderPass.setAttribute('http.route', '/api/hello');
            response.end('ok');
            renderPass.end();
          });
        });
      });
    });
    try {
      await send(`${server.origin}/api/hello`);
      const spans = await tracing.spans((all) => serverSpans(all).length > 0);
      await settle(20);
      const servers = serverSpans(tracing.exporter.getFinishedSpans());
      expect(servers.map((span) => span.name)).toEqual(['GET /api/hello']);
      expect(spans.every((span) => span.instrumentationScope.name === 'otelite/http')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('takes the route a direct child reports (next.route) when the framework gives the request none (a 404 page)', async () => {
    const server = await startServer((_request, response) => {
      framework().startActiveSpan('GET', { kind: SpanKind.SERVER }, (span) => {
        framework()
          .startSpan('resolve page components', { attributes: { 'next.route': '/_not-found' } })
          .end();
        response.statusCode = 404;
        response.end();
        span.end();
      });
    });
    try {
      await send(`${server.origin}/nope`);
      const [span] = serverSpans(await tracing.spans((all) => serverSpans(all).length > 0));
      expect(span.name).toBe('GET /_not-found');
      expect(span.attributes['http.route']).toBe('/_not-found');
      expect(span.attributes['http.response.status_code']).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('ignores calls on the joined span after the request span ended, without reporting them', async () => {
    let late: Span | undefined;
    const server = await startServer((_request, response) => {
      framework().startActiveSpan('GET', { kind: SpanKind.SERVER }, (span) => {
        late = span;
        response.end();
        span.end();
      });
    });
    try {
      await send(`${server.origin}/`);
      await tracing.spans((all) => serverSpans(all).length > 0);
      late?.setAttribute('http.route', '/late');
      late?.setAttribute('x', 1);
      late?.end();
      expect(late?.isRecording()).toBe(false);
      await settle(20);
      const servers = serverSpans(tracing.exporter.getFinishedSpans());
      expect(servers).toHaveLength(1);
      expect(servers[0].attributes.x).toBeUndefined();
      expect(diagnostics).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("leaves a new request whose remote parent is a joined request's span a request of its own", async () => {
    const inner = await startServer();
    const outer = await startServer((_request, response) => {
      framework().startActiveSpan('GET', { kind: SpanKind.SERVER }, (span) => {
        // The request span's own context sent along by hand (no client span in between).
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        void send(`${inner.origin}/inner`, { headers }).then(() => {
          response.end();
          span.end();
        });
      });
    });
    try {
      await send(`${outer.origin}/outer`);
      const spans = await tracing.spans((all) => serverSpans(all).length >= 2);
      const servers = serverSpans(spans);
      expect(servers).toHaveLength(2);
      const outerSpan = servers.find((span) => span.attributes['url.path'] === '/outer');
      const innerSpan = servers.find((span) => span.attributes['url.path'] === '/inner');
      expect(innerSpan?.parentSpanContext?.spanId).toBe(outerSpan?.spanContext().spanId);
      expect(innerSpan?.spanContext().spanId).not.toBe(outerSpan?.spanContext().spanId);
    } finally {
      await outer.close();
      await inner.close();
    }
  });

  it('is a span of its own outside a traced request', async () => {
    framework().startSpan('GET /cron', { kind: SpanKind.SERVER }).end();
    const [span] = serverSpans(await tracing.spans());
    expect(span.name).toBe('GET /cron');
    expect(span.instrumentationScope.name).toBe('framework');
  });
});

describe("a caller's own CLIENT span for the call", () => {
  it('gets no second span from fetch; the trace headers are its own', async () => {
    await framework().startActiveSpan(
      'fetch GET',
      { kind: SpanKind.CLIENT, attributes: { 'http.url': `${downstream.origin}/inventory` } },
      async (span) => {
        await (await fetch(`${downstream.origin}/inventory`)).text();
        span.end();
      },
    );
    await tracing.spans((all) => clientSpans(all).length > 0);
    await settle(20);
    const clients = clientSpans(tracing.exporter.getFinishedSpans());
    expect(clients.map((span) => span.name)).toEqual(['fetch GET']);
    expect(parseTraceparent(downstream.requests[0]?.headers.traceparent)?.spanId).toBe(clients[0].spanContext().spanId);
  });

  it('gets no second span from node:http either', async () => {
    await framework().startActiveSpan('GET', { kind: SpanKind.CLIENT }, async (span) => {
      await new Promise<void>((resolve, reject) => {
        http.get(`${downstream.origin}/x`, (response) => response.resume().on('end', resolve)).on('error', reject);
      });
      span.end();
    });
    await settle(20);
    const clients = clientSpans(tracing.exporter.getFinishedSpans());
    expect(clients).toHaveLength(1);
    expect(parseTraceparent(downstream.requests[0]?.headers.traceparent)?.spanId).toBe(clients[0].spanContext().spanId);
  });

  it('is not taken for a call to another host: that call gets its own span', async () => {
    await framework().startActiveSpan(
      'GET',
      { kind: SpanKind.CLIENT, attributes: { 'url.full': 'http://elsewhere.invalid/' } },
      async (span) => {
        await (await fetch(`${downstream.origin}/other`)).text();
        span.end();
      },
    );
    const spans = await tracing.spans((all) => clientSpans(all).length >= 2);
    expect(clientSpans(spans)).toHaveLength(2);
  });
});

describe('requests marked as otelite exports (otelite-export header)', () => {
  it('get no client span when sent and no server span when received', async () => {
    const server = await startServer();
    try {
      const response = await fetch(`${server.origin}/v1/traces`, { method: 'POST', headers: { 'otelite-export': '1' }, body: 'x' });
      await response.text();
      await settle(30);
      expect(tracing.exporter.getFinishedSpans()).toEqual([]);
      // The same request without the mark is traced on both sides.
      await (await fetch(`${server.origin}/v1/traces`, { method: 'POST', body: 'x' })).text();
      const spans = await tracing.spans((all) => all.length >= 2);
      expect(spans.map((span) => span.kind).sort()).toEqual([SpanKind.SERVER, SpanKind.CLIENT].sort());
    } finally {
      await server.close();
    }
  });
});

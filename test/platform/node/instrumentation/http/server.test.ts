import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import * as http from 'node:http';
import * as net from 'node:net';
import { getRPCMetadata, RPCType, type RPCMetadata } from '@opentelemetry/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, setHttpRoute, type HttpInstrumentation } from '../../../../../src/index.js';
import {
  clientSpans,
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

let tracing: Tracing;
let instrumentation: HttpInstrumentation;
let downstream: TestServer;

beforeAll(async () => {
  tracing = setUpTracing();
  instrumentation = instrumentHttp({
    ignoreIncomingRequest: (request) => request.url === '/health',
    captureRequestHeaders: ['X-Request-Id', 'x-multi'],
    captureResponseHeaders: ['Content-Type'],
  });
  downstream = await startServer();
});

afterAll(async () => {
  instrumentation.disable();
  await downstream.close();
  tearDownTracing();
});

afterEach(() => {
  tracing.exporter.reset();
  downstream.requests.length = 0;
});

describe('server spans', () => {
  it('record the stable HTTP attributes of a request', async () => {
    const server = await startServer((_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.setHeader('x-secret', 'no');
      response.end('hello');
    });
    try {
      await send(`${server.origin}/items/7?color=red&sig=abc`, {
        headers: { 'user-agent': 'probe/1', 'x-request-id': 'r-1', authorization: 'Bearer secret' },
      });
      const [span] = serverSpans(await tracing.spans());
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(span.name).toBe('GET');
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.instrumentationScope.name).toBe('otelite/http');
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'url.path': '/items/7',
        'url.query': 'color=red&sig=REDACTED',
        'network.protocol.version': '1.1',
        'server.address': '127.0.0.1',
        'server.port': server.port,
        'client.address': '127.0.0.1',
        'user_agent.original': 'probe/1',
        'http.request.header.x-request-id': ['r-1'],
        'http.response.status_code': 200,
        'http.response.header.content-type': ['text/plain'],
      });
    } finally {
      await server.close();
    }
  });

  it('continue an incoming traceparent: same trace, the caller as parent, flags kept', async () => {
    const server = await startServer();
    try {
      const traceId = randomHex(32);
      const parentId = randomHex(16);
      await send(`${server.origin}/`, { headers: { traceparent: traceparent(traceId, parentId, '01'), tracestate: 'vendor=1' } });
      const [span] = serverSpans(await tracing.spans());
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.spanContext().traceFlags).toBe(1);
      expect(span.spanContext().traceState?.get('vendor')).toBe('1');
      expect(span.parentSpanContext?.spanId).toBe(parentId);
      expect(span.parentSpanContext?.isRemote).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('run the handler with the span active: its fetch and http.get are children carrying traceparent', async () => {
    const server = await startServer((_request, response) => {
      void (async () => {
        await settle(5);
        const fetched = await fetch(`${downstream.origin}/by-fetch`);
        await fetched.text();
        await new Promise<void>((resolve) => http.get(`${downstream.origin}/by-get`, (res) => res.resume().on('end', resolve)));
        response.end('done');
      })();
    });
    try {
      const traceId = randomHex(32);
      await send(`${server.origin}/work`, { headers: { traceparent: traceparent(traceId, randomHex(16)) } });
      const spans = await tracing.spans((all) => all.length >= 5);
      const serverSpan = serverSpans(spans).find((span) => span.attributes['url.path'] === '/work')!;
      const clients = clientSpans(spans);
      expect(clients).toHaveLength(2);
      for (const client of clients) {
        expect(client.spanContext().traceId).toBe(traceId);
        expect(client.parentSpanContext?.spanId).toBe(serverSpan.spanContext().spanId);
      }
      expect(downstream.requests.map((request) => request.url)).toEqual(['/by-fetch', '/by-get']);
      for (const request of downstream.requests) {
        const client = clients.find((span) => (span.attributes['url.full'] as string).endsWith(request.url))!;
        expect(request.headers.traceparent).toBe(traceparent(traceId, client.spanContext().spanId, '01'));
        // The downstream server is instrumented too: its span continues the client's.
        const downstreamSpan = serverSpans(spans).find((span) => span.attributes['url.path'] === request.url)!;
        expect(downstreamSpan.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
      }
    } finally {
      await server.close();
    }
  });

  it('never mix the contexts of 100 concurrent requests', async () => {
    const server = await startServer((request, response) => {
      void (async () => {
        await settle(Math.floor(Math.random() * 20));
        const useFetch = request.url!.endsWith('/fetch');
        const target = `${downstream.origin}/from?caller=${request.headers['x-caller']}`;
        if (useFetch) {
          await (await fetch(target)).text();
        } else {
          await new Promise<void>((resolve) => http.get(target, (res) => res.resume().on('end', resolve)));
        }
        await settle(Math.floor(Math.random() * 5));
        response.end(trace.getSpan(context.active())?.spanContext().traceId ?? 'none');
      })();
    });
    try {
      const traceIds = Array.from({ length: 100 }, () => randomHex(32));
      const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
      const answers = await Promise.all(
        traceIds.map((traceId, index) =>
          send(`${server.origin}/${index}/${index % 2 === 0 ? 'fetch' : 'get'}`, {
            agent,
            headers: { traceparent: traceparent(traceId, randomHex(16)), 'x-caller': traceId },
          }),
        ),
      );
      agent.destroy();
      expect(answers.map((answer) => answer.body)).toEqual(traceIds);
      expect(downstream.requests).toHaveLength(100);
      for (const request of downstream.requests) {
        const caller = new URL(request.url, downstream.origin).searchParams.get('caller');
        expect(String(request.headers.traceparent).split('-')[1]).toBe(caller);
      }
      const spans = await tracing.spans((all) => all.length >= 300);
      const servers = new Map(
        serverSpans(spans)
          .filter((span) => span.attributes['server.port'] === server.port)
          .map((span) => [span.spanContext().spanId, span]),
      );
      expect(servers.size).toBe(100);
      const clients = clientSpans(spans);
      expect(clients).toHaveLength(100);
      for (const client of clients) {
        const parent = servers.get(client.parentSpanContext!.spanId)!;
        expect(parent.spanContext().traceId).toBe(client.spanContext().traceId);
        expect(client.attributes['url.full']).toContain(`caller=${client.spanContext().traceId}`);
      }
    } finally {
      await server.close();
    }
  });

  it('end with status Error when the client aborts before the response finished', async () => {
    let closed!: () => void;
    const requestClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await startServer((request, response) => {
      response.writeHead(200);
      response.write('partial');
      request.on('close', () => closed());
    });
    try {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.write('GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      socket.once('data', () => socket.destroy());
      await requestClosed;
      const [span] = serverSpans(await tracing.spans());
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('aborted');
      expect(span.attributes['http.response.status_code']).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('record network.protocol.version as the HTTP version of the request: 1.0 and 1.1', async () => {
    const server = await startServer((_request, response) => response.end('ok'));
    try {
      for (const version of ['1.0', '1.1']) {
        const socket = net.connect(server.port, '127.0.0.1');
        socket.write(`GET /v${version} HTTP/${version}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        socket.resume();
        await new Promise((resolve) => socket.once('close', resolve));
      }
      const spans = serverSpans(await tracing.spans((all) => all.length >= 2));
      expect(spans.find((span) => span.attributes['url.path'] === '/v1.0')?.attributes['network.protocol.version']).toBe('1.0');
      expect(spans.find((span) => span.attributes['url.path'] === '/v1.1')?.attributes['network.protocol.version']).toBe('1.1');
    } finally {
      await server.close();
    }
  });

  it('leave 4xx unset and mark 5xx as Error', async () => {
    const server = await startServer((request, response) => {
      response.statusCode = request.url === '/missing' ? 404 : 500;
      response.end();
    });
    try {
      await send(`${server.origin}/missing`);
      await send(`${server.origin}/broken`);
      const spans = serverSpans(await tracing.spans((all) => all.length >= 2));
      const missing = spans.find((span) => span.attributes['url.path'] === '/missing')!;
      const broken = spans.find((span) => span.attributes['url.path'] === '/broken')!;
      expect(missing.attributes['http.response.status_code']).toBe(404);
      expect(missing.status.code).toBe(SpanStatusCode.UNSET);
      expect(missing.attributes['error.type']).toBeUndefined();
      expect(broken.attributes['http.response.status_code']).toBe(500);
      expect(broken.status.code).toBe(SpanStatusCode.ERROR);
      expect(broken.attributes['error.type']).toBe('500');
    } finally {
      await server.close();
    }
  });

  it('take the route from setHttpRoute, also when called after an await', async () => {
    const server = await startServer((_request, response) => {
      void (async () => {
        await settle(2);
        setHttpRoute('/users/:id');
        response.end();
      })();
    });
    try {
      await send(`${server.origin}/users/42`, { method: 'POST' });
      const [span] = serverSpans(await tracing.spans());
      expect(span.name).toBe('POST /users/:id');
      expect(span.attributes['http.route']).toBe('/users/:id');
      setHttpRoute('/outside'); // no request: nothing happens
    } finally {
      await server.close();
    }
  });

  it("carry opentelemetry-js's RPC metadata, whose route names the span when it ends", async () => {
    let seen: RPCMetadata | undefined;
    const server = await startServer((_request, response) => {
      // What framework instrumentations (Express, Fastify, Koa, Hapi) do with @opentelemetry/core.
      seen = getRPCMetadata(context.active());
      if (seen?.type === RPCType.HTTP) seen.route = '/users/:id';
      response.end();
    });
    try {
      await send(`${server.origin}/users/42`);
      const [span] = serverSpans(await tracing.spans());
      expect(seen?.type).toBe(RPCType.HTTP);
      expect(seen?.span.spanContext().spanId).toBe(span.spanContext().spanId);
      expect(span.name).toBe('GET /users/:id');
      expect(span.attributes['http.route']).toBe('/users/:id');
    } finally {
      await server.close();
    }
  });

  it('name requests with unknown methods HTTP and record the original method', async () => {
    const server = await startServer();
    try {
      await send(`${server.origin}/cache`, { method: 'PURGE' });
      const [span] = serverSpans(await tracing.spans());
      expect(span.name).toBe('HTTP');
      expect(span.attributes['http.request.method']).toBe('_OTHER');
      expect(span.attributes['http.request.method_original']).toBe('PURGE');
    } finally {
      await server.close();
    }
  });

  it('record multi-valued captured headers as arrays and skip unlisted ones', async () => {
    const server = await startServer();
    try {
      await send(`${server.origin}/`, { headers: { 'x-multi': ['a', 'b'], 'x-other': 'no' } });
      const [span] = serverSpans(await tracing.spans());
      expect(span.attributes['http.request.header.x-multi']).toEqual(['a, b']);
      expect(Object.keys(span.attributes).filter((key) => key.includes('x-other'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('skip ignored requests, whose handlers run in the root context even on a reused socket', async () => {
    const seen: Array<string | undefined> = [];
    const server = await startServer((_request, response) => {
      seen.push(trace.getSpan(context.active())?.spanContext().spanId);
      response.end();
    });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      await send(`${server.origin}/traced`, { agent });
      await send(`${server.origin}/health`, { agent });
      agent.destroy();
      const spans = serverSpans(await tracing.spans());
      await settle(20);
      expect(serverSpans(tracing.exporter.getFinishedSpans())).toHaveLength(1);
      expect(spans[0].attributes['url.path']).toBe('/traced');
      expect(seen[0]).toBe(spans[0].spanContext().spanId);
      expect(seen[1]).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('return the same handle when instrumentHttp is called again', () => {
    expect(instrumentHttp()).toBe(instrumentation);
  });
});

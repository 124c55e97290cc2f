import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, setHttpRoute, traceHandler } from '../../../../../src/index.js';
import {
  randomHex,
  send,
  serverSpans,
  settle,
  setUpTracing,
  startServer,
  tearDownTracing,
  traceparent,
  type Tracing,
} from './http-test-kit.js';

let tracing: Tracing;

beforeAll(() => {
  tracing = setUpTracing();
});

afterAll(() => tearDownTracing());

afterEach(() => tracing.exporter.reset());

/** The span id active in the handler, before and after an await, as the response body. */
const reportActiveSpan = traceHandler((_request, response) => {
  const before = trace.getSpan(context.active())?.spanContext().spanId;
  void settle(2).then(() => {
    setHttpRoute('/report');
    response.end(`${before} ${trace.getSpan(context.active())?.spanContext().spanId}`);
  });
});

describe('traceHandler', () => {
  it('traces requests without instrumentHttp: one server span, active in the handler across awaits', async () => {
    const server = await startServer(reportActiveSpan);
    try {
      const traceId = randomHex(32);
      const parentId = randomHex(16);
      const { body } = await send(`${server.origin}/x`, { headers: { traceparent: traceparent(traceId, parentId) } });
      const spans = serverSpans(await tracing.spans());
      expect(spans).toHaveLength(1);
      const [span] = spans;
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(span.name).toBe('GET /report');
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(parentId);
      expect(span.attributes['http.response.status_code']).toBe(200);
      const spanId = span.spanContext().spanId;
      expect(body).toBe(`${spanId} ${spanId}`);
    } finally {
      await server.close();
    }
  });

  it('ends the span with Error when the client goes away, without instrumentHttp', async () => {
    let closed!: () => void;
    const requestClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await startServer(
      traceHandler((request, response) => {
        response.writeHead(200);
        response.write('partial');
        request.on('close', () => closed());
      }),
    );
    try {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.write('GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      socket.once('data', () => socket.destroy());
      await requestClosed;
      const [span] = serverSpans(await tracing.spans());
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('aborted');
    } finally {
      await server.close();
    }
  });

  it('does not trace twice when instrumentHttp is enabled, and respects its ignore predicate', async () => {
    const instrumentation = instrumentHttp({ ignoreIncomingRequest: (request) => request.url === '/health' });
    const server = await startServer(reportActiveSpan);
    try {
      const { body } = await send(`${server.origin}/x`);
      const spans = serverSpans(await tracing.spans());
      await settle(20);
      expect(serverSpans(tracing.exporter.getFinishedSpans())).toHaveLength(1);
      const spanId = spans[0].spanContext().spanId;
      expect(body).toBe(`${spanId} ${spanId}`);
      expect(spans[0].name).toBe('GET /report');

      tracing.exporter.reset();
      const health = await send(`${server.origin}/health`);
      await settle(20);
      expect(tracing.exporter.getFinishedSpans()).toHaveLength(0);
      expect(health.body).toBe('undefined undefined');
    } finally {
      instrumentation.disable();
      await server.close();
    }
  });
});

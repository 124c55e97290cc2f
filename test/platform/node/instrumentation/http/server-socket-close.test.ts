import { context, createContextKey, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { instrumentHttp } from '../../../../../src/index.js';
import { serverSpans, startServer, useInstrumentedTracing } from './http-test-kit.js';

// A server span ends with its response's finish (the channel), or, when the response never finishes,
// with its socket's 'close' (one listener per socket, shared by the requests of a keep-alive connection).

const suite = useInstrumentedTracing();

/** A raw client connection that collects what it receives. */
function connect(port: number): { socket: net.Socket; received: () => string; waitFor: (text: string) => Promise<void> } {
  const socket = net.connect(port, '127.0.0.1');
  let data = '';
  const waiters: Array<() => void> = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
    for (const waiter of waiters.splice(0)) waiter();
  });
  const waitFor = async (text: string): Promise<void> => {
    while (!data.includes(text)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { socket, received: () => data, waitFor };
}

describe('server spans on a socket that closes', () => {
  it('end an aborted request as aborted on a keep-alive socket whose earlier request finished normally', async () => {
    let closed!: () => void;
    const requestClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await startServer((request, response) => {
      if (request.url === '/fast') {
        response.end('fast-done');
        return;
      }
      response.writeHead(200);
      response.write('partial');
      request.on('close', () => closed());
    });
    try {
      const client = connect(server.port);
      client.socket.write('GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await client.waitFor('fast-done');
      await suite.tracing.spans((spans) => serverSpans(spans).length === 1);
      client.socket.write('GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await client.waitFor('partial');
      client.socket.destroy();
      await requestClosed;
      const spans = serverSpans(await suite.tracing.spans((s) => serverSpans(s).length === 2));
      const fast = spans.find((span) => span.attributes['url.path'] === '/fast');
      const slow = spans.find((span) => span.attributes['url.path'] === '/slow');
      expect(fast?.status.code).toBe(SpanStatusCode.UNSET);
      expect(fast?.attributes['error.type']).toBeUndefined();
      expect(slow?.status.code).toBe(SpanStatusCode.ERROR);
      expect(slow?.attributes['error.type']).toBe('aborted');
      expect(slow?.attributes['http.response.status_code']).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('end both pipelined requests when the socket closes before either response finished', async () => {
    let handled = 0;
    let bothHandled!: () => void;
    const handledBoth = new Promise<void>((resolve) => (bothHandled = resolve));
    const server = await startServer((request, response) => {
      if (request.url === '/first') {
        response.writeHead(200);
        response.write('first-partial');
      } else {
        // Queued behind the first response: Node holds it until the first one finishes.
        response.writeHead(201);
        response.end('second');
      }
      if (++handled === 2) bothHandled();
    });
    try {
      const client = connect(server.port);
      client.socket.write('GET /first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await handledBoth;
      await client.waitFor('first-partial');
      client.socket.destroy();
      const spans = serverSpans(await suite.tracing.spans((s) => serverSpans(s).length === 2));
      expect(client.received()).not.toContain('second');
      for (const path of ['/first', '/second']) {
        const span = spans.find((candidate) => candidate.attributes['url.path'] === path);
        expect(span?.status.code).toBe(SpanStatusCode.ERROR);
        expect(span?.attributes['error.type']).toBe('aborted');
      }
    } finally {
      await server.close();
    }
  });

  it('end a request in flight when the instrumentation is disabled once it finishes, and watch the socket again once enabled', async () => {
    let finish!: () => void;
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let closed!: () => void;
    const requestClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await startServer((request, response) => {
      response.writeHead(200);
      if (request.url === '/in-flight') {
        response.write('started');
        finish = () => response.end('done');
        started();
      } else {
        response.write('partial');
        request.on('close', () => closed());
      }
    });
    try {
      const client = connect(server.port);
      client.socket.write('GET /in-flight HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await handlerStarted;
      suite.instrumentation.disable();
      finish();
      await client.waitFor('done');
      const [span] = serverSpans(await suite.tracing.spans());
      expect(span?.attributes['url.path']).toBe('/in-flight');
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
      expect(span?.attributes['http.response.status_code']).toBe(200);
      // Enabled again: the same keep-alive socket's next request ends as aborted when the socket closes.
      suite.instrumentation = instrumentHttp();
      client.socket.write('GET /after HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await client.waitFor('partial');
      client.socket.destroy();
      await requestClosed;
      const after = serverSpans(await suite.tracing.spans((s) => serverSpans(s).length === 2)).find(
        (candidate) => candidate.attributes['url.path'] === '/after',
      );
      expect(after?.status.code).toBe(SpanStatusCode.ERROR);
      expect(after?.attributes['error.type']).toBe('aborted');
    } finally {
      suite.instrumentation = instrumentHttp();
      await server.close();
    }
  });
});

describe("a recording request's handler context", () => {
  it('holds the server span and the RPC metadata, and derives contexts like any other', async () => {
    const key = createContextKey('test key');
    let seen:
      | {
          handler: Context;
          spanId?: string;
          rpc?: unknown;
          derived?: unknown;
          withoutSpan?: unknown;
          rpcKept?: unknown;
          keyDeleted?: unknown;
        }
      | undefined;
    const server = await startServer((_request, response) => {
      const handler = context.active();
      const other = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
      const withOther = trace.setSpan(handler, other).setValue(key, 'value');
      const withoutSpan = trace.deleteSpan(handler);
      seen = {
        handler,
        spanId: trace.getSpan(handler)?.spanContext().spanId,
        rpc: getRPCMetadata(handler)?.type,
        derived: [trace.getSpan(withOther)?.spanContext().spanId, withOther.getValue(key), handler.getValue(key)],
        withoutSpan: trace.getSpan(withoutSpan),
        rpcKept: getRPCMetadata(withoutSpan)?.type,
        keyDeleted: [withOther.deleteValue(key).getValue(key), trace.getSpan(withOther.deleteValue(key))?.spanContext().spanId],
      };
      response.end('ok');
    });
    try {
      const client = connect(server.port);
      client.socket.write('GET /context HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await client.waitFor('ok');
      const [span] = serverSpans(await suite.tracing.spans());
      expect(seen?.spanId).toBe(span.spanContext().spanId);
      expect(seen?.rpc).toBe(RPCType.HTTP);
      expect(seen?.derived).toEqual(['2'.repeat(16), 'value', undefined]);
      expect(seen?.withoutSpan).toBeUndefined();
      expect(seen?.rpcKept).toBe(RPCType.HTTP);
      expect(seen?.keyDeleted).toEqual([undefined, '2'.repeat(16)]);
      client.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

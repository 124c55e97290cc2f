// When a server span ends: when the application's end() handed the response to the socket, not when a
// later event-loop turn sees Node's 'finish'. Each handler keeps its event loop busy right after end();
// a span it starts after that wait must not start before the server span ended. (The two-process
// proof, against the caller's CLIENT span, is test/e2e/server-span-end.test.ts.)
import { trace } from '@opentelemetry/api';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { FinishedSpan } from '../../../../../src/index.js';
import { selfSignedCertificate } from '../../../../support/self-signed-certificate.js';
import { serverSpans, useInstrumentedTracing } from './http-test-kit.js';

/** How long each handler blocks its event loop after end(). Not asserted on: only ordering is. */
const BUSY_AFTER_END_MILLIS = 20;

const suite = useInstrumentedTracing();

function busy(millis: number): void {
  const until = performance.now() + millis;
  while (performance.now() < until) {
    // the event loop is blocked, as under load
  }
}

/** The handler: answers, blocks the loop, then records a span that starts after the wait. */
function busyAfterEnd(request: http.IncomingMessage, response: http.ServerResponse): void {
  response.end(`answer to ${request.url}`);
  busy(BUSY_AFTER_END_MILLIS);
  trace.getTracer('test').startSpan(`after the wait ${request.url}`).end();
}

const nanos = (span: FinishedSpan, which: 'startTime' | 'endTime'): bigint =>
  BigInt(span[which][0]) * 1_000_000_000n + BigInt(span[which][1]);

/** Every request's server span ended no later than its handler's after-the-wait span started. */
async function expectEndedAtEnd(paths: string[]): Promise<void> {
  const spans = await suite.tracing.spans((all) => all.length >= paths.length * 2);
  const servers = serverSpans(spans);
  expect(servers).toHaveLength(paths.length);
  for (const path of paths) {
    const server = servers.find((span) => span.attributes['url.path'] === path);
    const after = spans.find((span) => span.name === `after the wait ${path}`);
    expect(server?.attributes['http.response.status_code']).toBe(200);
    expect(nanos(server as FinishedSpan, 'endTime') <= nanos(after as FinishedSpan, 'startTime'), path).toBe(true);
  }
}

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function get(module: typeof http | typeof https, url: string, agent: http.Agent): Promise<{ body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    module
      .get(url, { agent, rejectUnauthorized: false } as https.RequestOptions, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ body, socket: response.socket }));
      })
      .on('error', reject);
  });
}

describe('server spans end when the response ended', () => {
  it('node:http, a new connection per request', async () => {
    const server = http.createServer(busyAfterEnd);
    const port = await listen(server);
    const agent = new http.Agent({ keepAlive: false });
    try {
      const paths = ['/a', '/b', '/c'];
      for (const path of paths) expect((await get(http, `http://127.0.0.1:${port}${path}`, agent)).body).toBe(`answer to ${path}`);
      await expectEndedAtEnd(paths);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('node:http with HTTP/1.1 keep-alive: several requests on one connection', async () => {
    const server = http.createServer(busyAfterEnd);
    let connections = 0;
    server.on('connection', () => connections++);
    const port = await listen(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const paths = ['/k1', '/k2', '/k3', '/k4'];
      const sockets = new Set<unknown>();
      for (const path of paths) sockets.add((await get(http, `http://127.0.0.1:${port}${path}`, agent)).socket);
      expect(sockets.size).toBe(1);
      expect(connections).toBe(1);
      await expectEndedAtEnd(paths);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('responses of a subclass with an end() of its own, and with a per-response end(), between plain ones', async () => {
    class OwnEndResponse extends http.ServerResponse {
      override end(...args: unknown[]): this {
        return (http.ServerResponse.prototype.end as (...a: unknown[]) => this).apply(this, args);
      }
    }
    const plain = http.createServer(busyAfterEnd);
    const subclassed = http.createServer({ ServerResponse: OwnEndResponse as typeof http.ServerResponse }, busyAfterEnd);
    const perResponse = http.createServer((request, response) => {
      const end = response.end;
      response.end = function (this: http.ServerResponse, ...args: unknown[]) {
        return (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
      } as typeof response.end;
      busyAfterEnd(request, response);
    });
    const servers = [plain, subclassed, perResponse];
    const ports = await Promise.all(servers.map(listen));
    const agent = new http.Agent({ keepAlive: false });
    try {
      const targets: Array<[number, string]> = [
        [ports[0], '/plain1'],
        [ports[1], '/subclassed1'],
        [ports[0], '/plain2'],
        [ports[2], '/per-response'],
        [ports[1], '/subclassed2'],
        [ports[0], '/plain3'],
      ];
      for (const [port, path] of targets)
        expect((await get(http, `http://127.0.0.1:${port}${path}`, agent)).body).toBe(`answer to ${path}`);
      await expectEndedAtEnd(targets.map(([, path]) => path));
    } finally {
      agent.destroy();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it('node:https, with keep-alive', async () => {
    const server = https.createServer(selfSignedCertificate(), busyAfterEnd);
    const port = await listen(server);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const paths = ['/s1', '/s2'];
      for (const path of paths) expect((await get(https, `https://127.0.0.1:${port}${path}`, agent)).body).toBe(`answer to ${path}`);
      await expectEndedAtEnd(paths);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an aborted request still ends when the response closes, as before (with error.type aborted)', async () => {
    const server = http.createServer((_request, response) => {
      response.write('partial');
      response.on('close', () => trace.getTracer('test').startSpan('response closed').end());
    });
    const port = await listen(server);
    try {
      const request = http.get(`http://127.0.0.1:${port}/aborted`);
      request.on('error', () => {});
      request.on('response', (response) => {
        response.once('data', () => {
          trace.getTracer('test').startSpan('client aborts').end();
          request.destroy();
        });
      });
      const spans = await suite.tracing.spans((all) => all.length >= 3);
      const [serverSpan] = serverSpans(spans);
      expect(serverSpan?.attributes['error.type']).toBe('aborted');
      const aborts = spans.find((span) => span.name === 'client aborts') as FinishedSpan;
      // Ended at the close, after the client went away: not at some earlier moment of the response.
      expect(nanos(serverSpan as FinishedSpan, 'endTime') >= nanos(aborts, 'endTime')).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

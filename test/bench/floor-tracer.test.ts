// The floor tracer (bench/experiments/floor-tracer.cjs) is the yardstick issue 26's main-thread target
// is measured against: it must write, for the same request, the span otelite's `init()` writes. Both run
// in this process on the same server, so every request gets one span from each; the two exports are
// decoded with the generated schema and compared field by field (ids and times differ by nature).

import { fromBinary } from '@bufbuild/protobuf';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { ExportTraceServiceRequestSchema } from '../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { Span as ProtoSpan } from '../../gen/opentelemetry/proto/trace/v1/trace_pb.js';
import { init, type OteliteSdk } from '../../src/index.js';

const { installFloorTracer } = createRequire(import.meta.url)('../../bench/experiments/floor-tracer.cjs') as {
  installFloorTracer(options: {
    endpoint: string;
    resourceAttributes: Record<string, string | number>;
    scope: { name: string; version: string };
  }): Promise<() => Promise<{ spans: number }>>;
};

const servers: Server[] = [];
let sdk: OteliteSdk | undefined;
afterAll(async () => {
  await sdk?.shutdown();
  for (const server of servers) server.close();
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** One raw HTTP/1.1 request on its own connection (no HTTP client, so nothing traces the client side). */
async function rawRequest(port: number, head: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.end(`${head}\r\nConnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('latin1');
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

it('writes the same span as otelite for the same request', async () => {
  const bodies: { path: string; body: Buffer }[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-length': 0 }).end();
    });
  });
  const receiverPort = await listen(receiver);
  const resourceAttributes = { 'service.name': 'floor-check', 'service.version': '1.0.0' };
  // otelite exports to /otelite/v1/traces, the floor to /v1/traces: the paths tell the bodies apart.
  sdk = init({
    endpoint: `http://127.0.0.1:${receiverPort}/otelite`,
    resourceAttributes,
    shutdownHooks: false,
    // The floor exports with node:http: its requests are not what is compared.
    instrumentations: { http: { ignoreOutgoingRequest: () => true } },
  });
  const flushFloor = await installFloorTracer({
    endpoint: `http://127.0.0.1:${receiverPort}`,
    resourceAttributes,
    scope: { name: 'otelite/http', version: '0.1.0' },
  });
  const server = createServer((request, response) => {
    response.writeHead(request.url?.startsWith('/missing') ? 404 : 200, { 'content-type': 'text/plain' });
    response.end('hello');
  });
  const port = await listen(server);
  const requests = [
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}`,
    `POST /orders/42?page=2 HTTP/1.1\r\nHost: localhost:${port}\r\nUser-Agent: check/1.0 (caf\u00e9)\r\nContent-Length: 0`,
    `GET /missing/caf%C3%A9 HTTP/1.1\r\nHost: 127.0.0.1:${port}`,
    `GET /child HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ntraceparent: 00-${TRACE_ID}-00f067aa0ba902b7-01`,
  ];
  for (const head of requests) expect(await rawRequest(port, head)).toMatch(/^HTTP\/1\.1 (200|404)/);
  await sdk.forceFlush();
  // The floor traces every server of the process, the receiver too (otelite's export request to it).
  expect((await flushFloor()).spans).toBeGreaterThanOrEqual(requests.length);

  const spansOf = (path: string): ProtoSpan[] =>
    bodies
      .filter((b) => b.path === path && b.body.length > 0)
      .flatMap((b) => fromBinary(ExportTraceServiceRequestSchema, b.body).resourceSpans)
      .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const byPath = (spans: ProtoSpan[]) =>
    new Map(
      spans
        .map((s) => [s.attributes.find((a) => a.key === 'url.path')?.value?.value.value, s] as const)
        .filter(([path]) => typeof path === 'string' && !path.endsWith('/v1/traces')),
    );
  const otelite = byPath(spansOf('/otelite/v1/traces'));
  const floor = byPath(spansOf('/v1/traces'));
  expect([...otelite.keys()].sort()).toEqual(['/', '/child', '/missing/caf%C3%A9', '/orders/42'].sort());
  expect([...floor.keys()].sort()).toEqual([...otelite.keys()].sort());
  for (const [path, expected] of otelite) {
    const actual = floor.get(path) as ProtoSpan;
    const comparable = (span: ProtoSpan) => ({
      name: span.name,
      kind: span.kind,
      parent: Buffer.from(span.parentSpanId).toString('hex'),
      childOf: span.parentSpanId.length > 0 ? Buffer.from(span.traceId).toString('hex') : undefined,
      flags: span.flags,
      status: span.status,
      attributes: span.attributes.map((a) => [a.key, a.value?.value]),
      idLengths: [span.traceId.length, span.spanId.length],
      positive: span.endTimeUnixNano >= span.startTimeUnixNano && span.startTimeUnixNano > 1_700_000_000_000_000_000n,
    });
    expect(comparable(actual)).toEqual(comparable(expected));
  }
});

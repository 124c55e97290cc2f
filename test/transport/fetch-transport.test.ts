import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFetchTransport,
  ExportResultCode,
  InMemorySpanExporter,
  OTLPTraceExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '../../src/index.js';
import { USER_AGENT } from '../../src/transport/http-transport.js';
import { decodeExportRequest } from '../../src/platform/node/receiver/index.js';

/** What one request to the collector carried. */
interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A plain collector on 127.0.0.1 that records each request as sent and answers with `answer`. */
async function startCollector(answer: (response: ServerResponse) => void = (response) => response.writeHead(200).end()) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** Two finished spans, as a processor would hand them to the exporter. */
function finishedSpans() {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('fetch-transport-test');
  tracer.startSpan('first').end();
  tracer.startSpan('second', { attributes: { 'payload.text': 'x'.repeat(4000) } }).end();
  return memory.getFinishedSpans();
}

describe('createFetchTransport (the exporter over the web-standard fetch)', () => {
  it('sends gzip through CompressionStream: the collector inflates real gzip into the same spans', async () => {
    const collector = await startCollector();
    const exporter = new OTLPTraceExporter({
      url: collector.url,
      compression: 'gzip',
      transport: (options) => createFetchTransport(options),
    });
    const spans = finishedSpans();

    const result = await exporter.export(spans);

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(collector.received).toHaveLength(1);
    const [request] = collector.received;
    expect(request!.headers['content-encoding']).toBe('gzip');
    expect(request!.headers['content-type']).toBe('application/x-protobuf');
    expect(request!.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const decoded = decodeExportRequest(gunzipSync(request!.body), 'protobuf');
    const names = decoded.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)));
    expect(names).toEqual(['first', 'second']);
    // 4 000 repeated characters compress: the body on the wire is far smaller than the span data.
    expect(request!.body.length).toBeLessThan(1000);
    await exporter.shutdown();
  });

  it('sends JSON uncompressed when asked, with the user agent and no content-encoding', async () => {
    const collector = await startCollector();
    const exporter = new OTLPTraceExporter({
      url: collector.url,
      protocol: 'http/json',
      transport: (options) => createFetchTransport(options),
    });

    expect((await exporter.export(finishedSpans())).code).toBe(ExportResultCode.SUCCESS);

    const [request] = collector.received;
    expect(request!.headers['content-encoding']).toBeUndefined();
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toBe(USER_AGENT);
    const names = decodeExportRequest(request!.body, 'json').resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)),
    );
    expect(names).toEqual(['first', 'second']);
    await exporter.shutdown();
  });

  it('a collector that refuses with 400 fails the export without a retry, and the failure is a result, not a throw', async () => {
    const collector = await startCollector((response) => response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request'));
    const exporter = new OTLPTraceExporter({ url: collector.url, transport: (options) => createFetchTransport(options) });

    const result = await exporter.export(finishedSpans());

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(collector.received).toHaveLength(1);
    await exporter.shutdown();
  });

  it('retries a request that fetch rejected without a response (the socket closed unanswered), then succeeds', async () => {
    let connections = 0;
    const received: Buffer[] = [];
    const server: Server = createServer((request, response) => {
      connections += 1;
      // The first request is dropped without an answer: fetch rejects with a TypeError, as a browser's
      // "Failed to fetch" does when the collector is unreachable.
      if (connections === 1) {
        request.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(Buffer.concat(chunks));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const exporter = new OTLPTraceExporter({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
      retry: { initialBackoffMillis: 10, maxBackoffMillis: 10 },
      transport: (options) => createFetchTransport(options),
    });

    const result = await exporter.export(finishedSpans());

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(connections).toBe(2);
    expect(received).toHaveLength(1);
    const names = decodeExportRequest(received[0] as Buffer, 'protobuf').resourceSpans.flatMap((resourceSpans) =>
      resourceSpans.scopeSpans.flatMap((scopeSpans) => scopeSpans.spans.map((span) => span.name)),
    );
    expect(names).toEqual(['first', 'second']);
    await exporter.shutdown();
  });
});

import { context } from '@opentelemetry/api';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTracingSuppressed } from '../../../src/context/suppress-tracing.js';
import { isExporterRequest } from '../../../src/transport/exporter-requests.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  normalizeHeaders,
  USER_AGENT,
  type HttpTransport,
  type HttpTransportOptions,
  type RequestProgress,
} from '../../../src/transport/http-transport.js';
import { createHttpTransport } from '../../../src/platform/node/http-transport.js';
import { VERSION } from '../../../src/version.js';
import { encodeStatus, startOtlpTestReceiver, type OtlpTestReceiver } from '../../export/otlp/otlp-test-receiver.js';
import { selfSignedCertificate } from '../../support/self-signed-certificate.js';

// An empty ExportTraceServiceRequest is a valid protobuf body: zero bytes. A non-empty raw body:
// field 1 (resource_spans), length 0 → one empty ResourceSpans.
const PAYLOAD = new Uint8Array([0x0a, 0x00]);

let receiver: OtlpTestReceiver;
let transports: HttpTransport[];

beforeEach(async () => {
  receiver = await startOtlpTestReceiver();
  transports = [];
});

afterEach(async () => {
  for (const transport of transports) transport.close();
  await receiver.close();
});

function transport(overrides: Partial<HttpTransportOptions> = {}): HttpTransport {
  const created = createHttpTransport({
    url: new URL(receiver.url),
    headers: {},
    contentType: 'application/x-protobuf',
    compression: 'none',
    timeoutMillis: 2000,
    maxSockets: 2,
    maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
    ...overrides,
  });
  transports.push(created);
  return created;
}

const noAbort = (): AbortSignal => new AbortController().signal;

describe('createHttpTransport', () => {
  it('POSTs the body with the OTLP headers', async () => {
    const client = transport({ headers: { authorization: 'Bearer s3cret', 'x-team': 'a' } });
    const response = await client.send(await client.prepare(PAYLOAD), noAbort());
    expect(response.statusCode).toBe(200);
    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/traces');
    expect(request.headers['content-type']).toBe('application/x-protobuf');
    expect(request.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toBe(`otelite/${VERSION}`);
    expect(request.headers['content-length']).toBe(String(PAYLOAD.length));
    expect(request.headers['content-encoding']).toBeUndefined();
    expect(request.headers.authorization).toBe('Bearer s3cret');
    expect(request.headers['x-team']).toBe('a');
    expect([...request.rawBody]).toEqual([...PAYLOAD]);
  });

  it('gzips when asked, once per payload', async () => {
    const client = transport({ compression: 'gzip', contentType: 'application/json' });
    const json = new TextEncoder().encode(JSON.stringify({ resourceSpans: Array.from({ length: 50 }, () => ({ scopeSpans: [] })) }));
    const body = await client.prepare(json);
    expect(body.length).toBeLessThan(json.length);
    await client.send(body, noAbort());
    const [request] = receiver.requests;
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body.toString()).toBe(new TextDecoder().decode(json));
  });

  it('reuses one kept-alive connection for sequential requests', async () => {
    const client = transport();
    const ports = new Set<number>();
    const server = createServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`);
    const keepAlive = transport({ url });
    for (let i = 0; i < 3; i++) await keepAlive.send(PAYLOAD, noAbort());
    expect(ports.size).toBe(1);
    keepAlive.close();
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the status, Retry-After and body of a failure', async () => {
    receiver.script({ status: 503, headers: { 'retry-after': '7' }, errorMessage: 'overloaded' });
    const response = await transport().send(PAYLOAD, noAbort());
    expect(response.statusCode).toBe(503);
    expect(response.retryAfter).toBe('7');
    expect(response.contentType).toBe('application/x-protobuf');
    expect([...(response.body ?? [])]).toEqual([...encodeStatus(3, 'overloaded')]);
  });

  it('rejects with a TimeoutError when the receiver never answers', async () => {
    receiver.script({ neverAnswer: true });
    await expect(transport({ timeoutMillis: 100 }).send(PAYLOAD, noAbort())).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'the request timed out after 100 ms',
    });
  });

  it('rejects with an AbortError as soon as the signal aborts', async () => {
    receiver.script({ neverAnswer: true });
    const controller = new AbortController();
    const sending = transport().send(PAYLOAD, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(sending).rejects.toMatchObject({ name: 'AbortError' });
    const aborted = new AbortController();
    aborted.abort();
    await expect(transport().send(PAYLOAD, aborted.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects with the network error when the socket is destroyed mid-request', async () => {
    receiver.script({ destroySocket: true });
    await expect(transport().send(PAYLOAD, noAbort())).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('rejects with ECONNREFUSED on a closed port', async () => {
    const port = receiver.port;
    await receiver.close();
    receiver = await startOtlpTestReceiver();
    await expect(transport({ url: new URL(`http://127.0.0.1:${port}/v1/traces`) }).send(PAYLOAD, noAbort())).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('stops reading a chunked response past the limit but keeps its status', async () => {
    receiver.script({ status: 200, streamBytes: 64 * 1024 * 1024 });
    const response = await transport({ maxResponseBytes: 256 * 1024 }).send(PAYLOAD, noAbort());
    expect(response.statusCode).toBe(200);
    expect(response.body).toBeUndefined();
    expect(response.bodyTooLarge).toBe(true);
    expect(response.bodyError).toMatch(/exceeds the 262144-byte limit/);
    expect(receiver.streamedBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('does not read an announced oversize body at all', async () => {
    receiver.script({ status: 500, streamBytes: 8 * 1024 * 1024, announceLength: true });
    const response = await transport().send(PAYLOAD, noAbort());
    expect(response.statusCode).toBe(500);
    expect(response.bodyTooLarge).toBe(true);
    expect(response.bodyError).toMatch(/8388608 bytes exceeds the 4194304-byte limit/);
  });

  it('reads a body of exactly the limit', async () => {
    receiver.script({ body: new Uint8Array(1000) });
    const response = await transport({ maxResponseBytes: 1000 }).send(PAYLOAD, noAbort());
    expect(response.body?.length).toBe(1000);
  });

  it('tells the exit export whether a request is out: written to a live socket, then by its answer', async () => {
    receiver.script({ status: 200, delayMillis: 200 }, { status: 503 });
    const sender = transport();
    const accepted: RequestProgress = {};
    const sending = sender.send(PAYLOAD, noAbort(), accepted);
    expect(accepted.sentWhole?.()).toBe(false);
    // Received whole by the receiver while its answer waits: written whole to a connection still open.
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(1));
    await vi.waitFor(() => expect(accepted.sentWhole?.()).toBe(true));
    expect((await sending).statusCode).toBe(200);
    expect(accepted.sentWhole?.()).toBe(true);
    const refused: RequestProgress = {};
    expect((await sender.send(PAYLOAD, noAbort(), refused)).statusCode).toBe(503);
    expect(refused.sentWhole?.()).toBe(false);
  });

  it('tells the exit export a request that failed before any answer is not out', async () => {
    receiver.script({ neverAnswer: true });
    const timedOut: RequestProgress = {};
    await expect(transport({ timeoutMillis: 100 }).send(PAYLOAD, noAbort(), timedOut)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(timedOut.sentWhole?.()).toBe(false);
    const port = receiver.port;
    await receiver.close();
    receiver = await startOtlpTestReceiver();
    const refused: RequestProgress = {};
    await expect(transport({ url: new URL(`http://127.0.0.1:${port}/v1/traces`) }).send(PAYLOAD, noAbort(), refused)).rejects.toMatchObject(
      {
        code: 'ECONNREFUSED',
      },
    );
    expect(refused.sentWhole?.()).toBe(false);
  });

  it('leaves no listener on a shared signal once each request settles, answered, failed or timed out', async () => {
    const shared = new AbortController().signal;
    receiver.script({ status: 200 }, { destroySocket: true }, { neverAnswer: true });
    await transport().send(PAYLOAD, shared);
    await expect(transport().send(PAYLOAD, shared)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(transport({ timeoutMillis: 100 }).send(PAYLOAD, shared)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(getEventListeners(shared, 'abort')).toHaveLength(0);
  });

  it('rejects (never throws) when the request cannot even be made', async () => {
    const sending = transport({ headers: { 'x-bad': 'line\nbreak' } }).send(PAYLOAD, noAbort());
    await expect(sending).rejects.toMatchObject({ code: 'ERR_INVALID_CHAR' });
  });

  it('creates its request in a tracing-suppressed context and marks it', async () => {
    const seen: Array<{ suppressed: boolean; marked: boolean }> = [];
    const onStart = (message: unknown): void => {
      const { request } = message as { request: ClientRequest };
      seen.push({ suppressed: isTracingSuppressed(context.active()), marked: isExporterRequest(request) });
    };
    subscribe('http.client.request.start', onStart);
    try {
      await transport().send(PAYLOAD, noAbort());
    } finally {
      unsubscribe('http.client.request.start', onStart);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0].marked).toBe(true);
    expect(isExporterRequest({})).toBe(false);
    expect(isExporterRequest(null)).toBe(false);
  });
});

describe('createHttpTransport over https', () => {
  it('verifies the certificate: unknown CA refused, trusted with the tls.ca option', async () => {
    const { key, cert } = selfSignedCertificate();
    const server = createHttpsServer({ key, cert }, (req, res) => {
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`);
    try {
      await expect(transport({ url }).send(PAYLOAD, noAbort())).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      const trusted = await transport({ url, tls: { ca: cert } }).send(PAYLOAD, noAbort());
      expect(trusted.statusCode).toBe(200);
    } finally {
      for (const client of transports) client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('normalizeHeaders', () => {
  it('lower-cases names and drops invalid headers without echoing values', () => {
    expect(normalizeHeaders({ Authorization: 'Bearer x', 'bad name': 'v', 'x-bad-value': 'line\nbreak-s3cret', n: 5 })).toEqual({
      authorization: 'Bearer x',
    });
  });
});

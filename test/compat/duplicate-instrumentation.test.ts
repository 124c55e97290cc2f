import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan, Receiver } from '../../src/platform/node/receiver/index.js';
import { onlySpan, parentOf, parseTraceparent, runApp, startCompatReceiver } from './compat-harness.js';

interface Received {
  path: string;
  traceparent: string[];
  baggage: string[];
}

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startCompatReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const PATHS = ['/by-fetch', '/by-undici-request', '/by-http-get'];

/** Each request arrived with one traceparent naming its one CLIENT span, whose SERVER span is its child. */
function expectOneSpanPairPerRequest(spans: ReceivedSpan[], received: Received[], clientScope: (path: string) => string): void {
  const caller = onlySpan(spans, (span) => span.name === 'caller', 'caller span');
  for (const path of PATHS) {
    const request = received.find((entry) => entry.path === path)!;
    expect(request.traceparent, path).toHaveLength(1);
    expect(request.baggage, path).toEqual(['tenant=blue']);
    const server = onlySpan(spans, (span) => span.kind === 'SERVER' && span.attributes['url.path'] === path, `SERVER span of ${path}`);
    const client = parentOf(spans, server)!;
    expect(client.kind, path).toBe('CLIENT');
    expect(client.scope.name, path).toBe(clientScope(path));
    expect(client.parentSpanId, path).toBe(caller.spanId);
    expect(parseTraceparent(request.traceparent[0]), path).toEqual({ traceId: client.traceId, spanId: client.spanId });
  }
  expect(spans.filter((span) => span.kind === 'CLIENT')).toHaveLength(PATHS.length);
  expect(spans.filter((span) => span.kind === 'SERVER')).toHaveLength(PATHS.length);
}

describe('otelite next to opentelemetry-js HTTP instrumentations', () => {
  it('alone: one client span and one traceparent per request (fetch, undici.request, http.get)', async () => {
    const run = await runApp(receiver, 'duplicate-instrumentation-app.mjs', { nodeArguments: ['--import', 'otelite/register'] });
    expect(run.code).toBe(0);
    expectOneSpanPairPerRequest(run.spans, run.report!.received as Received[], () => 'otelite/http');
  });

  it('with @opentelemetry/instrumentation-undici kept: undici traces fetch and request() alone, one header value, one warning', async () => {
    const run = await runApp(receiver, 'duplicate-instrumentation-app.mjs', {
      nodeArguments: ['--import', 'otelite/register'],
      environment: { COMPAT_KEEP: 'undici' },
    });
    expect(run.code).toBe(0);
    expectOneSpanPairPerRequest(run.spans, run.report!.received as Received[], (path) =>
      path === '/by-http-get' ? 'otelite/http' : '@opentelemetry/instrumentation-undici',
    );
    const warnings = run.stderr.split('\n').filter((line) => line.includes('@opentelemetry/instrumentation-undici is active'));
    expect(warnings).toHaveLength(1);
  });

  it('with @opentelemetry/instrumentation-http kept: it traces node:http alone, otelite still traces fetch', async () => {
    const run = await runApp(receiver, 'duplicate-instrumentation-app.mjs', {
      nodeArguments: ['--import', 'otelite/register'],
      environment: { COMPAT_KEEP: 'http' },
    });
    expect(run.code).toBe(0);
    const spans = run.spans;
    expectOneSpanPairPerRequest(spans, run.report!.received as Received[], (path) =>
      path === '/by-http-get' ? '@opentelemetry/instrumentation-http' : 'otelite/http',
    );
    for (const server of spans.filter((span) => span.kind === 'SERVER')) {
      expect(server.scope.name).toBe('@opentelemetry/instrumentation-http');
    }
    const warnings = run.stderr.split('\n').filter((line) => line.includes('@opentelemetry/instrumentation-http is active'));
    expect(warnings).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/platform/node/receiver/index.js';
import { onlySpan, parentOf, runApp, startCompatReceiver } from './compat-harness.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startCompatReceiver();
});
afterAll(async () => {
  await receiver.close();
});

// registerInstrumentations parity: before or after init(), with or without a tracerProvider.
describe.each([
  ['after', '0'],
  ['after', '1'],
  ['before', '0'],
  ['before', '1'],
])('Express 5 + instrumentation-express, registered %s init() (tracerProvider given: %s)', (order, withProvider) => {
  it('names the server span GET /users/:id with http.route, under the fetch client span', async () => {
    const run = await runApp(receiver, 'express-app.cjs', { environment: { COMPAT_ORDER: order, COMPAT_PROVIDER: withProvider } });
    expect(run.stderr).not.toContain('Error:');
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ user: { id: '42' }, failStatus: 500 });
    const { spans } = run;

    const server = onlySpan(
      spans,
      (span) => span.kind === 'SERVER' && span.attributes['url.path'] === '/users/42',
      'server span of /users/42',
    );
    expect(server.name).toBe('GET /users/:id');
    expect(server.attributes['http.route']).toBe('/users/:id');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(server.scope.name).toBe('otelite/http');
    expect(server.status.code).toBe('UNSET');
    const client = parentOf(spans, server)!;
    expect(client.kind).toBe('CLIENT');
    expect(client.attributes['url.full']).toMatch(/\/users\/42$/);
    expect(client.parentSpanId).toBe('');

    // Express's own spans are INTERNAL children of the server span, in the same trace.
    const handler = onlySpan(
      spans,
      (span) => span.attributes['express.type'] === 'request_handler' && span.parentSpanId === server.spanId,
      'request handler span of /users/42',
    );
    expect(handler.kind).toBe('INTERNAL');
    expect(handler.scope.name).toBe('@opentelemetry/instrumentation-express');
    expect(handler.traceId).toBe(server.traceId);
    expect(handler.attributes['http.route']).toBe('/users/:id');
    const middleware = spans.find((span) => span.name === 'middleware - jsonParser' && span.parentSpanId === server.spanId);
    expect(middleware?.kind).toBe('INTERNAL');
    expect(spans.filter((span) => span.kind === 'SERVER')).toHaveLength(2);

    const failed = onlySpan(spans, (span) => span.kind === 'SERVER' && span.attributes['url.path'] === '/fail', 'server span of /fail');
    expect(failed.name).toBe('GET /fail');
    expect(failed.attributes['http.route']).toBe('/fail');
    expect(failed.attributes['http.response.status_code']).toBe(500);
    expect(failed.status.code).toBe('ERROR');
  });
});

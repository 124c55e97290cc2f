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

describe('Fastify 5 + @fastify/otel, with --require otelite/register', () => {
  it('gives one SERVER span named GET /users/:id; @fastify/otel reports its own span as INTERNAL under it', async () => {
    const run = await runApp(receiver, 'fastify-app.cjs', { nodeArguments: ['--require', 'otelite/register'] });
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ user: { id: '7' } });
    const { spans } = run;

    const server = onlySpan(spans, (span) => span.kind === 'SERVER', 'SERVER span');
    expect(server.name).toBe('GET /users/:id');
    expect(server.attributes['http.route']).toBe('/users/:id');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(server.scope.name).toBe('otelite/http');
    expect(parentOf(spans, server)?.kind).toBe('CLIENT');

    const request = onlySpan(spans, (span) => span.scope.name === '@fastify/otel' && span.name === 'request', '@fastify/otel request span');
    expect(request.kind).toBe('INTERNAL');
    expect(request.parentSpanId).toBe(server.spanId);
    expect(request.attributes['http.route']).toBe('/users/:id');
    const handler = spans.find((span) => span.scope.name === '@fastify/otel' && span.name.startsWith('handler'));
    expect(handler?.parentSpanId).toBe(request.spanId);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  });
});

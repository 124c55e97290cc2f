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

describe.each([
  ['koa', '/users/:id', '@opentelemetry/instrumentation-koa'],
  ['hapi', '/users/{id}', '@opentelemetry/instrumentation-hapi'],
])('%s with its opentelemetry-js instrumentation, under --require otelite/register', (framework, route, scope) => {
  it(`names the server span GET ${route} with http.route; the framework's spans are INTERNAL children`, async () => {
    const run = await runApp(receiver, 'koa-hapi-app.cjs', {
      nodeArguments: ['--require', 'otelite/register'],
      environment: { COMPAT_FRAMEWORK: framework },
    });
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ user: { id: '5' } });
    const { spans } = run;
    const server = onlySpan(spans, (span) => span.kind === 'SERVER', 'SERVER span');
    expect(server.name).toBe(`GET ${route}`);
    expect(server.attributes['http.route']).toBe(route);
    expect(server.scope.name).toBe('otelite/http');
    expect(parentOf(spans, server)?.kind).toBe('CLIENT');
    const own = spans.filter((span) => span.scope.name === scope);
    expect(own.length).toBeGreaterThan(0);
    for (const span of own) {
      expect(span.kind).toBe('INTERNAL');
      expect(span.traceId).toBe(server.traceId);
    }
    expect(own.some((span) => span.parentSpanId === server.spanId)).toBe(true);
  });
});

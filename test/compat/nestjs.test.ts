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

describe('NestJS 11 (Express) + instrumentation-nestjs-core, under --require otelite/register', () => {
  it('names the server span GET /users/:id; the Nest spans are INTERNAL, in the same trace', async () => {
    const run = await runApp(receiver, 'nestjs-app.cjs', { nodeArguments: ['--require', 'otelite/register'] });
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ user: { id: '3' } });
    const { spans } = run;
    const server = onlySpan(spans, (span) => span.kind === 'SERVER', 'SERVER span');
    expect(server.name).toBe('GET /users/:id');
    expect(server.attributes['http.route']).toBe('/users/:id');
    expect(parentOf(spans, server)?.kind).toBe('CLIENT');
    // Besides the app's creation (its own trace, at startup), the request's Nest spans.
    const nest = spans.filter(
      (span) => span.scope.name === '@opentelemetry/instrumentation-nestjs-core' && span.attributes['nestjs.type'] !== 'app_creation',
    );
    expect(nest.map((span) => span.name)).toContain('UsersController.find');
    for (const span of nest) {
      expect(span.traceId).toBe(server.traceId);
      expect(span.kind).toBe('INTERNAL');
    }
  });
});

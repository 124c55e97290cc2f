import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/platform/node/receiver/index.js';
import { pathToFileURL } from 'node:url';
import { appPath, onlySpan, parentOf, runApp, startCompatReceiver } from './compat-harness.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startCompatReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const INSTRUMENTATIONS = pathToFileURL(appPath('esm-instrumentations.mjs')).href;

describe('an ES module app with node --import otelite/register', () => {
  it('starts the SDK from OTEL_* alone and lets instrumentation-express patch the imported express', async () => {
    const run = await runApp(receiver, 'esm-app.mjs', {
      nodeArguments: ['--import', 'otelite/register', '--import', INSTRUMENTATIONS],
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ order: { orderId: '9' } });
    const { spans } = run;
    const server = onlySpan(spans, (span) => span.kind === 'SERVER', 'SERVER span');
    expect(server.name).toBe('GET /orders/:orderId');
    expect(server.attributes['http.route']).toBe('/orders/:orderId');
    expect(server.resourceAttributes['service.name']).toMatch(/^compat-esm-app/);
    expect(parentOf(spans, server)?.kind).toBe('CLIENT');
    const handler = onlySpan(spans, (span) => span.attributes['express.type'] === 'request_handler', 'express request handler span');
    expect(handler.parentSpanId).toBe(server.spanId);
  });

  it('without the loader hook (init() alone), express under import is not patched: the control', async () => {
    const run = await runApp(receiver, 'esm-app.mjs', {
      nodeArguments: ['--import', pathToFileURL(appPath('esm-init-only.mjs')).href, '--import', INSTRUMENTATIONS],
    });
    expect(run.code).toBe(0);
    const server = onlySpan(run.spans, (span) => span.kind === 'SERVER', 'SERVER span');
    expect(server.name).toBe('GET');
    expect(run.spans.some((span) => span.scope.name === '@opentelemetry/instrumentation-express')).toBe(false);
  });

  it('with node --require otelite/register, a CommonJS app starts from OTEL_* alone too', async () => {
    const run = await runApp(receiver, 'register-cjs-app.cjs', { nodeArguments: ['--require', 'otelite/register'] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const work = onlySpan(run.spans, (span) => span.name === 'work', 'work span');
    expect(work.scope.name).toBe('register-cjs-app');
    expect(run.report).toEqual({ recording: true });
  });
});

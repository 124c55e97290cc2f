import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/platform/node/receiver/index.js';
import { consumerFolder, expectAttachChecks, only, receiver, run, runtimeBinary, type AttachCheckResults } from './runtime-kit.js';

const BUN_VERSION = '1.4.5';
const bun = runtimeBinary('bun', BUN_VERSION);

describe.skipIf(bun === undefined)(`Bun ${BUN_VERSION}`, () => {
  let collector: Receiver;
  beforeAll(async () => {
    collector = await receiver();
  });
  afterAll(() => collector?.close());

  it('traces Bun.serve and node:http servers, fetch and http.get clients, and says bun in the resource', async () => {
    const folder = consumerFolder(['bun-app.mjs']);
    const result = await run(bun as string, ['bun-app.mjs'], folder, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ bodies: ['seen true', 'ok', 'ok'] });

    const spans = collector.spans();
    const root = only(spans, (span) => span.name === 'bun-root', 'root span');
    expect(spans.every((span) => span.traceId === root.traceId)).toBe(true);
    expect(root.resourceAttributes).toMatchObject({
      'service.name': 'bun-app',
      'process.runtime.name': 'bun',
      'process.runtime.version': BUN_VERSION,
      'telemetry.sdk.name': 'otelite',
    });
    for (const path of ['/bun', '/node-fetch', '/node-get']) {
      const client = only(
        spans,
        (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).includes(path),
        `client span for ${path}`,
      );
      expect(client.parentSpanId).toBe(root.spanId);
      expect(client.attributes['http.response.status_code']).toBe(200);
      const server = only(spans, (span) => span.kind === 'SERVER' && span.attributes['url.path'] === path, `server span for ${path}`);
      // The server's parent is the client span: traceparent was injected and extracted.
      expect(server.parentSpanId).toBe(client.spanId);
      expect(server.attributes['http.response.status_code']).toBe(200);
      // The handler ran, across an await, with its server span active.
      expect(server.attributes['app.handler']).toBe(path === '/bun' ? 'Bun.serve' : 'node:http');
    }
    expect(only(spans, (span) => span.attributes['url.path'] === '/bun', 'Bun.serve span').attributes['url.query']).toBe('q=1');
    expect(spans).toHaveLength(7);
  });

  it('propagateTraceHeaderUrls: only the allowed origin gets the trace headers, every call gets its CLIENT span', async () => {
    collector.clear();
    const folder = consumerFolder(['propagation-app.mjs']);
    const result = await run(bun as string, ['propagation-app.mjs'], folder, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ 'allowed/fetch': true, 'allowed/get': true, 'other/fetch': false, 'other/get': false });
    const clients = collector.spans().filter((span) => span.serviceName === 'propagation-app' && span.kind === 'CLIENT');
    expect(clients.map((span) => new URL(String(span.attributes['url.full'])).pathname).sort()).toEqual([
      '/fetch',
      '/fetch',
      '/get',
      '/get',
    ]);
  });

  it('context.attach of @opentelemetry/api 1.10: active across await, restored in order, misuse reported once, spans parented', async () => {
    collector.clear();
    const folder = consumerFolder(['bun-attach-app.mjs', 'attach-checks.mjs'], { api: '1.10' });
    const result = await run(bun as string, ['bun-attach-app.mjs'], folder, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectAttachChecks(JSON.parse(result.stdout) as AttachCheckResults, collector.spans(), 'x,y');
  });
});

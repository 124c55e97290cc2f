import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/platform/node/receiver/index.js';
import { consumerFolder, expectAttachChecks, only, receiver, run, runtimeBinary, type AttachCheckResults } from './runtime-kit.js';

const DENO_VERSION = '2.9.6';
const deno = runtimeBinary('deno', DENO_VERSION);

describe.skipIf(deno === undefined)(`Deno ${DENO_VERSION}`, () => {
  let collector: Receiver;
  let folder: string;
  beforeAll(async () => {
    collector = await receiver();
    folder = consumerFolder(['deno-app.mjs']);
  });
  beforeEach(() => collector.clear());
  afterAll(() => collector?.close());

  const denoRun = (flags: string[], args: string[] = [], env: Record<string, string> = {}) =>
    run(deno as string, ['run', '--no-prompt', ...flags, 'deno-app.mjs', collector.url, ...args], folder, {
      DENO_NO_UPDATE_CHECK: '1',
      ...env,
    });

  function expectTrace(): void {
    const spans = collector.spans();
    const root = only(spans, (span) => span.name === 'deno-root', 'root span');
    expect(root.resourceAttributes).toMatchObject({
      'service.name': 'deno-app',
      'process.runtime.name': 'deno',
      'process.runtime.version': DENO_VERSION,
    });
    for (const [path, handler] of [
      ['/deno', 'Deno.serve'],
      ['/node-fetch', 'node:http'],
    ] as const) {
      const client = only(
        spans,
        (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).includes(path),
        `client span for ${path}`,
      );
      expect(client.parentSpanId).toBe(root.spanId);
      const server = only(spans, (span) => span.kind === 'SERVER' && span.attributes['url.path'] === path, `server span for ${path}`);
      expect(server.parentSpanId).toBe(client.spanId);
      expect(server.attributes['http.response.status_code']).toBe(200);
      expect(server.attributes['app.handler']).toBe(handler);
    }
    expect(spans).toHaveLength(5);
  }

  it('with all permissions: Deno.serve, node:http and fetch spans, deno in the resource, no warning', async () => {
    const result = await denoRun(['--allow-all']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ bodies: ['seen true', 'ok'], warnings: [] });
    expectTrace();
  });

  it('with network permission only: the same spans, and one warning that the environment is unreadable', async () => {
    const result = await denoRun(['--allow-net=127.0.0.1']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { bodies: string[]; warnings: string[] };
    expect(output.bodies).toEqual(['seen true', 'ok']);
    expect(output.warnings).toHaveLength(1);
    expect(output.warnings[0]).toMatch(/the environment cannot be read/);
    expectTrace();
  });

  it('with no permission at all: init() and spans do not throw, the program ends normally', async () => {
    const result = await denoRun([], ['no-network']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { warnings: string[] };
    expect(output.warnings.filter((warning) => /the environment cannot be read/.test(warning))).toHaveLength(1);
    expect(collector.spans()).toEqual([]);
  });

  it("with Deno's own OpenTelemetry on (OTEL_DENO=true): says so once and leaves HTTP spans to it (none doubled)", async () => {
    const result = await denoRun(['--allow-all'], [], {
      OTEL_DENO: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'deno-app',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ bodies: ['seen true', 'ok'] });
    expect(result.stderr.split('OTEL_DENO=true').length - 1).toBe(1);
    const spans = collector.spans();
    // Deno's own telemetry exported to the same receiver; each request has one server and one client span.
    for (const path of ['/deno', '/node-fetch']) {
      const server = spans.filter((span) => span.kind === 'SERVER' && String(span.attributes['url.path'] ?? '').startsWith(path));
      expect(server.length, `server spans for ${path}`).toBeLessThanOrEqual(1);
    }
    expect(spans.filter((span) => span.scope.name === 'otelite/http')).toEqual([]);
    expect(spans.filter((span) => span.kind === 'SERVER').length).toBeGreaterThan(0);
  });

  it('propagateTraceHeaderUrls: only the allowed origin gets the trace headers, every call gets its CLIENT span', async () => {
    const propagationFolder = consumerFolder(['propagation-app.mjs']);
    const result = await run(deno as string, ['run', '--no-prompt', '--allow-all', 'propagation-app.mjs'], propagationFolder, {
      DENO_NO_UPDATE_CHECK: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
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
    const attachFolder = consumerFolder(['deno-attach-app.mjs', 'attach-checks.mjs'], { api: '1.10' });
    const result = await run(deno as string, ['run', '--no-prompt', '--allow-all', 'deno-attach-app.mjs', collector.url], attachFolder, {
      DENO_NO_UPDATE_CHECK: '1',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectAttachChecks(JSON.parse(result.stdout) as AttachCheckResults, collector.spans(), 'x,y');
  });
});

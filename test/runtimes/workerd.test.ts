import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan, Receiver } from '../../src/platform/node/receiver/index.js';
import { consumerFolder, expectAttachChecks, only, receiver, root, runtimeBinary, type AttachCheckResults } from './runtime-kit.js';

const WORKERD_VERSION = '1.20261117.1';
const workerd = runtimeBinary('workerd', WORKERD_VERSION);
const WRANGLER_VERSION = '4.164.0';
const wrangler = findWrangler();

/**
 * wrangler from test/runtimes/wrangler (its own lockfile) and a Node it runs on (>= 22.12: this one, or
 * the Node 22 of scripts/cached-node.sh); `undefined` prints `SKIPPED wrangler: <reason>`.
 */
function findWrangler(): { script: string; node: string } | undefined {
  const script = join(root, 'test/runtimes/wrangler/node_modules/wrangler/bin/wrangler.js');
  if (!existsSync(script)) {
    console.log('SKIPPED wrangler: not installed (npm ci --prefix test/runtimes/wrangler)');
    return undefined;
  }
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return { script, node: process.execPath };
  try {
    const node = execFileSync(join(root, 'scripts/cached-node.sh'), ['22.23.5'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return { script, node };
  } catch (error) {
    console.log(`SKIPPED wrangler: it needs Node >= 22.12 and node 22.23.5 could not be installed (${String(error).split('\n')[0]})`);
    return undefined;
  }
}

/** Requests the downstream server saw: path and headers. */
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** Starts workerd serving the bundled worker on a free port; resolves once it answers. */
async function startWorkerd(folder: string, flags: string[]): Promise<{ process: ChildProcess; url: string }> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  writeFileSync(
    join(folder, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${flags.map((flag) => JSON.stringify(flag)).join(', ')}],
  globalOutbound = "internet",
);
`,
  );
  const child = spawn(workerd as string, ['serve', 'config.capnp'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`workerd exited: ${output}`);
    try {
      const response = await fetch(`${url}/ping`, { method: 'OPTIONS', signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      if (response !== undefined) return { process: child, url };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`workerd did not start: ${output}`);
}

describe.skipIf(workerd === undefined)(`workerd ${WORKERD_VERSION}`, () => {
  let collector: Receiver;
  let downstream: Server;
  let downstreamUrl: string;
  let folder: string;
  beforeAll(async () => {
    collector = await receiver();
    downstream = createServer((request, response) => {
      seen.push({ path: request.url ?? '', headers: request.headers });
      response.end('downstream');
    });
    downstreamUrl = `http://127.0.0.1:${await listen(downstream)}`;
    folder = consumerFolder(['worker-app.mjs']);
    await build({
      entryPoints: [join(folder, 'worker-app.mjs')],
      outfile: join(folder, 'worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker'],
      mainFields: ['module', 'main'],
      external: ['node:*'],
      define: { OTLP_ENDPOINT: JSON.stringify(collector.url) },
      logLevel: 'silent',
    });
  });
  afterAll(async () => {
    await collector?.close();
    await new Promise((resolve) => downstream?.close(resolve));
  });

  async function runWorker(flags: string[], from = folder): Promise<{ spans: ReceivedSpan[]; body: unknown; status: number }> {
    collector.clear();
    seen.length = 0;
    const started = await startWorkerd(from, flags);
    try {
      collector.clear();
      seen.length = 0;
      const response = await fetch(`${started.url}/orders?downstream=${encodeURIComponent(downstreamUrl)}`, {
        headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      });
      const body = (await response.json()) as unknown;
      // ctx.waitUntil keeps the export alive after the response; wait for the spans to arrive.
      // (The readiness probe's own server span, /ping, is left out.)
      const workerSpans = (): ReceivedSpan[] =>
        collector.spans().filter((span) => span.serviceName === 'worker-app' && span.attributes['url.path'] !== '/ping');
      for (let attempt = 0; attempt < 300 && workerSpans().length < 3; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { spans: workerSpans(), body, status: response.status };
    } finally {
      started.process.kill('SIGTERM');
    }
  }

  it('with nodejs_compat: a server span from the caller, client spans with traceparent before and after await, exported via waitUntil', async () => {
    const { spans, body, status } = await runWorker(['nodejs_compat']);
    expect(status).toBe(201);
    expect(body).toEqual({ after: 'downstream', waitUntil: 'function' });
    const server = only(spans, (span) => span.kind === 'SERVER', 'server span');
    expect(server.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(server.parentSpanId).toBe('b7ad6b7169203331');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/orders',
      'http.response.status_code': 201,
      'app.after_await_has_span': true,
    });
    expect(server.resourceAttributes).toMatchObject({
      'process.runtime.name': 'workerd',
      'cloud.provider': 'cloudflare',
      'telemetry.sdk.language': 'webjs',
    });
    for (const path of ['/before-await', '/after-await']) {
      const client = only(
        spans,
        (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).includes(path),
        `client span for ${path}`,
      );
      expect(client.parentSpanId).toBe(server.spanId);
      const request = seen.find((entry) => entry.path === path);
      expect(request?.headers.traceparent).toBe(`00-${server.traceId}-${client.spanId}-01`);
    }
    expect(spans).toHaveLength(3);
  });

  it('without nodejs_compat: the server span and the fetch before the first await are linked; after await the context is lost (documented)', async () => {
    const { spans, status } = await runWorker([]);
    expect(status).toBe(201);
    const server = only(spans, (span) => span.kind === 'SERVER', 'server span');
    expect(server.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    const before = only(
      spans,
      (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).includes('/before-await'),
      'client span before await',
    );
    expect(before.parentSpanId).toBe(server.spanId);
    expect(seen.find((entry) => entry.path === '/before-await')?.headers.traceparent).toBe(`00-${server.traceId}-${before.spanId}-01`);
    const after = only(
      spans,
      (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).includes('/after-await'),
      'client span after await',
    );
    expect(after.traceId).not.toBe(server.traceId);
    expect(after.parentSpanId).toBe('');
    expect(server.attributes['app.after_await_has_span']).toBeUndefined();
  });

  // The worker bundled by wrangler, as users deploy it (`wrangler deploy --dry-run --outdir`), once per
  // compatibility setting, and run by the same workerd. wrangler is its own npm project
  // (test/runtimes/wrangler, installed by .ci/run) and needs Node >= 22.12.
  describe.skipIf(wrangler === undefined)(`bundled by wrangler ${WRANGLER_VERSION}`, () => {
    function bundle(flags: string[]): { folder: string; output: string } {
      const target = consumerFolder(['worker-app.mjs']);
      writeFileSync(
        join(target, 'wrangler.toml'),
        `name = "worker-app"\nmain = "worker-app.mjs"\ncompatibility_date = "2025-09-01"\ncompatibility_flags = ${JSON.stringify(flags)}\n`,
      );
      const output = execFileSync(
        (wrangler as { node: string }).node,
        [
          (wrangler as { script: string }).script,
          'deploy',
          '--dry-run',
          '--outdir',
          'out',
          '--define',
          `OTLP_ENDPOINT:${JSON.stringify(collector.url)}`,
        ],
        {
          cwd: target,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      copyFileSync(join(target, 'out/worker-app.js'), join(target, 'worker.js'));
      return { folder: target, output };
    }

    it('without nodejs_compat: wrangler bundles it with no node: module left in, and it loads and traces in workerd', async () => {
      const { folder: bundled, output } = bundle([]);
      expect(output).not.toContain('async_hooks');
      // No module reference (import, import(), require) to a node: module; the name passed to
      // process.getBuiltinModule is a plain string.
      const bundledCode = readFileSync(join(bundled, 'worker.js'), 'utf8');
      expect(bundledCode).not.toMatch(/\b(?:from|import|require)\s*\(?\s*["']node:/);
      expect(bundledCode).toContain('getBuiltinModule');
      const { spans, status } = await runWorker([], bundled);
      expect(status).toBe(201);
      const server = only(spans, (span) => span.kind === 'SERVER', 'server span');
      expect(server.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(server.resourceAttributes).toMatchObject({ 'process.runtime.name': 'workerd' });
      const before = only(
        spans,
        (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).includes('/before-await'),
        'client span before await',
      );
      expect(before.parentSpanId).toBe(server.spanId);
    });

    it('with nodejs_compat: the same bundle step, and AsyncLocalStorage carries the span across await', async () => {
      const { folder: bundled } = bundle(['nodejs_compat']);
      const { spans, status } = await runWorker(['nodejs_compat'], bundled);
      expect(status).toBe(201);
      const server = only(spans, (span) => span.kind === 'SERVER', 'server span');
      expect(server.attributes['app.after_await_has_span']).toBe(true);
      const after = only(
        spans,
        (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).includes('/after-await'),
        'client span after await',
      );
      expect(after.parentSpanId).toBe(server.spanId);
      expect(seen.find((entry) => entry.path === '/after-await')?.headers.traceparent).toBe(`00-${server.traceId}-${after.spanId}-01`);
    });
  });

  it('with nodejs_compat, context.attach of @opentelemetry/api 1.10 in a handler: active across await, restored in order, misuse reported once', async () => {
    const attachFolder = consumerFolder(['worker-attach-app.mjs', 'attach-checks.mjs'], { api: '1.10' });
    await build({
      entryPoints: [join(attachFolder, 'worker-attach-app.mjs')],
      outfile: join(attachFolder, 'worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker'],
      mainFields: ['module', 'main'],
      external: ['node:*'],
      define: { OTLP_ENDPOINT: JSON.stringify(collector.url) },
      logLevel: 'silent',
    });
    const started = await startWorkerd(attachFolder, ['nodejs_compat']);
    try {
      collector.clear();
      const response = await fetch(`${started.url}/attach`);
      expect(response.status).toBe(200);
      const results = (await response.json()) as AttachCheckResults;
      const attachSpans = (): ReceivedSpan[] => collector.spans().filter((span) => span.serviceName === 'worker-attach-app');
      for (let attempt = 0; attempt < 300 && attachSpans().length < 6; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const spans = attachSpans();
      // workerd has no AsyncLocalStorage.enterWith: attach replaces the context of the handler's scope in
      // place, so of two concurrent attaches in one handler, the one that wakes first sees the other's.
      expectAttachChecks(results, spans, 'y,y');
      const server = only(spans, (span) => span.kind === 'SERVER' && span.attributes['url.path'] === '/attach', 'server span');
      expect(only(spans, (span) => span.name === 'attach-outer', 'outer span').parentSpanId).toBe(server.spanId);
    } finally {
      started.process.kill('SIGTERM');
    }
  });
});

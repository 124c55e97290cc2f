import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startReceiver, type Receiver, type ReceivedSpan } from '../../../src/platform/node/receiver/index.js';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = new URL('../../..', import.meta.url).pathname;
/** The suite's npm project (its own package.json and lockfile) and the Next.js app in it. */
export const PROJECT = join(ROOT, 'test/frameworks/next');
export const SITE = join(PROJECT, 'site');
const NEXT_BIN = join(PROJECT, 'node_modules/next/dist/bin/next');

/** Why the suite cannot run here, or `undefined` when it can. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(NEXT_BIN)) return `next is not installed in ${PROJECT} (npm ci --prefix test/frameworks/next)`;
  if (!existsSync(join(ROOT, 'dist/src/index.js'))) return 'otelite is not built (npm run build)';
  return undefined;
}

/**
 * Installs otelite into the app as users get it: the tarball of `npm pack` (of the built repository),
 * unpacked as node_modules/otelite. Its dependencies (`@opentelemetry/api`, `@bufbuild/protobuf`) come
 * from the suite's lockfile.
 */
export async function installPackedOtelite(): Promise<void> {
  const packDirectory = mkdtempSync(join(tmpdir(), 'otelite-next-pack-'));
  try {
    await run('npm', ['pack', '--silent', '--pack-destination', packDirectory], { cwd: ROOT });
    const tarball = readdirSync(packDirectory).find((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack made no tarball');
    const target = join(PROJECT, 'node_modules/otelite');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    await run('tar', ['xzf', join(packDirectory, tarball), '-C', target, '--strip-components=1']);
  } finally {
    rmSync(packDirectory, { recursive: true, force: true });
  }
}

/** `next build` of the app (Turbopack), once; every server of the run uses this build. */
export async function buildApp(): Promise<void> {
  rmSync(join(SITE, '.next'), { recursive: true, force: true });
  await run(process.execPath, [NEXT_BIN, 'build'], {
    cwd: SITE,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_OPTIONS: '' },
    timeout: 280_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Every span the receiver got, in arrival order, duplicates included (a span sent twice is here twice). */
export interface SpanSink {
  readonly receiver: Receiver;
  readonly spans: ReceivedSpan[];
  close(): Promise<void>;
}

export async function startSpanSink(): Promise<SpanSink> {
  const spans: ReceivedSpan[] = [];
  const receiver = await startReceiver({
    port: 0,
    host: '127.0.0.1',
    print: false,
    onSpans: (_request, received) => void spans.push(...received),
  });
  return { receiver, spans, close: () => receiver.close() };
}

/** A plain backend the app's page fetches: answers JSON and records each request's headers. */
export interface Backend {
  readonly url: string;
  readonly requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startBackend(): Promise<Backend> {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.headers);
    response.setHeader('content-type', 'application/json');
    response.end('{"items":3}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A running `next start` / `next dev`. */
export interface NextServer {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code (Next.js exits with 143). */
  stop(): Promise<number | null>;
}

export interface NextServerOptions {
  readonly mode: 'start' | 'dev';
  readonly node: string;
  readonly receiver: Receiver;
  readonly backend: Backend;
  /** Preload otelite with `--import otelite/register` (the set-up that traces the first request). */
  readonly preload: boolean;
  /** More environment variables. */
  readonly environment?: Record<string, string>;
}

/** Starts the app on a free port (asked of the OS, then handed to Next.js). */
export async function startNext(options: NextServerOptions): Promise<NextServer> {
  const port = await freePort();
  const environment: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NEXT_TELEMETRY_DISABLED: '1',
    BACKEND_URL: options.backend.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: options.receiver.url,
    OTEL_SERVICE_NAME: 'otelite-next',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    NODE_OPTIONS: options.preload ? '--import otelite/register' : '',
    ...options.environment,
  };
  delete environment.NODE_ENV;
  const child = spawn(options.node, [NEXT_BIN, options.mode, '-p', String(port), '-H', '127.0.0.1'], {
    cwd: SITE,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Sends `path` as soon as the server accepts connections (retrying refused connections every 25 ms,
 * up to `timeoutMillis`): the request that gets through is the first one the server handles.
 */
export async function firstRequest(
  server: NextServer,
  path: string,
  headers: Record<string, string>,
  timeoutMillis: number,
): Promise<Response> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    try {
      return await fetch(server.url + path, { headers });
    } catch (error) {
      if (Date.now() > deadline || server.child.exitCode !== null) {
        throw new Error(`${server.url} never answered: ${String(error)}\n${server.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Waits until `predicate` holds (polling every 50 ms), or throws after `timeoutMillis` with `describe()`. */
export async function waitFor(predicate: () => boolean, timeoutMillis: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A `traceparent` with a fresh random trace id and parent span id, and those ids. */
export function incomingTraceparent(): { header: string; traceId: string; parentSpanId: string } {
  const hex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  const parentSpanId = hex(8);
  return { header: `00-${traceId}-${parentSpanId}-01`, traceId, parentSpanId };
}

/** The spans of one trace, without duplicates (by span id). */
export function traceOf(spans: readonly ReceivedSpan[], traceId: string): ReceivedSpan[] {
  const byId = new Map<string, ReceivedSpan>();
  for (const span of spans) if (span.traceId === traceId) byId.set(span.spanId, span);
  return [...byId.values()];
}

/** Span ids received more than once. */
export function duplicateSpanIds(spans: readonly ReceivedSpan[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const span of spans) {
    if (seen.has(span.spanId)) duplicates.add(span.spanId);
    seen.add(span.spanId);
  }
  return [...duplicates];
}

/** A readable one-line-per-span listing of `spans`, for failure messages. */
export function describeSpans(spans: readonly ReceivedSpan[]): string {
  return spans
    .map(
      (s) =>
        `${s.traceId.slice(0, 8)} ${s.spanId} <- ${s.parentSpanId || '-'} ${s.kind} ${JSON.stringify(s.name)} [${s.scope.name}] ${String(s.resourceAttributes['process.runtime.name'])}`,
    )
    .join('\n');
}

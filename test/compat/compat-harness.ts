import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver, type Receiver, type ReceivedSpan } from '../../src/platform/node/receiver/index.js';

/** The repository root: line 2's apps run from here, so `otelite` resolves to the built package by its name. */
export const ROOT = process.cwd();

/**
 * The opentelemetry-js line under test, from `OTELITE_COMPAT_LINE`:
 * - `'2'` (default, vitest.compat.config.ts): 2.x / 0.223 with `@opentelemetry/api` 1.9, the packages of
 *   the root package.json;
 * - `'3'` (vitest.compat-3.config.ts, Node >= 22.15): 3.x / 0.301 with `@opentelemetry/api` 1.10, the
 *   packages of the separate project test/compat/line-3 (its own package.json and lockfile).
 */
export const LINE: '2' | '3' = process.env.OTELITE_COMPAT_LINE === '3' ? '3' : '2';

/** The separate npm project of line 3 (`npm ci --prefix test/compat/line-3`). */
export const LINE_3_PROJECT = join(ROOT, 'test/compat/line-3');

/**
 * Where the apps run from. Line 3 runs the same app files, copied into test/compat/line-3/run/apps/ next
 * to a copy of the built package in run/node_modules/otelite/ (the files `npm pack` ships, as an install
 * would place them), so that every bare import, otelite's own `@opentelemetry/api` included, resolves
 * in line 3's node_modules and not in the root's.
 */
const RUN_DIRECTORY = LINE === '3' ? join(LINE_3_PROJECT, 'run') : ROOT;
const APPS = LINE === '3' ? join(RUN_DIRECTORY, 'apps') : join(ROOT, 'test/compat/apps');

/** The absolute path of the app (or preload) `file` of test/compat/apps for this line. */
export function appPath(file: string): string {
  return join(APPS, file);
}

/** The exact version of `name` installed for line 3, or `undefined` when it is not installed. */
export function line3Version(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(LINE_3_PROJECT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

function prepareLine3(): void {
  const api = line3Version('@opentelemetry/api');
  if (api === undefined || !api.startsWith('1.10.')) {
    throw new Error(`compat line 3 needs its own install: npm ci --prefix test/compat/line-3 (found @opentelemetry/api ${api})`);
  }
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 15)) {
    throw new Error(`compat line 3 needs Node >= 22.15 (the 3.x / 0.301 packages require it); this is ${process.version}`);
  }
  const installed = join(RUN_DIRECTORY, 'node_modules/otelite');
  rmSync(RUN_DIRECTORY, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  cpSync(join(ROOT, 'test/compat/apps'), APPS, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(installed, 'package.json'));
  cpSync(join(ROOT, 'dist/src'), join(installed, 'dist/src'), { recursive: true });
  cpSync(join(ROOT, 'dist/gen'), join(installed, 'dist/gen'), { recursive: true });
}

if (LINE === '3') prepareLine3();

/** What a finished app run left behind. */
export interface AppRun {
  /** The exit code (`null` when a signal ended it). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line that parses as JSON (the app's report), or `undefined`. */
  readonly report: Record<string, unknown> | undefined;
  /** The spans the receiver got from this run (its `service.name`). */
  readonly spans: ReceivedSpan[];
}

export interface AppOptions {
  /** Arguments before the app's path (`--import`, `--require`). */
  readonly nodeArguments?: readonly string[];
  /** More environment variables. */
  readonly environment?: Record<string, string>;
  /** The Node.js binary; default the one running the tests. */
  readonly node?: string;
}

let runs = 0;

/**
 * Runs `test/compat/apps/<file>` (for line 3 its copy; the working directory is the line's) with plain `node`, exporting to `receiver` through `OTEL_*` variables
 * only, and resolves once it has exited. The app's spans are flushed at exit by otelite's hooks before
 * the process ends, so they are all in the receiver by then.
 */
export function runApp(receiver: Receiver, file: string, options: AppOptions = {}): Promise<AppRun> {
  const serviceName = `compat-${file.replace(/\W+/g, '-')}-${process.pid}-${++runs}`;
  const environment: Record<string, string> = {
    ...(process.env as Record<string, string>),
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOG_LEVEL: 'warn',
    ...options.environment,
  };
  delete environment.NODE_OPTIONS;
  const argv = [...(options.nodeArguments ?? []), appPath(file)];
  return new Promise((resolve) => {
    execFile(options.node ?? process.execPath, argv, { cwd: RUN_DIRECTORY, env: environment, timeout: 45_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({
        code,
        stdout,
        stderr,
        report: lastJsonLine(stdout),
        spans: receiver.spans().filter((span) => span.serviceName === serviceName),
      });
    });
  });
}

function lastJsonLine(text: string): Record<string, unknown> | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not the report
    }
  }
  return undefined;
}

/** A receiver on 127.0.0.1 (free port) that prints nothing. */
export function startCompatReceiver(): Promise<Receiver> {
  return startReceiver({ port: 0, host: '127.0.0.1', print: false });
}

/** The span with `name`, failing with the names present when there is none or several. */
export function onlySpan(spans: readonly ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one ${what}, found ${found.length} among: ${spans.map((span) => `${span.name} (${span.kind}, ${span.scope.name})`).join(', ')}`,
    );
  }
  return found[0];
}

/** The parent of `span` among `spans`, if it is there. */
export function parentOf(spans: readonly ReceivedSpan[], span: ReceivedSpan): ReceivedSpan | undefined {
  return spans.find((candidate) => candidate.spanId === span.parentSpanId);
}

/** `traceId` and `spanId` of a `traceparent` value, or `undefined` when it is not exactly one valid value. */
export function parseTraceparent(value: unknown): { traceId: string; spanId: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.split('-');
  if (
    parts.length !== 4 ||
    parts[0] !== '00' ||
    !/^[0-9a-f]{32}$/.test(parts[1]) ||
    !/^[0-9a-f]{16}$/.test(parts[2]) ||
    !/^[0-9a-f]{2}$/.test(parts[3])
  ) {
    return undefined;
  }
  return { traceId: parts[1], spanId: parts[2] };
}

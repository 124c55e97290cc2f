import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startReceiver, type ReceivedSpan, type Receiver } from '../../src/platform/node/receiver/index.js';

export const root = join(import.meta.dirname, '../..');

/**
 * The binary of a runtime, from `OTELITE_<NAME>_BINARY` (set by .ci/run) or the cache of
 * scripts/cached-runtime.sh; `undefined` prints `SKIPPED <name>: <reason>` so the suite says why.
 */
export function runtimeBinary(name: 'bun' | 'deno' | 'workerd', version: string): string | undefined {
  const fromEnvironment = process.env[`OTELITE_${name.toUpperCase()}_BINARY`];
  if (fromEnvironment) return fromEnvironment;
  try {
    return execFileSync(join(root, 'scripts/cached-runtime.sh'), [name, version], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch (error) {
    console.log(`SKIPPED ${name}: ${name}@${version} could not be installed (${String(error).split('\n')[0]})`);
    return undefined;
  }
}

/**
 * A folder outside the repository where `import 'otelite'` resolves to this checkout's built package.
 * With `api: '1.10'`, `@opentelemetry/api` there is 1.10.0 (the test-only `@opentelemetry/api-1.10`)
 * for the program and for otelite alike, as for someone who installs both today: otelite is then a copy
 * of the package (package.json and dist/), since a symlinked one would load the API next to its real path.
 */
export function consumerFolder(fixtures: string[], options: { api?: '1.9' | '1.10' } = {}): string {
  if (!existsSync(join(root, 'dist/src/index.js'))) throw new Error('dist/ is not built: run npm run build');
  const folder = mkdtempSync(join(tmpdir(), 'otelite-runtime-'));
  mkdirSync(join(folder, 'node_modules/@opentelemetry'), { recursive: true });
  if (options.api === '1.10') {
    mkdirSync(join(folder, 'node_modules/otelite'));
    copyFileSync(join(root, 'package.json'), join(folder, 'node_modules/otelite/package.json'));
    cpSync(join(root, 'dist'), join(folder, 'node_modules/otelite/dist'), { recursive: true });
    symlinkSync(join(root, 'node_modules/@opentelemetry/api-1.10'), join(folder, 'node_modules/@opentelemetry/api'));
  } else {
    symlinkSync(root, join(folder, 'node_modules/otelite'));
    symlinkSync(join(root, 'node_modules/@opentelemetry/api'), join(folder, 'node_modules/@opentelemetry/api'));
  }
  symlinkSync(join(root, 'node_modules/@bufbuild'), join(folder, 'node_modules/@bufbuild'));
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ type: 'module', private: true, dependencies: { otelite: '*', '@opentelemetry/api': '*' } }),
  );
  for (const fixture of fixtures) copyFileSync(join(import.meta.dirname, 'fixtures', fixture), join(folder, fixture));
  return folder;
}

/** What test/runtimes/fixtures/attach-checks.mjs reports. */
export interface AttachCheckResults {
  checks: Record<string, boolean | string>;
  warnings: string[];
}

/**
 * Asserts what attach-checks.mjs found: every check held, the spans started under attached contexts
 * have the attached span as parent, and the only warnings are otelite's two misuse reports.
 */
export function expectAttachChecks(results: AttachCheckResults, spans: ReceivedSpan[], concurrentAttaches?: string): void {
  const { concurrentAttaches: seenConcurrent, ...checks } = results.checks;
  expect(Object.keys(checks).length).toBeGreaterThanOrEqual(11);
  expect(checks).toEqual(Object.fromEntries(Object.keys(checks).map((name) => [name, true])));
  expect(seenConcurrent).toBe(concurrentAttaches);
  expect(results.warnings).toHaveLength(2);
  expect(results.warnings.filter((warning) => warning.includes('disposed twice'))).toHaveLength(1);
  expect(results.warnings.filter((warning) => warning.includes('still active'))).toHaveLength(1);
  const named = (name: string): ReceivedSpan => only(spans, (span) => span.name === name, `span ${name}`);
  const outer = named('attach-outer');
  const inner = named('attach-inner');
  expect({
    inner: inner.parentSpanId,
    leaf: named('attach-leaf').parentSpanId,
    afterDispose: named('attach-after-dispose').parentSpanId,
  }).toEqual({ inner: outer.spanId, leaf: inner.spanId, afterDispose: outer.spanId });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `binary args` in `cwd` to its end (bounded by a generous timeout), never rejecting. */
export function run(binary: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      binary,
      args,
      { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A receiver on 127.0.0.1, port 0, printing nothing. */
export function receiver(): Promise<Receiver> {
  return startReceiver({ port: 0, print: false });
}

/** The one span named `name`; fails the test with the names seen when there is not exactly one. */
export function only(spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${what}, found ${found.length} among ${spans.map((span) => `${span.kind} ${span.name} ${String(span.attributes['url.path'] ?? span.attributes['url.full'] ?? '')}`).join(', ')}`,
    );
  }
  return found[0] as ReceivedSpan;
}

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A folder outside the repository where `import 'otelite'` resolves to this checkout's built package. */
export function consumerFolder(fixtures: string[]): string {
  if (!existsSync(join(root, 'dist/src/index.js'))) throw new Error('dist/ is not built: run npm run build');
  const folder = mkdtempSync(join(tmpdir(), 'otelite-runtime-'));
  mkdirSync(join(folder, 'node_modules/@opentelemetry'), { recursive: true });
  symlinkSync(root, join(folder, 'node_modules/otelite'));
  symlinkSync(join(root, 'node_modules/@opentelemetry/api'), join(folder, 'node_modules/@opentelemetry/api'));
  symlinkSync(join(root, 'node_modules/@bufbuild'), join(folder, 'node_modules/@bufbuild'));
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ type: 'module', private: true, dependencies: { otelite: '*', '@opentelemetry/api': '*' } }),
  );
  for (const fixture of fixtures) copyFileSync(join(import.meta.dirname, 'fixtures', fixture), join(folder, fixture));
  return folder;
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

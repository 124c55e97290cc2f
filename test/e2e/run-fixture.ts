import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The fixtures import the BUILT package by name and run with plain `node`, as an application does. */
export const root = process.cwd();
export const built = existsSync(join(root, 'dist/src/index.js'));
export const skippedWithoutBuild = built ? '' : ' (skipped: dist/ is missing; run npm run build)';

/**
 * Per-test timeout of the suites that run fixtures: child processes start slowly on a loaded 2-core
 * machine. A hang guard, not a timing assertion; the fixture itself is killed a little earlier.
 */
export const TEST_TIMEOUT_MILLIS = 90_000;

/** How a fixture process ended, as its parent saw it. */
export interface FixtureEnding {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunFixtureOptions {
  /** Extra environment (over the parent's, with otelite's own variables cleared). */
  env?: Record<string, string>;
  /** Sent once the fixture prints "ready" (and `signalAfter`, when given, has resolved). */
  signalWhenReady?: NodeJS.Signals;
  /** Holds `signalWhenReady` back until it resolves as well. */
  signalAfter?: Promise<unknown>;
  /** The process is killed (and the run rejected) after this long: a generous hang guard, not a timing assertion. */
  killAfterMillis?: number;
  /** Extra `node` arguments before the fixture path. */
  nodeArguments?: string[];
}

/** Runs `test/e2e/fixtures/<name>` with `args` and resolves with how it ended. */
export function runFixture(name: string, args: string[], options: RunFixtureOptions = {}): Promise<FixtureEnding> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
    Object.assign(env, options.env);
    const child = spawn(process.execPath, [...(options.nodeArguments ?? []), join(root, 'test/e2e/fixtures', name), ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture ${name} ${args.join(' ')} did not end; stdout: ${stdout}; stderr: ${stderr}`));
    }, options.killAfterMillis ?? 80_000);
    const signal = options.signalWhenReady;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!signalled && signal !== undefined && stdout.includes('ready\n')) {
        signalled = true;
        void Promise.resolve(options.signalAfter).then(() => child.kill(signal));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

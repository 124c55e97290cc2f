import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../src/platform/node/receiver/index.js';

// The fixture imports the BUILT package by name and runs with plain `node`, as an application does.
const root = process.cwd();
const built = existsSync(join(root, 'dist/src/index.js'));
const fixture = join(root, 'test/e2e/fixtures/init-exit.mjs');

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the fixture in `mode`; sends SIGTERM once it prints "ready" (when it waits for one). */
function run(mode: string, endpoint: string): Promise<Ending> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, mode], {
      cwd: root,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: '', OTEL_TRACES_EXPORTER: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture ${mode} did not end`));
    }, 12_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) child.kill('SIGTERM');
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describe.skipIf(!built)(`graceful shutdown of a process that called init()${built ? '' : ' (skipped: dist/ is missing; run npm run build)'}`, () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, print: false });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  function receivedFrom(service: string): string[] {
    return receiver
      .spans()
      .filter((span) => span.serviceName === service)
      .map((span) => span.name)
      .sort();
  }

  it('SIGTERM with no application handler: spans ended just before are delivered, and the process dies of SIGTERM as usual', async () => {
    const ending = await run('signal', receiver.url);
    expect(ending).toEqual({ code: null, signal: 'SIGTERM' });
    expect(receivedFrom('init-exit-signal')).toEqual(['child', 'parent']);
  });

  it('SIGTERM with an application handler calling process.exit(3): spans are delivered and the exit code stays 3', async () => {
    const ending = await run('signal-handler', receiver.url);
    expect(ending).toEqual({ code: 3, signal: null });
    expect(receivedFrom('init-exit-signal-handler')).toEqual(['child', 'parent']);
  });

  it('a script that just ends: beforeExit flushes its spans and it exits 0', async () => {
    const ending = await run('just-ends', receiver.url);
    expect(ending).toEqual({ code: 0, signal: null });
    expect(receivedFrom('init-exit-just-ends')).toEqual(['child', 'parent']);
  });
});

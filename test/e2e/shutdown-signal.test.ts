import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../src/platform/node/receiver/index.js';
import { startBrokenCollector, type BrokenCollector } from './broken-collectors.js';
import { built, runFixture, skippedWithoutBuild, TEST_TIMEOUT_MILLIS, type FixtureEnding } from './run-fixture.js';

/**
 * Runs the init-exit fixture in `mode` against `endpoint`; sends SIGTERM once it prints "ready" (when it
 * waits for one). Against a working receiver the exit bound is raised to 30 s, so that a loaded machine
 * starting the sending thread slowly cannot make delivery flaky; against a broken collector the default
 * (2 s) applies.
 */
function run(mode: string, endpoint: string, exitBound: 'default' | 'generous' = 'generous'): Promise<FixtureEnding> {
  const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
  if (exitBound === 'generous') env.FIXTURE_EXPORT_AT_EXIT_TIMEOUT = '30000';
  return runFixture('init-exit.mjs', [mode], { env, signalWhenReady: 'SIGTERM' });
}

function outcome(ending: FixtureEnding): { code: number | null; signal: NodeJS.Signals | null } {
  return { code: ending.code, signal: ending.signal };
}

describe.skipIf(!built).concurrent(`how a process that called init() ends, and what it delivers${skippedWithoutBuild}`, () => {
  let receiver: Receiver;
  let hanging: BrokenCollector;
  let refused: BrokenCollector;
  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, print: false });
    hanging = await startBrokenCollector('hanging');
    refused = await startBrokenCollector('refused');
  });
  afterAll(async () => {
    await receiver?.close();
    await hanging?.close();
    await refused?.close();
  });

  function receivedFrom(mode: string): string[] {
    return receiver
      .spans()
      .filter((span) => span.serviceName === `init-exit-${mode}`)
      .map((span) => span.name)
      .sort();
  }

  it(
    'SIGTERM with no application handler: spans ended just before are delivered, and the process dies of SIGTERM as usual',
    async () => {
      const ending = await run('signal', receiver.url);
      expect(outcome(ending)).toEqual({ code: null, signal: 'SIGTERM' });
      expect(receivedFrom('signal')).toEqual(['child', 'parent']);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'SIGTERM with an application handler calling process.exit(3): nothing after process.exit runs, the code is 3, the spans are delivered',
    async () => {
      const ending = await run('signal-handler', receiver.url);
      expect(outcome(ending)).toEqual({ code: 3, signal: null });
      expect(ending.stdout).toBe('ready\n');
      expect(receivedFrom('signal-handler')).toEqual(['child', 'parent']);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'a script that just ends: beforeExit flushes its spans and it exits 0',
    async () => {
      const ending = await run('just-ends', receiver.url);
      expect(outcome(ending)).toEqual({ code: 0, signal: null });
      expect(receivedFrom('just-ends')).toEqual(['child', 'parent']);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'process.exit(3) right after the spans end: they are sent at exit and the code stays 3',
    async () => {
      const ending = await run('exit', receiver.url);
      expect(outcome(ending)).toEqual({ code: 3, signal: null });
      expect(receivedFrom('exit')).toEqual(['child', 'parent']);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'process.exit(3) from a timer: the spans are sent at exit and the code stays 3',
    async () => {
      const ending = await run('exit-later', receiver.url);
      expect(outcome(ending)).toEqual({ code: 3, signal: null });
      expect(receivedFrom('exit-later')).toEqual(['child', 'parent']);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'an uncaught exception: the spans are sent, Node still prints the error and exits 1',
    async () => {
      const ending = await run('uncaught', receiver.url);
      expect(outcome(ending)).toEqual({ code: 1, signal: null });
      expect(ending.stderr).toContain('uncaught in the fixture');
      expect(receivedFrom('uncaught')).toEqual(['child', 'parent']);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'an unhandled rejection: the spans are sent, Node still prints the error and exits 1',
    async () => {
      const ending = await run('unhandled-rejection', receiver.url);
      expect(outcome(ending)).toEqual({ code: 1, signal: null });
      expect(ending.stderr).toContain('unhandled in the fixture');
      expect(receivedFrom('unhandled-rejection')).toEqual(['child', 'parent']);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'exportAtExitTimeoutMillis 0: nothing is sent at exit (what delivers the spans above is the exit export)',
    async () => {
      const ending = await run('exit-disabled', receiver.url);
      expect(outcome(ending)).toEqual({ code: 3, signal: null });
      expect(receivedFrom('exit-disabled')).toEqual([]);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'process.exit(3) with a collector that never answers: the exit is held only up to the bound, and the code stays 3',
    async () => {
      const ending = await run('exit', hanging.url, 'default');
      expect(outcome(ending)).toEqual({ code: 3, signal: null });
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'process.exit(3) with a collector that refuses connections: the code stays 3',
    async () => {
      const ending = await run('exit', refused.url, 'default');
      expect(outcome(ending)).toEqual({ code: 3, signal: null });
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'an uncaught exception with a collector that never answers: the code stays 1',
    async () => {
      const ending = await run('uncaught', hanging.url, 'default');
      expect(outcome(ending)).toEqual({ code: 1, signal: null });
    },
    TEST_TIMEOUT_MILLIS,
  );
});

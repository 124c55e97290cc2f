import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedCollector, type RequestFate, type ScriptedCollector, type TakenSpan } from './scripted-collector.js';
import { built, runFixture, skippedWithoutBuild, TEST_TIMEOUT_MILLIS } from './run-fixture.js';

/**
 * A Next.js-shaped shutdown (the application's SIGTERM handler calls process.exit(143)) while otelite's
 * scheduled export, its SIGTERM background flush and the synchronous send at `exit` overlap: every span
 * must reach the collector exactly once. The collector's script decides each request's fate per
 * service; `hold` takes a request and never answers, so the request is delivered but still in flight
 * when the process exits (the case that used to deliver its spans twice).
 */

const ALL = ['a1', 'a2', 'a3', 'b1', 'b2'];

interface Case {
  readonly title: string;
  /** The fate of the fixture's request number `index` (the at-exit request included). */
  readonly fate: (index: number) => RequestFate;
  /** When the fixture's SIGTERM handler calls process.exit(143). */
  readonly exitWhen: 'sync' | 'immediate' | number;
}

const cases: Case[] = [
  {
    title: 'the scheduled export written and unanswered, exit in the handler',
    fate: (i) => (i === 0 ? 'hold' : 'accept'),
    exitWhen: 'sync',
  },
  {
    title: 'the scheduled export written and unanswered, exit on setImmediate',
    fate: (i) => (i === 0 ? 'hold' : 'accept'),
    exitWhen: 'immediate',
  },
  { title: 'the scheduled export written and unanswered, exit after 20 ms', fate: (i) => (i === 0 ? 'hold' : 'accept'), exitWhen: 20 },
  { title: 'the SIGTERM flush written and unanswered, exit after 300 ms', fate: (i) => (i === 1 ? 'hold' : 'accept'), exitWhen: 300 },
  { title: 'every request answered, the SIGTERM flush done before the exit (300 ms)', fate: () => 'accept', exitWhen: 300 },
  { title: 'every request answered, exit on setImmediate', fate: () => 'accept', exitWhen: 'immediate' },
];

// Real failures: the first request is read and lost, so its spans must still arrive (at least once).
const failures: Case[] = [
  { title: 'the connection reset after the collector read the request', fate: (i) => (i === 0 ? 'reset' : 'accept'), exitWhen: 'sync' },
  {
    title: 'the collector answered 503 (the exporter waits to retry)',
    fate: (i) => (i === 0 ? 'unavailable' : 'accept'),
    exitWhen: 'sync',
  },
];

function namesOf(taken: TakenSpan[], service: string): string[] {
  return taken
    .filter((span) => span.service === service)
    .map((span) => span.name)
    .sort();
}

describe.skipIf(!built).concurrent(`SIGTERM handled with process.exit(143): every span arrives exactly once${skippedWithoutBuild}`, () => {
  let collector: ScriptedCollector;
  const scripts = new Map<string, (index: number) => RequestFate>();
  beforeAll(async () => {
    collector = await startScriptedCollector((index, service) => scripts.get(service)?.(index) ?? 'accept');
  });
  afterAll(async () => {
    await collector?.close();
  });

  const run = async (service: string, testCase: Case, signalAfter: Promise<unknown>) => {
    scripts.set(service, testCase.fate);
    return runFixture('exit-overlap.mjs', [service, String(testCase.exitWhen)], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
      signalWhenReady: 'SIGTERM',
      signalAfter,
    });
  };

  cases.forEach((testCase, n) => {
    it(
      testCase.title,
      async () => {
        const service = `exit-overlap-${n}`;
        // SIGTERM once the collector has read the scheduled export of a1..a3.
        const firstRead = collector.until((_taken, requests) => (requests.get(service) ?? 0) >= 1);
        const ending = await run(service, testCase, firstRead);
        expect({ code: ending.code, signal: ending.signal }).toEqual({ code: 143, signal: null });
        expect(namesOf(collector.taken(), service)).toEqual(ALL);
      },
      TEST_TIMEOUT_MILLIS,
    );
  });

  it(
    'the scheduled export not written whole (the collector does not read): it is sent again at exit, once',
    async () => {
      const service = 'exit-overlap-unwritten';
      let stalled!: () => void;
      const connected = new Promise<void>((resolve) => {
        stalled = resolve;
      });
      const stalling = await startScriptedCollector(() => 'accept', { stalledConnections: 1, onStalled: () => stalled() });
      try {
        const ending = await runFixture('exit-overlap.mjs', [service, 'sync', 'big'], {
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: stalling.url },
          signalWhenReady: 'SIGTERM',
          signalAfter: connected,
        });
        expect({ code: ending.code, signal: ending.signal }).toEqual({ code: 143, signal: null });
        expect(namesOf(stalling.taken(), service)).toEqual(ALL);
      } finally {
        await stalling.close();
      }
    },
    TEST_TIMEOUT_MILLIS,
  );

  failures.forEach((testCase, n) => {
    it(
      `${testCase.title}: the spans of the lost request are sent at exit`,
      async () => {
        const service = `exit-overlap-failure-${n}`;
        const firstRead = collector.until((_taken, requests) => (requests.get(service) ?? 0) >= 1);
        const ending = await run(service, testCase, firstRead);
        expect({ code: ending.code, signal: ending.signal }).toEqual({ code: 143, signal: null });
        expect(namesOf(collector.taken(), service)).toEqual(ALL);
      },
      TEST_TIMEOUT_MILLIS,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../src/platform/node/receiver/index.js';
import { built, runFixture, skippedWithoutBuild, TEST_TIMEOUT_MILLIS } from './run-fixture.js';

describe.skipIf(!built)(`span times follow the wall clock when it is stepped under a running process${skippedWithoutBuild}`, () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, print: false });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it(
    'start times stay within 1 ms of Date.now() at start; durations stay monotonic; explicit times stay exact',
    async () => {
      const ending = await runFixture('stepped-clock.mjs', ['stepped-clock'], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
      expect(ending.code, ending.stderr).toBe(0);
      const starts = ending.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { name: string; before: number; after: number });
      const spans = new Map(
        receiver
          .spans()
          .filter((span) => span.serviceName === 'stepped-clock')
          .map((span) => [span.name, span]),
      );
      expect(starts.map((entry) => entry.name)).toEqual([
        'before any step',
        'across the forward step',
        'after the forward step',
        'after the backward step',
      ]);
      for (const { name, before, after } of starts) {
        const span = spans.get(name);
        expect(span, name).toBeDefined();
        const startMillis = Number(span!.startTimeUnixNano) / 1e6;
        // Date.now() counts whole milliseconds: the start lies within 1 ms of the readings around it.
        expect(startMillis, name).toBeGreaterThanOrEqual(before - 1);
        expect(startMillis, name).toBeLessThanOrEqual(after + 1);
      }
      // Started before the one-hour step and ended after it: its duration is the monotonic time it ran
      // (about 40 ms of busy waiting), not an hour.
      const across = spans.get('across the forward step')!;
      const acrossMillis = Number(across.endTimeUnixNano - across.startTimeUnixNano) / 1e6;
      expect(acrossMillis).toBeGreaterThanOrEqual(39);
      expect(acrossMillis).toBeLessThan(60_000);
      const backwards = spans.get('after the backward step')!;
      expect(backwards.endTimeUnixNano).toBeGreaterThan(backwards.startTimeUnixNano);
      const explicit = spans.get('explicit date')!;
      expect(explicit.startTimeUnixNano).toBe(1796153629884000000n);
      expect(explicit.endTimeUnixNano).toBe(1796153629885000000n);
    },
    TEST_TIMEOUT_MILLIS,
  );
});

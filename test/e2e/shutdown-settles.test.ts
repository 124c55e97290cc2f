import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokenCollector, type BrokenCollector, type CollectorFault } from './broken-collectors.js';
import { built, runFixture, skippedWithoutBuild, TEST_TIMEOUT_MILLIS } from './run-fixture.js';

// Each export may take at most 1.5 s, each request 500 ms: the calls must settle within those bounds
// and the job must go on to print "done" and exit 0 (not Node's exit 13, "unsettled top-level await").
const env = { OTEL_BSP_EXPORT_TIMEOUT: '1500', OTEL_EXPORTER_OTLP_TIMEOUT: '500' };

describe.skipIf(!built).concurrent(`await shutdown() / forceFlush() with the collector down${skippedWithoutBuild}`, () => {
  const collectors = new Map<CollectorFault, BrokenCollector>();
  beforeAll(async () => {
    for (const fault of ['refused', 'reset', 'hanging'] as const) collectors.set(fault, await startBrokenCollector(fault));
  });
  afterAll(async () => {
    for (const collector of collectors.values()) await collector.close();
  });

  for (const fault of ['refused', 'reset', 'hanging'] as const) {
    for (const mode of ['init-shutdown', 'init-flush', 'provider-shutdown']) {
      it(
        `${mode}, collector ${fault}: the promise settles, the code after it runs, the exit code is 0`,
        async () => {
          const collector = collectors.get(fault) as BrokenCollector;
          const ending = await runFixture('shutdown-settles.mjs', [mode], { env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } });
          expect(ending.stdout, ending.stderr).toBe('done\n');
          expect({ code: ending.code, signal: ending.signal }).toEqual({ code: 0, signal: null });
          if (fault !== 'refused') expect(collector.connections()).toBeGreaterThan(0);
        },
        TEST_TIMEOUT_MILLIS,
      );
    }
  }
});

describe.skipIf(!built).concurrent(`await shutdown() / forceFlush() while name resolution hangs${skippedWithoutBuild}`, () => {
  // The collector's name takes 20 s to fail to resolve (test/e2e/fixtures/slow-dns.cjs): far past the
  // 1.5 s export bound, so "done" must be printed before the lookup answers.
  for (const mode of ['init-shutdown', 'init-flush', 'provider-shutdown']) {
    it(
      `${mode}, slow DNS: the promise settles within its bound, before the lookup answers`,
      async () => {
        const ending = await runFixture('shutdown-settles.mjs', [mode], {
          nodeArguments: ['--require', fileURLToPath(new URL('fixtures/slow-dns.cjs', import.meta.url))],
          env: { ...env, SLOW_DNS_MILLIS: '20000', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.slow-dns.test:4318' },
        });
        expect(ending.stdout.split('\n')[0], ending.stderr).toBe('done');
        expect(ending.stdout).toContain('lookup answered\n');
        expect({ code: ending.code, signal: ending.signal }).toEqual({ code: 0, signal: null });
      },
      TEST_TIMEOUT_MILLIS,
    );
  }
});

/**
 * What the saturated server's GC does per variant: each variant's server under `--trace-gc-nvp`, a warm-up
 * burst of `wrk -t1 -c32`, then measured bursts; prints, per variant, the scavenges and mark-compacts in
 * the measured bursts, the bytes each scavenge promoted to the old generation (median), promoted bytes and
 * main-thread CPU per request. Objects that live across two scavenges are promoted, and promoted garbage
 * is what mark-compacts collect: a variant promoting more per scavenge than another is keeping objects
 * alive longer (see BENCHMARKS.md, "Main-thread time by part, and the export's GC").
 *
 *   node bench/experiments/gc-saturated.mjs [variants] [bursts] [seconds]
 *   GC_SERVER=account BENCH_NODES=24.22.3 node bench/experiments/gc-saturated.mjs full,no-send,floor
 *
 * Variants are bench/saturated/server.cjs's (default `untraced,otelite,floor`), or with `GC_SERVER=account`
 * bench/account/server.mjs's (`full`, `no-send`, `no-export`, ...). `BENCH_OTELITE_DIST` picks the build.
 */

import { fileURLToPath } from 'node:url';
import { ask, startHelper, stopHelper } from '../lib/fork.mjs';
import { experimentNode } from '../lib/node-binaries.mjs';
import { OTELITE_DIST } from '../lib/otelite.mjs';
import { mainThreadCpuMicros } from '../lib/process-cpu.mjs';
import { findWrk, runWrk } from '../lib/wrk.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(
  new URL(process.env.GC_SERVER === 'account' ? '../account/server.mjs' : '../saturated/server.cjs', import.meta.url),
);
const [variantsArg, burstsArg, secondsArg] = process.argv.slice(2);
const variants = (variantsArg ?? 'untraced,otelite,floor').split(',');
const bursts = Number(burstsArg) || 3;
const seconds = Number(secondsArg) || 3;
const node = experimentNode();
const wrk = findWrk();
if (wrk.skipped || node.skipped) throw new Error(wrk.skipped ?? node.skipped);

const median = (values) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The `--trace-gc-nvp` lines of `text`: `{ kind, promoted }` (kind `s` for a scavenge, `mc`/`ms` for mark-compacts). */
function collections(text) {
  const found = [];
  for (const line of text.split('\n')) {
    const kind = / gc=(\w+) /.exec(line)?.[1];
    if (kind === undefined) continue;
    found.push({ kind, promoted: Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0) });
  }
  return found;
}

const receiver = await startHelper(RECEIVER, []);
try {
  const base = `http://127.0.0.1:${receiver.ready.port}`;
  console.log(`Node ${node.version}, ${bursts} bursts of ${seconds} s per variant after a warm-up burst, wrk -t1 -c32`);
  for (const variant of variants) {
    const env = { ...process.env, OTEL_TRACES_SAMPLER: variant === 'otelite-unsampled' ? 'always_off' : 'parentbased_always_on' };
    const server = await startHelper(SERVER, [variant, base, OTELITE_DIST], {
      execPath: node.path,
      execArgv: ['--trace-gc-nvp'],
      env,
      captureStdout: true,
    });
    const { child, ready } = server;
    try {
      await runWrk(wrk.path, `http://127.0.0.1:${ready.port}/`, { seconds: 2 });
      await ask(child, { type: 'flush' }, 60_000);
      let served = 0;
      let cpu = 0;
      const measured = [];
      for (let burst = 0; burst < bursts; burst++) {
        const before = await ask(child, { type: 'flush' }, 60_000);
        const mark = server.stdout().length;
        const cpuBefore = mainThreadCpuMicros(ready.pid);
        await runWrk(wrk.path, `http://127.0.0.1:${ready.port}/`, { seconds });
        const after = await ask(child, { type: 'flush' }, 60_000);
        cpu += mainThreadCpuMicros(ready.pid) - cpuBefore;
        served += after.requests - before.requests;
        measured.push(...collections(server.stdout().slice(mark)));
      }
      const scavenges = measured.filter((c) => c.kind === 's');
      const markCompacts = measured.filter((c) => c.kind === 'mc' || c.kind === 'ms');
      const promoted = measured.reduce((sum, c) => sum + c.promoted, 0);
      console.log(
        `${variant.padEnd(18)} scavenges ${String(scavenges.length).padStart(4)}, mark-compacts ${String(markCompacts.length).padStart(3)}, ` +
          `promoted per scavenge ${Math.round(median(scavenges.map((c) => c.promoted)))} B (median), ` +
          `${(promoted / served).toFixed(1)} B per request, main thread ${(cpu / served).toFixed(2)} µs per request`,
      );
    } finally {
      await stopHelper(child);
    }
  }
} finally {
  await stopHelper(receiver.child);
}

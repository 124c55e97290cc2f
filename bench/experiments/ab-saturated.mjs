/**
 * Two otelite builds side by side under the saturated-server case's load (bench/cases/saturated-server.mjs:
 * `wrk -t1 -c32` on the same hello-world server, OTLP/protobuf to the same receiver), with the untraced
 * server and the floor tracer, interleaved round by round, to tell whether a change moves the added
 * main-thread CPU per request by less than a full bench run resolves:
 *
 *   node bench/experiments/ab-saturated.mjs <dist A> <dist B> [rounds] [seconds]
 *   BENCH_NODES=24.22.3 node bench/experiments/ab-saturated.mjs ...
 *
 * Prints, per variant, the median (min–max) of the per-round added main-thread CPU over untraced (µs per
 * request) and of the per-round kept throughput, and the median of B − A taken round by round.
 * `AB_REFERENCES` names the reference variants run beside them (default `floor`; any of
 * bench/saturated/server.cjs's, e.g. `floor,context-only,otelite-unsampled`, the last one with
 * `OTEL_TRACES_SAMPLER=always_off`, as in the bench).
 *
 * `AB_SETS` (default 3) splits the rounds between that many sets of server processes, each started and
 * warmed up afresh, as the bench case does: one process per build is one draw of what V8's
 * young-generation sizing settles into (two processes of the same build were seen 1.4 µs per request
 * apart), so A and B are also printed set by set. `AB_VERBOSE=1` prints every burst.
 */

import { fileURLToPath } from 'node:url';
import { ask, startHelper, stopHelper } from '../lib/fork.mjs';
import { experimentNode } from '../lib/node-binaries.mjs';
import { median } from '../lib/stats.mjs';
import { mainThreadCpuMicros } from '../lib/process-cpu.mjs';
import { findWrk, runWrk } from '../lib/wrk.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../saturated/server.cjs', import.meta.url));
const [distA, distB, roundsArg, secondsArg] = process.argv.slice(2);
if (!distA || !distB) {
  console.error('usage: node bench/experiments/ab-saturated.mjs <dist A> <dist B> [rounds] [seconds]');
  process.exit(2);
}
const rounds = Number(roundsArg) || 8;
const seconds = Number(secondsArg) || 2;
const sets = Math.min(rounds, Number(process.env.AB_SETS) || 3);
const node = experimentNode();
const wrk = findWrk();
if (wrk.skipped || node.skipped) throw new Error(wrk.skipped ?? node.skipped);

const VARIANTS = [
  ['untraced', 'untraced', distA],
  ['A', 'otelite', distA],
  ['B', 'otelite', distB],
  ...(process.env.AB_REFERENCES ?? 'floor').split(',').map((variant) => [variant, variant, distA]),
];

async function burst(server, receiver) {
  await ask(receiver.child, { type: 'stats' });
  const before = await ask(server.child, { type: 'served' });
  const cpuBefore = mainThreadCpuMicros(server.ready.pid);
  const load = await runWrk(wrk.path, `http://127.0.0.1:${server.ready.port}/`, { seconds });
  const after = await ask(server.child, { type: 'flush' }, 60_000);
  const cpu = mainThreadCpuMicros(server.ready.pid) - cpuBefore;
  const { spans } = await ask(receiver.child, { type: 'stats' });
  const served = after.requests - before.requests;
  return { rps: load.requestsPerSecond, main: cpu / served, served, spans };
}

const helpers = [];
const results = Object.fromEntries(VARIANTS.map(([label]) => [label, []]));
/** The first round of each set. */
const setStarts = [];
try {
  const receiver = await startHelper(RECEIVER, []);
  helpers.push(receiver);
  const base = `http://127.0.0.1:${receiver.ready.port}`;
  let round = 0;
  for (let set = 0; set < sets; set++) {
    const servers = {};
    try {
      for (const [label, variant, dist] of VARIANTS) {
        const env = { ...process.env, OTEL_TRACES_SAMPLER: variant === 'otelite-unsampled' ? 'always_off' : 'parentbased_always_on' };
        servers[label] = await startHelper(SERVER, [variant, base, dist], { execPath: node.path, env });
        await burst(servers[label], receiver);
      }
      setStarts.push(round);
      // This set's share of the rounds; the rotation of the order goes on across sets.
      for (const end = Math.round(((set + 1) * rounds) / sets); round < end; round++) {
        for (let i = 0; i < VARIANTS.length; i++) {
          const [label] = VARIANTS[(i + round) % VARIANTS.length];
          const result = await burst(servers[label], receiver);
          results[label].push(result);
          if (process.env.AB_VERBOSE)
            console.log(`set ${set} round ${round} ${label}: main ${result.main.toFixed(2)} µs/request, ${Math.round(result.rps)} req/s`);
        }
      }
    } finally {
      await Promise.all(Object.values(servers).map((server) => stopHelper(server.child)));
    }
  }
} finally {
  await Promise.all(helpers.map((helper) => stopHelper(helper.child)));
}

const untraced = results.untraced;
const f = (x) => x.toFixed(2);
console.log(`Node ${node.version}, ${rounds} rounds of ${seconds} s in ${sets} sets of server processes, wrk -t1 -c32`);
console.log(`untraced: main ${f(median(untraced.map((r) => r.main)))} µs/request, ${Math.round(median(untraced.map((r) => r.rps)))} req/s`);
for (const [label, variant] of VARIANTS.slice(1)) {
  const added = results[label].map((r, i) => r.main - untraced[i].main);
  const kept = results[label].map((r, i) => r.rps / untraced[i].rps);
  // Only the variants that export spans are held to one span per request.
  const exports = variant === 'otelite' || variant === 'floor';
  const missing = exports ? results[label].filter((r) => r.spans < r.served).length : 0;
  console.log(
    `${label.padEnd(6)} added main ${f(median(added))} µs (${f(Math.min(...added))}–${f(Math.max(...added))}), kept ${f(median(kept))}× (${f(Math.min(...kept))}–${f(Math.max(...kept))})${missing ? `, ${missing} bursts short of spans` : ''}`,
  );
}
const bySet = (label) =>
  setStarts
    .map((start, set) => {
      const end = setStarts[set + 1] ?? rounds;
      return f(median(results[label].slice(start, end).map((r, i) => r.main - untraced[start + i].main)));
    })
    .join(', ');
console.log(`added main per set: A ${bySet('A')}; B ${bySet('B')}`);
const delta = results.B.map((r, i) => r.main - results.A[i].main);
console.log(`B − A, round by round: median ${f(median(delta))} µs (${f(Math.min(...delta))}–${f(Math.max(...delta))})`);

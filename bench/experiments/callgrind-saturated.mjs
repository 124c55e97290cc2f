/**
 * The saturated-server case's own load, counted by callgrind instead of timed: each variant's server
 * (bench/saturated/server.cjs, the same hello-world server, `init()` and floor tracer as the bench)
 * runs under `valgrind --tool=callgrind` with its simulated caches and branch predictor, `wrk -t1 -c32`
 * keeps it saturated (32 requests in flight, as in the bench, where the account case's client keeps 4),
 * and one window of steady load is counted: instructions, L1 and last-level misses, mispredicted
 * branches and callgrind's cycle estimate per request, main thread and all threads, each variant's
 * difference from the first. The counts do not depend on the machine's load, so on a machine whose
 * timings spread too far this still tells two builds or variants apart.
 *
 *   node bench/experiments/callgrind-saturated.mjs [variants] [warm-up seconds] [window seconds]
 *   BENCH_NODES=24.22.3 node bench/experiments/callgrind-saturated.mjs untraced,otelite,floor,otelite,floor 40 60
 *   node bench/experiments/callgrind-saturated.mjs untraced,otelite@/tmp/a/dist,otelite@/tmp/b/dist  (two builds)
 *
 * Per variant: the server starts with instrumentation off, `wrk` warms it up (JIT tiers, the young
 * generation's size), the server flushes (nothing queued is left from the warm-up), instrumentation
 * goes on, the window's `wrk` burst runs, the server flushes again (every span of the window exported),
 * and callgrind dumps. The window thus holds the burst and the export of all its spans; requests are
 * the server's own count over it. Caches are this VM's (`--I1=65536,8,64 --D1=49152,12,64` and its
 * 2 MiB L2 as the last level, as `COUNT_CACHE=l2` in count-variants.mjs; `CALLGRIND_SATURATED_LL` sets
 * another, e.g. `8388608,16,64`); the cycle estimate is
 * Ir + 10 × (L1 misses + mispredicts) + 100 × LL misses. `BENCH_OTELITE_DIST` picks the build,
 * `COUNT_KEEP=1` keeps the callgrind files. Needs valgrind and wrk.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, findCallgrind, instrument } from '../lib/callgrind.mjs';
import { ask, startHelper, stopHelper } from '../lib/fork.mjs';
import { experimentNode } from '../lib/node-binaries.mjs';
import { median } from '../lib/stats.mjs';
import { OTELITE_DIST } from '../lib/otelite.mjs';
import { findWrk, runWrk } from '../lib/wrk.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../saturated/server.cjs', import.meta.url));
// `CALLGRIND_SATURATED_LL=<bytes>,<ways>,<line>` simulates another last level (a share of an L3, say).
const LL = process.env.CALLGRIND_SATURATED_LL ?? '2097152,16,64';
const CACHES = ['--cache-sim=yes', '--branch-sim=yes', '--I1=65536,8,64', '--D1=49152,12,64', `--LL=${LL}`];
const [variantsArg, warmUpArg, windowArg] = process.argv.slice(2);
const variants = (variantsArg ?? 'untraced,otelite,floor').split(',');
const warmUpSeconds = Number(warmUpArg) || 40;
const windowSeconds = Number(windowArg) || 60;
const node = experimentNode();
const wrk = findWrk();
const callgrind = findCallgrind();
const missing = node.skipped ?? wrk.skipped ?? callgrind.skipped;
if (missing) {
  console.error(`SKIPPED: ${missing}`);
  process.exit(0);
}

/** Summed event counts of one callgrind file (`totals:` or `summary:` against its `events:` line). */
function totalsOf(file) {
  let events = [];
  let totals;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('events:')) events = line.slice(7).trim().split(/\s+/);
    else if (line.startsWith('totals:') || line.startsWith('summary:')) totals = line.split(':')[1].trim().split(/\s+/).map(Number);
  }
  if (totals === undefined) throw new Error(`no totals in ${file}`);
  return Object.fromEntries(events.map((event, i) => [event, totals[i] ?? 0]));
}

/** The costs that the table prints, from callgrind's events. */
function costs(t) {
  const l1 = t.I1mr + t.D1mr + t.D1mw;
  const ll = t.ILmr + t.DLmr + t.DLmw;
  const mispredicts = t.Bcm + t.Bim;
  return { Ir: t.Ir, D1: t.D1mr + t.D1mw, L1: l1, LL: ll, Bm: mispredicts, CEst: t.Ir + 10 * (l1 + mispredicts) + 100 * ll };
}

const directory = mkdtempSync(join(os.tmpdir(), 'callgrind-saturated-'));
const receiver = await startHelper(RECEIVER, []);
const base = `http://127.0.0.1:${receiver.ready.port}`;
const rows = [];
try {
  for (const variant of variants) {
    // `otelite@<dist>` runs another build (an A/B of two builds in one run); the label keeps the suffix.
    const [kind, dist = OTELITE_DIST] = variant.split('@');
    const env = { ...process.env, OTEL_TRACES_SAMPLER: kind === 'otelite-unsampled' ? 'always_off' : 'parentbased_always_on' };
    const serverVariant = kind === 'otelite-unsampled' ? 'otelite' : kind;
    const server = await startHelper(SERVER, [serverVariant, base, dist], {
      execPath: 'valgrind',
      execArgv: [
        '--tool=callgrind',
        '--instr-atstart=no',
        '--separate-threads=yes',
        `--callgrind-out-file=${join(directory, `${kind}.%p`)}`,
        ...CACHES,
        node.path,
      ],
      env,
      timeoutMillis: 600_000,
    });
    const { pid, port } = server.ready;
    try {
      const url = `http://127.0.0.1:${port}/`;
      const warmUp = await runWrk(wrk.path, url, { seconds: warmUpSeconds });
      await ask(server.child, { type: 'flush' }, 600_000);
      await ask(receiver.child, { type: 'stats' }); // zeroes the receiver's count
      instrument(pid, true);
      const before = await ask(server.child, { type: 'served' }, 600_000);
      await runWrk(wrk.path, url, { seconds: windowSeconds });
      const after = await ask(server.child, { type: 'flush' }, 600_000);
      dump(pid);
      const spans = (await ask(receiver.child, { type: 'stats' })).spans;
      const requests = after.requests - before.requests;
      const files = readdirSync(directory).filter((name) => name.startsWith(`${kind}.${pid}.1-`));
      const main = costs(totalsOf(join(directory, `${kind}.${pid}.1-01`)));
      const all = files.map((name) => costs(totalsOf(join(directory, name)))).reduce((sum, c) => sum + c.CEst, 0);
      rows.push({ variant, warmUp: warmUp.requests, requests, spans, main, allCEst: all, threads: files.length });
    } finally {
      await stopHelper(server.child);
    }
  }
} finally {
  await stopHelper(receiver.child);
  if (process.env.COUNT_KEEP === '1') console.log(`callgrind files kept in ${directory}`);
  else rmSync(directory, { recursive: true, force: true });
}

const number = (value) => Math.round(value).toLocaleString('en-US');
console.log(
  `${node.label}, wrk -t1 -c32, per request over a window of ${windowSeconds} s after ${warmUpSeconds} s of warm-up (one process each; main thread unless stated; last level ${LL})`,
);
console.log(`warm-up requests: ${rows.map((row) => `${row.variant} ${number(row.warmUp)}`).join(', ')}`);
console.log(
  `${'variant'.padEnd(18)}${['requests', 'spans', 'Ir', 'D1 miss', 'L1 miss', 'LL miss', 'br miss', 'CEst', 'all CEst'].map((h) => h.padStart(11)).join('')}`,
);
const first = rows[0];
for (const row of rows) {
  const per = (value) => value / row.requests;
  const cells = [
    row.requests,
    row.spans,
    per(row.main.Ir),
    per(row.main.D1),
    per(row.main.L1),
    per(row.main.LL),
    per(row.main.Bm),
    per(row.main.CEst),
    row.allCEst / row.requests,
  ];
  let line = `${row.variant.padEnd(18)}${cells.map((value) => number(value).padStart(11)).join('')}`;
  if (row !== first) {
    const delta = (key) => per(row.main[key]) - first.main[key] / first.requests;
    line += `   vs ${first.variant}: Ir ${number(delta('Ir'))}, D1 ${number(delta('D1'))}, LL ${number(delta('LL'))}, CEst ${number(delta('CEst'))}, all threads ${number(row.allCEst / row.requests - first.allCEst / first.requests)}`;
  }
  console.log(line);
  const exportsSpans = row.variant.startsWith('otelite@') || row.variant === 'otelite' || row.variant === 'floor';
  if (exportsSpans && row.spans < row.requests)
    console.log(`  ${row.variant}: only ${row.spans} spans received for ${row.requests} requests`);
}

// Per variant, the median over its processes (a variant named twice runs twice): the added cycle
// estimate per request over untraced (main thread, and all threads), the kept throughput it implies
// for a server bound by its main thread (untraced / variant), and the added main-thread estimate as a
// ratio of the anchor's (opentelemetry-js 3.x when it ran, else 2.x): the saturated case's two figures,
// in simulated cycles instead of seconds.
const untraced = rows.filter((row) => row.variant === 'untraced');
if (untraced.length > 0) {
  const baseMain = median(untraced.map((row) => row.main.CEst / row.requests));
  const baseAll = median(untraced.map((row) => row.allCEst / row.requests));
  const summary = new Map();
  for (const row of rows) {
    if (row.variant === 'untraced') continue;
    const entry = summary.get(row.variant) ?? { main: [], all: [] };
    entry.main.push(row.main.CEst / row.requests - baseMain);
    entry.all.push(row.allCEst / row.requests - baseAll);
    summary.set(row.variant, entry);
  }
  const anchorName = summary.has('opentelemetry-js-3') ? 'opentelemetry-js-3' : 'opentelemetry-js';
  const anchor = summary.has(anchorName) ? median(summary.get(anchorName).main) : undefined;
  console.log('\nper variant, median over its processes (added cycle estimate per request over untraced):');
  for (const [variant, entry] of summary) {
    const main = median(entry.main);
    const spread = entry.main.length > 1 ? ` (${entry.main.map(number).join(', ')})` : '';
    const ratio = anchor === undefined ? '' : `, ${(main / anchor).toFixed(3)}× of ${anchorName}'s`;
    console.log(
      `  ${variant.padEnd(18)} main +${number(main)}${spread}, all threads +${number(median(entry.all))}; kept (main-thread bound) ${(baseMain / (baseMain + main)).toFixed(2)}×${ratio}`,
    );
  }
}

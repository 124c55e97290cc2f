/**
 * Instructions per request of chosen account-case variants, counted as the account case counts them
 * (bench/cases/account.mjs, `countVariant`: callgrind, warm-up, window B of an idle server), one process
 * per variant: a quick before/after check for a change on the server path.
 *
 *   node bench/experiments/count-variants.mjs untraced full unsampled
 *   BENCH_NODES=24.22.3 node bench/experiments/count-variants.mjs untraced full
 *
 * Variants: those of bench/account/server.mjs (untraced, channel, context, unsampled, no-queue,
 * no-export, no-send, no-extract, full, floor). Prints main-thread JavaScript (GC and compilation taken
 * out), main-thread GC and helper-thread instructions per request, and each one's difference from the
 * first variant named. Needs valgrind and a built dist/. `COUNT_KEEP=1` keeps the callgrind files (for
 * `callgrind_annotate`); `BENCH_CALLGRIND_ARGS` adds callgrind options, e.g. `--cache-sim=yes
 * --branch-sim=yes` to count simulated cache misses and mispredicted branches as well, or
 * `--dump-instr=yes` for costs per machine instruction; `BENCH_NODE_ARGS` adds options of the server's
 * Node, e.g. `--print-opt-code --redirect-code-traces --redirect-code-traces-to=<file>` for the optimized
 * code those instructions belong to (with `NODE_OPTIONS=--perf-basic-prof` naming JIT code in callgrind).
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countVariant } from '../cases/account.mjs';
import { startHelper, stopHelper } from '../lib/fork.mjs';
import { experimentNode } from '../lib/node-binaries.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
/**
 * With `COUNT_CACHE=1`: callgrind simulates caches and branch prediction as well (about 2× slower).
 * `COUNT_CACHE=l2` simulates this VM's own caches, with its 2 MiB L2 as the last level (callgrind's default
 * last level is the host's L3, 480 MiB here, shared with other VMs, in which every working set fits).
 */
const CACHE = process.env.COUNT_CACHE === '1' || process.env.COUNT_CACHE === 'l2';
if (CACHE) {
  const geometry = process.env.COUNT_CACHE === 'l2' ? ' --I1=65536,8,64 --D1=49152,12,64 --LL=2097152,16,64' : '';
  process.env.BENCH_CALLGRIND_ARGS = `--cache-sim=yes --branch-sim=yes${geometry}`;
}
const variants = process.argv.slice(2);
if (variants.length === 0) {
  console.error('usage: node bench/experiments/count-variants.mjs <variant> [variant ...]');
  process.exit(2);
}

const node = experimentNode();
if (node.skipped) throw new Error(`${node.label}: ${node.skipped}`);
const options = { warmup: Number(process.env.BENCH_ACCOUNT_WARMUP) || 12_288, requests: 1024 };
const directory = mkdtempSync(join(os.tmpdir(), 'count-variants-'));
const helper = await startHelper(RECEIVER, []);
const receiver = { child: helper.child, base: `http://127.0.0.1:${helper.ready.port}` };
const rows = [];
try {
  for (const variant of variants) {
    const { windows } = await countVariant(node, [variant, variant], receiver, options, directory);
    const w = windows[1];
    const n = w.served;
    if (CACHE) {
      rows.push({ variant, events: readEvents(directory, variant, n) });
      continue;
    }
    rows.push({
      variant,
      mainJs: (w.mainTotal - w.mainGc - w.mainCompile) / n,
      mainGc: w.mainGc / n,
      other: (w.otherTotal - w.otherCompile) / n,
      spansOk: !['full', 'no-extract', 'floor'].includes(variant) || w.spans >= n,
    });
  }
} finally {
  await stopHelper(helper.child);
  if (process.env.COUNT_KEEP) console.log(`callgrind files kept in ${directory}`);
  else rmSync(directory, { recursive: true, force: true });
}
const f = (x) => Math.round(x).toLocaleString('en-US');
if (CACHE) {
  printEvents(rows);
  process.exit(0);
}
console.log(`Node ${node.version}, instructions per request (window B, one process each)`);
const [first] = rows;
for (const row of rows) {
  console.log(
    `${row.variant.padEnd(12)} main JS ${f(row.mainJs).padStart(8)}  main GC ${f(row.mainGc).padStart(6)}  helpers ${f(row.other).padStart(6)}` +
      (row === first
        ? ''
        : `   vs ${first.variant}: main JS ${f(row.mainJs - first.mainJs).padStart(7)}, main GC ${f(row.mainGc - first.mainGc)}, helpers ${f(row.other - first.other)}`) +
      (row.spansOk ? '' : '   SPANS MISSING'),
  );
}

/**
 * Window B's event totals per request, main thread (`-01`) and the other threads: instructions, L1
 * misses (instruction and data), last-level misses, mispredicted branches (conditional and indirect),
 * and callgrind's usual cycle estimate from them (Ir + 10 × (L1 misses + mispredicts) + 100 × LL misses).
 */
function readEvents(directory, variant, requests) {
  const sums = { main: undefined, other: undefined };
  for (const name of readdirSync(directory)) {
    const match = new RegExp(`^${variant}\\.\\d+\\.3-(\\d+)$`).exec(name);
    if (!match) continue;
    const text = readFileSync(join(directory, name), 'utf8');
    const events = /^events: (.*)$/m.exec(text)[1].split(' ');
    const values = /^(?:summary|totals): (.*)$/m.exec(text)[1].split(' ').map(Number);
    const record = Object.fromEntries(events.map((event, i) => [event, values[i] ?? 0]));
    const key = match[1] === '01' ? 'main' : 'other';
    sums[key] ??= Object.fromEntries(events.map((event) => [event, 0]));
    for (const event of events) sums[key][event] += record[event];
  }
  const per = (r) =>
    r === undefined
      ? undefined
      : {
          Ir: r.Ir / requests,
          L1m: (r.I1mr + r.D1mr + r.D1mw) / requests,
          D1m: (r.D1mr + r.D1mw) / requests,
          LLm: (r.ILmr + r.DLmr + r.DLmw) / requests,
          Bm: (r.Bcm + r.Bim) / requests,
          CEst: (r.Ir + 10 * (r.I1mr + r.D1mr + r.D1mw + r.Bcm + r.Bim) + 100 * (r.ILmr + r.DLmr + r.DLmw)) / requests,
        };
  return { main: per(sums.main), other: per(sums.other) };
}

function printEvents(rows) {
  const f = (x) => Math.round(x).toLocaleString('en-US').padStart(8);
  console.log(`Node ${node.version}, per request (window B, one process each; main thread, GC and compilation included)`);
  console.log(
    `${''.padEnd(12)} ${'Ir'.padStart(8)} ${'D1 miss'.padStart(8)} ${'L1 miss'.padStart(8)} ${'LL miss'.padStart(8)} ${'br miss'.padStart(8)} ${'CEst'.padStart(8)}   others' CEst`,
  );
  const [first] = rows;
  for (const row of rows) {
    const m = row.events.main;
    const d = (key) =>
      row === first ? '' : ` (${m[key] - first.events.main[key] >= 0 ? '+' : ''}${Math.round(m[key] - first.events.main[key])})`;
    console.log(
      `${row.variant.padEnd(12)} ${f(m.Ir)} ${f(m.D1m)} ${f(m.L1m)} ${f(m.LLm)} ${f(m.Bm)} ${f(m.CEst)}   ${f(row.events.other?.CEst ?? 0)}` +
        (row === first ? '' : `   vs ${first.variant}: Ir${d('Ir')} D1${d('D1m')} Bm${d('Bm')} CEst${d('CEst')}`),
    );
  }
}

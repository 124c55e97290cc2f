/**
 * Where the saturated server's main thread spends its time, in µs per request, by part: `perf record`
 * (the kernel's cpu-clock sampler; this VM has no hardware counters) on the server's main thread during
 * a `wrk -t1 -c32` burst, the samples named with V8's `--perf-basic-prof` map and grouped, then scaled to
 * the thread's CPU time from /proc. It answers what callgrind cannot: time spent waiting on memory,
 * in the kernel and in GC, per variant side by side.
 *
 *   node bench/experiments/perf-saturated.mjs [variants] [seconds] [rounds]
 *   BENCH_NODES=24.22.3 node bench/experiments/perf-saturated.mjs otelite,floor 4 3
 *
 * Variants are those of bench/saturated/server.cjs (default `untraced,otelite,floor`); `otelite-unsampled`
 * runs with `OTEL_TRACES_SAMPLER=always_off`. `BENCH_OTELITE_DIST` picks the build (default dist/).
 * Each round records every variant once, one after the other; the table sums the rounds. Prints, per part,
 * µs per request for each variant and, from the second variant on, its difference from the first.
 * `PERF_SYMBOLS=N` also lists the N symbols whose time differs most between the first two variants;
 * `PERF_TIERS=1` keeps V8's tier mark on JavaScript symbols (`*` TurboFan, `+` Maglev, `^` baseline,
 * `~` interpreted), to find hot code left unoptimized.
 * Needs `perf` (Debian's linux-perf) allowed to sample this user's processes, and wrk.
 */

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ask, startHelper, stopHelper } from '../lib/fork.mjs';
import { experimentNode } from '../lib/node-binaries.mjs';
import { OTELITE_DIST } from '../lib/otelite.mjs';
import { mainThreadCpuMicros } from '../lib/process-cpu.mjs';
import { findWrk, runWrk } from '../lib/wrk.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../saturated/server.cjs', import.meta.url));
const [variantsArg, secondsArg, roundsArg] = process.argv.slice(2);
const variants = (variantsArg ?? 'untraced,otelite,floor').split(',');
const seconds = Number(secondsArg) || 4;
const rounds = Number(roundsArg) || 2;
const symbolsWanted = Number(process.env.PERF_SYMBOLS) || 0;
/** With `PERF_TIERS=1` a JavaScript symbol keeps V8's tier mark (`*` TurboFan, `+` Maglev, `^` baseline, `~` interpreted). */
const keepTiers = process.env.PERF_TIERS === '1';
const node = experimentNode();
const wrk = findWrk();
if (wrk.skipped || node.skipped) throw new Error(wrk.skipped ?? node.skipped);
const directory = mkdtempSync(join(os.tmpdir(), 'perf-saturated-'));

/** The part of the main thread's time a sampled symbol belongs to. */
function partOf(dso, symbol) {
  if (symbol.startsWith('JS:')) {
    if (symbol.includes('floor-tracer.cjs')) return 'JavaScript: the floor tracer';
    if (symbol.includes(OTELITE_DIST) || symbol.includes('/dist/') || symbol.includes('/otelite/')) return 'JavaScript: otelite';
    if (symbol.includes('node_modules')) return 'JavaScript: opentelemetry-js and other packages';
    return 'JavaScript: Node and the app';
  }
  if (dso === '[kernel.kallsyms]') return 'kernel (syscalls, network, scheduler)';
  if (/RecordWrite|WriteBarrier/.test(symbol)) return 'write barriers';
  if (/Scaveng|Semi[Ss]pace|Evacuat|MinorM/.test(symbol)) return 'GC: scavenges';
  if (/Mark|Sweep|Compact|Heap::|GCTracer|Incremental|Concurrent|Ephemeron|Weak/.test(symbol)) return 'GC: marking, sweeping, other';
  if (symbol.startsWith('Builtins_')) return 'V8 builtins (ICs, calls, allocation)';
  if (dso.startsWith('[JIT]')) return 'JavaScript: unnamed code';
  if (dso === 'node' || dso.startsWith('libstdc++')) return 'V8 and Node C++ (runtime, parser, bindings)';
  return 'libc and other native code';
}

/** `[{ dso, symbol, samples }]` of one recording. */
function readSamples(file) {
  const out = execFileSync('perf', ['report', '-i', file, '--sort', 'dso,sym', '-n', '--stdio', '--no-children'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const rows = [];
  for (const line of out.split('\n')) {
    const match = /^\s*[\d.]+%\s+(\d+)\s+(.+?)\s+\[[.k]\]\s+(.*)$/.exec(line);
    if (match) rows.push({ samples: Number(match[1]), dso: match[2], symbol: match[3].trim() });
  }
  return rows;
}

async function record(variant, receiverBase, round) {
  const env = { ...process.env, OTEL_TRACES_SAMPLER: variant === 'otelite-unsampled' ? 'always_off' : 'parentbased_always_on' };
  const { child, ready } = await startHelper(SERVER, [variant, receiverBase, OTELITE_DIST], {
    execPath: node.path,
    execArgv: ['--perf-basic-prof'],
    env,
  });
  try {
    // Warm: the same load once, unrecorded, so that the recording sees optimized code.
    await runWrk(wrk.path, `http://127.0.0.1:${ready.port}/`, { seconds: 3 });
    await ask(child, { type: 'flush' }, 60_000);
    const file = join(directory, `${variant}-${round}.data`);
    const perf = spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', '2000', '-t', String(ready.pid), '-o', file], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await ask(child, { type: 'served' });
    const cpuBefore = mainThreadCpuMicros(ready.pid);
    await runWrk(wrk.path, `http://127.0.0.1:${ready.port}/`, { seconds });
    const after = await ask(child, { type: 'flush' }, 60_000);
    const cpu = mainThreadCpuMicros(ready.pid) - cpuBefore;
    perf.kill('SIGINT');
    await new Promise((resolve) => perf.once('exit', resolve));
    return { file, served: after.requests - before.requests, cpu };
  } finally {
    await stopHelper(child);
  }
}

const totals = Object.fromEntries(variants.map((variant) => [variant, { parts: new Map(), symbols: new Map(), micros: 0, served: 0 }]));
const receiver = await startHelper(RECEIVER, []);
try {
  const base = `http://127.0.0.1:${receiver.ready.port}`;
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const { file, served, cpu } = await record(variant, base, round);
      const rows = readSamples(file);
      const samples = rows.reduce((sum, row) => sum + row.samples, 0);
      // The recording spans a little more than the burst (it starts 300 ms early and stops after the
      // flush); the samples' shares are scaled to the main thread's CPU over the burst itself.
      const total = totals[variant];
      total.micros += cpu;
      total.served += served;
      for (const row of rows) {
        const micros = (row.samples / samples) * cpu;
        const part = partOf(row.dso, row.symbol);
        total.parts.set(part, (total.parts.get(part) ?? 0) + micros);
        const key = row.symbol.replace(keepTiers ? /^JS:/ : /^JS:[*~^+']*/, 'JS ');
        total.symbols.set(key, (total.symbols.get(key) ?? 0) + micros);
      }
    }
  }
} finally {
  await stopHelper(receiver.child);
  rmSync(directory, { recursive: true, force: true });
}

const per = (variant, map, key) => (totals[variant][map].get(key) ?? 0) / totals[variant].served;
const fmt = (x) => x.toFixed(3).padStart(8);
const [first, ...others] = variants;
console.log(`Node ${node.version}, ${rounds} × ${seconds} s per variant, wrk -t1 -c32; main-thread CPU in µs per request`);
console.log(
  `${'part'.padEnd(52)}${variants.map((v) => v.slice(0, 8).padStart(9)).join('')}${others.map((v) => `  Δ${v.slice(0, 6)}`.padStart(9)).join('')}`,
);
const parts = [...new Set(variants.flatMap((v) => [...totals[v].parts.keys()]))].sort();
for (const part of parts) {
  const values = variants.map((v) => per(v, 'parts', part));
  console.log(
    `${part.padEnd(52)}${values.map((x) => ` ${fmt(x)}`).join('')}${values
      .slice(1)
      .map((x) => ` ${fmt(x - values[0])}`)
      .join('')}`,
  );
}
const sums = variants.map((v) => totals[v].micros / totals[v].served);
console.log(
  `${'total'.padEnd(52)}${sums.map((x) => ` ${fmt(x)}`).join('')}${sums
    .slice(1)
    .map((x) => ` ${fmt(x - sums[0])}`)
    .join('')}`,
);
if (symbolsWanted > 0 && others.length > 0) {
  const second = others[0];
  const keys = new Set([...totals[first].symbols.keys(), ...totals[second].symbols.keys()]);
  const rows = [...keys].map((key) => [key, per(first, 'symbols', key), per(second, 'symbols', key)]);
  rows.sort((a, b) => Math.abs(b[2] - b[1]) - Math.abs(a[2] - a[1]));
  console.log(`\nsymbols differing most, ${first} → ${second} (µs per request):`);
  for (const [key, a, b] of rows.slice(0, symbolsWanted)) console.log(`${fmt(a)} ${fmt(b)} ${fmt(b - a)}  ${key.slice(0, 110)}`);
}

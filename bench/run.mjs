/**
 * otelite vs opentelemetry-js, side by side, in one run: `npm run bench` (builds dist/ first).
 *
 *   node bench/run.mjs [case ...] [--quick] [--rounds N] [--skip-footprint]
 *
 * Environment: BENCH_QUICK=1, BENCH_ROUNDS=N (CPU cases), BENCH_SKIP_FOOTPRINT=1,
 * BENCH_OTELITE_DIST=<folder with the built src/ and gen/> (default dist/).
 *
 * Every CPU and memory case runs each side in a fresh child process per round, alternating which side
 * goes first (A/B, B/A, ...), so neither side's JIT state, heap or global registrations touch the
 * other's, and slow drift of a shared machine falls on both. Results go to bench/results.json.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runSide } from './lib/fork.mjs';
import { formatRatioSummary, formatSummary, pad } from './lib/format.mjs';
import { OPENTELEMETRY_JS_3, line3Node, line3Versions } from './lib/line-3.mjs';
import { OTELITE_DIST, firstLine } from './lib/otelite.mjs';
import { summarize } from './lib/stats.mjs';

const CASE_IDS = [
  'span-lifecycle',
  'active-spans',
  'encode',
  'memory',
  'startup',
  'saturated-server',
  'http-server',
  'footprint',
  'viewer',
];
/** Cases run only when named (the accounting runs under callgrind for about 20 minutes). */
const OPT_IN_CASE_IDS = ['account'];
const OTELITE = 'otelite';
const OPENTELEMETRY_JS = 'opentelemetry-js';
const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

const settings = readSettings(process.argv.slice(2), process.env);
const startedAt = Date.now();
const machine = describeMachine();

console.log(`otelite bench: ${machine.nproc} cores, ${machine.cpu}, Node ${machine.node}${settings.quick ? ' (quick)' : ''}`);
warnIfBusy('at start', machine.loadAverageAtStart);
console.log(`otelite from ${OTELITE_DIST}; ratios are otelite / opentelemetry-js unless stated; medians (min–max) over rounds\n`);

const results = [];
for (const id of settings.cases) {
  const { default: benchCase } = await import(`./cases/${id}.mjs`);
  const result = await runCase(benchCase);
  results.push(result);
  printResult(result);
}

const durationSeconds = (Date.now() - startedAt) / 1000;
machine.loadAverageAtEnd = os.loadavg();
warnIfBusy('at the end', machine.loadAverageAtEnd);
const report = { date: new Date().toISOString(), durationSeconds, machine, settings, cases: results };
writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
const missed = results.filter((r) => r.status === 'measured' && r.met === false).map((r) => r.title);
const notMeasured = results.filter((r) => r.status !== 'measured').map((r) => `${r.title} (${r.status})`);
console.log(`\ndone in ${durationSeconds.toFixed(1)} s; results in bench/results.json`);
if (missed.length > 0) console.log(`targets missed: ${missed.join(', ')}`);
if (notMeasured.length > 0) console.log(`not measured: ${notMeasured.join(', ')}`);
// A case that reports failures (e.g. spans missing at the receiver) failed, whatever its figures.
const failures = results.flatMap((r) => (r.failures ?? []).map((failure) => `${r.title}: ${failure}`));
if (failures.length > 0) {
  console.log(`FAILED:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}

/**
 * Runs one case: its rounds (A/B cases) or its own orchestration. While otelite parts are missing the
 * case is "pending" and only the opentelemetry-js side (the baseline) is measured.
 */
async function runCase(benchCase) {
  const base = { id: benchCase.id, title: benchCase.title, unit: benchCase.unit, target: benchCase.target };
  const skipped = benchCase.skip?.(settings);
  if (skipped) return { ...base, status: 'skipped', reason: skipped };
  const pending = await benchCase.pending?.();
  const status = pending ? 'pending' : 'measured';
  const caseStart = Date.now();
  try {
    const measured = benchCase.run
      ? await benchCase.run(settings, { pending })
      : await runAlternating(benchCase, pending ? [OPENTELEMETRY_JS] : [OTELITE, OPENTELEMETRY_JS]);
    if (measured.skipped) return { ...base, status: 'skipped', reason: measured.skipped };
    // The second anchor, opentelemetry-js 3.x, for the cases that have its side (bench/lib/line-3.mjs).
    if (!benchCase.run && !pending && benchCase.sides[OPENTELEMETRY_JS_3]) measured.line3 = await runLine3(benchCase);
    return { ...base, status, reason: pending, seconds: (Date.now() - caseStart) / 1000, ...measured };
  } catch (error) {
    return { ...base, status: 'error', reason: firstLine(error), pending, detail: String(error?.stack ?? error) };
  }
}

/**
 * The A/B protocol: per round, each side in its own fresh process, the first side alternating. The
 * ratio is of the medians; the range is over the per-round ratios (each round's pair ran back to back).
 */
async function runAlternating(benchCase, sideNames, { execPath, anchor = OPENTELEMETRY_JS } = {}) {
  const rounds = benchCase.rounds(settings);
  const perSide = Object.fromEntries(sideNames.map((side) => [side, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sideNames : [...sideNames].reverse();
    for (const side of order) {
      const result = await runSide(benchCase.id, side, benchCase.childSettings(settings), {
        execArgv: benchCase.execArgv ?? [],
        execPath,
      });
      perSide[side].push(result);
    }
  }
  const sides = {};
  for (const [side, runs] of Object.entries(perSide)) {
    sides[side] = { ...summarize(runs.map((r) => r.value)), runs };
  }
  // The case's own checks and extra lines, against whichever anchor this pair has.
  const extra = benchCase.conclude?.(sides, anchor) ?? {};
  if (!sides[OTELITE]) return { rounds, sides, lines: extra.lines ?? [], details: extra.details };
  const ratio = sides[OTELITE].median / sides[anchor].median;
  const ratioRange = summarize(perSide[OTELITE].map((r, i) => r.value / perSide[anchor][i].value));
  const met = benchCase.target.lowerIsBetter ? ratio <= benchCase.target.ratio : ratio >= benchCase.target.ratio;
  return { rounds, sides, ratio, ratioRange, met: met && extra.met !== false, lines: extra.lines ?? [], details: extra.details };
}

/**
 * The 3.x anchor of an A/B case: the same protocol on Node 24, otelite against opentelemetry-js 3.x,
 * both sides on that Node. Returns `{ node, versions, rounds, sides, ratio, ratioRange, met }`, or
 * `{ skipped }` / `{ error }`; the case's own target applies to this ratio as well.
 */
async function runLine3(benchCase) {
  const node = line3Node();
  if (node.skipped) return { skipped: node.skipped };
  try {
    const measured = await runAlternating(benchCase, [OTELITE, OPENTELEMETRY_JS_3], { execPath: node.path, anchor: OPENTELEMETRY_JS_3 });
    return { node: node.label, versions: line3Versions(), ...measured };
  } catch (error) {
    return { node: node.label, error: firstLine(error), detail: String(error?.stack ?? error) };
  }
}

/** The report line of a case's 3.x anchor, or `undefined` when it has none. */
function line3Line(result) {
  const line3 = result.line3;
  if (line3 === undefined) return undefined;
  if (line3.skipped) return `opentelemetry-js 3.x anchor SKIPPED: ${line3.skipped}`;
  if (line3.error) return `opentelemetry-js 3.x anchor on ${line3.node} failed: ${line3.error}`;
  const sides = Object.entries(line3.sides)
    .map(([side, summary]) => `${side} ${formatSummary(summary, result.unit)}`)
    .join('   ');
  const bytes = Object.entries(line3.sides)
    .filter(([, { runs }]) => runs[0]?.bytes !== undefined)
    .map(([side, { runs }]) => `${side} ${runs[0].bytes.toLocaleString('en-US')} B`);
  const verdict = line3.met ? 'met' : 'MISSED';
  const cpu = Number.isFinite(line3.cpuRatio) ? `   CPU to ready ${formatRatioSummary(line3.cpuRatio)}` : '';
  return `${line3.node}, 3.x anchor: ${sides}   ratio ${formatRatioSummary(line3.ratio, line3.ratioRange)}${cpu}   ${verdict}${bytes.length > 0 ? `   bytes ${bytes.join(', ')}` : ''}`;
}

/** Prints one line per case (plus any detail lines the case adds, and its 3.x anchor line). */
function printResult(result) {
  const title = pad(result.title, 15);
  if (result.status === 'skipped' || result.status === 'error' || (result.status === 'pending' && !result.sides)) {
    console.log(`${title} ${result.status}: ${result.reason}`);
    return;
  }
  if (result.status === 'pending') {
    const sides =
      result.line ??
      Object.entries(result.sides)
        .map(([side, summary]) => `${side} ${formatSummary(summary, result.unit)}`)
        .join('   ');
    console.log(`${title} ${sides}   otelite pending: ${result.reason}`);
  } else if (result.line) {
    console.log(`${title} ${result.line}`);
  } else {
    const sides = Object.entries(result.sides)
      .map(([side, summary]) => `${side} ${formatSummary(summary, result.unit)}`)
      .join('   ');
    const verdict = result.met ? 'met' : 'MISSED';
    console.log(
      `${title} ${sides}   ratio ${formatRatioSummary(result.ratio, result.ratioRange)}   target ${result.target.text}   ${verdict}`,
    );
  }
  for (const line of result.lines ?? []) console.log(`${' '.repeat(16)}${line}`);
  const anchor3 = line3Line(result);
  if (anchor3 !== undefined) console.log(`${' '.repeat(16)}${anchor3}`);
  for (const line of result.line3?.lines ?? []) console.log(`${' '.repeat(18)}${line}`);
}

/** Flags and environment → run settings. */
function readSettings(args, env) {
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const roundsIndex = args.indexOf('--rounds');
  const quick = flags.has('--quick') || env.BENCH_QUICK === '1';
  const rounds = Number(roundsIndex >= 0 ? args[roundsIndex + 1] : env.BENCH_ROUNDS) || undefined;
  const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds');
  const unknown = named.filter((id) => !CASE_IDS.includes(id) && !OPT_IN_CASE_IDS.includes(id));
  if (unknown.length > 0) {
    console.error(`unknown case(s): ${unknown.join(', ')}; cases are ${[...CASE_IDS, ...OPT_IN_CASE_IDS].join(', ')}`);
    process.exit(2);
  }
  return {
    quick,
    cases: named.length > 0 ? named : CASE_IDS,
    cpuRounds: rounds ?? (quick ? 2 : 15),
    skipFootprint: flags.has('--skip-footprint') || env.BENCH_SKIP_FOOTPRINT === '1',
  };
}

/**
 * Warns when other work competes for the cores: the bench's own processes keep at most about two busy,
 * so a 1-minute load average well above the core count means the figures carry other people's load.
 */
function warnIfBusy(when, [oneMinute]) {
  if (oneMinute > machine.nproc + 1) {
    console.log(
      `warning: load average ${oneMinute.toFixed(1)} on ${machine.nproc} cores ${when}; other work competes with the bench, so expect wide spreads`,
    );
  }
}

/** Cores, CPU model, Node version, platform and load of this machine. */
function describeMachine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpu;
  } catch {
    // not Linux: os.cpus() will do
  }
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // no nproc binary
  }
  return {
    nproc,
    cpu,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    totalMemoryBytes: os.totalmem(),
    loadAverageAtStart: os.loadavg(),
  };
}

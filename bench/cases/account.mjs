/**
 * The accounting: where the added CPU of one traced request goes, in instructions counted by
 * `valgrind --tool=callgrind` (deterministic whatever the machine's load), on this Node and Node 24.
 *
 * A hello-world `node:http` server (`bench/account/server.mjs`) runs under callgrind in one variant of
 * a ladder (untraced; channel subscribers; plus a context entered; otelite non-sampled; recording
 * without a processor; with the batch processor and an exporter that drops; with the OTLP exporter
 * and a transport that answers at once; full OTLP/protobuf export to the receiver; and full without
 * extract), three processes per variant. A plain Node client in this process sends `warmup` keep-alive
 * requests over 4 connections with callgrind's instrumentation off (the JIT settles; after every batch
 * the server makes one HTTP request of its own, see warmUp), the server flushes, instrumentation goes on,
 * and the counts are taken between `callgrind_control --dump`s of the idle server (see countVariant):
 * window A gives the parts, window B the total they are checked against.
 * Per thread (`--separate-threads=yes`) the instructions of the window are split into main-thread
 * garbage collection and JIT compilation (by the inclusive cost of V8's C++ entry points, which have
 * symbols), the main thread's remaining instructions (JavaScript, builtins, libuv, syscalls), and the
 * other threads (V8's helper threads: concurrent and parallel GC; compilation taken out).
 *
 * Each part is the difference of one figure (median of the processes) between two variants, per
 * request; the parts are then added and compared with the total (full − untraced, window B). Instructions become µs through
 * instructions per µs measured here: the same burst against the untraced and full servers without
 * valgrind, server CPU time from /proc, so µs figures carry this machine's speed and its load.
 * The case fails when the receiver got fewer spans than the full server served requests.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, findCallgrind, instrument, readProcess } from '../lib/callgrind.mjs';
import { ask, startHelper, stopHelper } from '../lib/fork.mjs';
import { formatNumber } from '../lib/format.mjs';
import { nodeBinaries } from '../lib/node-binaries.mjs';
import { OTELITE_DIST, missingOtelite } from '../lib/otelite.mjs';
import { mainThreadCpuMicros, processCpuMicros } from '../lib/process-cpu.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../account/server.mjs', import.meta.url));
const VARIANTS = ['untraced', 'channel', 'context', 'unsampled', 'no-queue', 'no-export', 'no-send', 'no-extract', 'full', 'floor'];
/**
 * Every variant runs in `REPEATS` processes (`BENCH_ACCOUNT_PROCESSES`, default 3); each figure is the median of its processes. The parts come
 * from window A of each process and the total they are checked against from window B (different
 * requests, counted separately), so the check is not true by construction.
 */
const REPEATS = Number(process.env.BENCH_ACCOUNT_PROCESSES) || 3;
const RUNS = Array.from({ length: REPEATS }, (_, repeat) => VARIANTS.map((variant) => [`${variant}#${repeat + 1}`, variant])).flat();
/** Requests of the window that absorbs the toggle's latency (counted, not used). */
const SETTLE = 128;
const CONNECTIONS = 4;
/**
 * Under callgrind the server runs ~50× slower, so the batch processor's 5 s delay would export many
 * small batches where a saturated native server always fills its 512: batches leave only when full
 * (the window is a multiple of 512 requests), and no export times out.
 */
const SLOWED_DOWN = {
  OTEL_TRACES_SAMPLER: 'parentbased_always_on',
  OTEL_BSP_SCHEDULE_DELAY: '3600000',
  OTEL_BSP_EXPORT_TIMEOUT: '3600000',
  OTEL_EXPORTER_OTLP_TIMEOUT: '3600000',
};
const ADDS_UP_WITHIN = 0.1;
const BATCH = 512;
/** HTTP client requests from the server per warm-up batch (`BENCH_ACCOUNT_CLIENT_WARMUP`, 0 = none). */
const CLIENT_WARM_UP = Number(process.env.BENCH_ACCOUNT_CLIENT_WARMUP ?? 1);
/** Whether the server flushes after every warm-up batch (`BENCH_ACCOUNT_WARMUP_FLUSH`, 0 = no; see warmUp). */
const WARM_UP_FLUSH = process.env.BENCH_ACCOUNT_WARMUP_FLUSH !== '0';

/** `count` GET requests over `agent`'s keep-alive connections, `CONNECTIONS` at a time. */
async function burst(port, agent, count) {
  let started = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
          response.resume();
          response.on('end', resolve);
          response.on('error', reject);
        })
        .on('error', reject);
    });
  const worker = async () => {
    while (started < count) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
}

/**
 * One process of one variant under callgrind. After the warm-up (instrumentation off) and a flush,
 * instrumentation goes on and `requests` are served and flushed, then callgrind dumps and zeroes its
 * counts: that first dump holds whatever the toggle's latency let in and is not used. Then two windows
 * of `requests` each, every one served, flushed (every span of it exported) and dumped while the
 * server is idle: window A and window B count exactly the work between two dumps, so neither the
 * toggle's latency nor warm-up is in them. The marker (llhttp_execute calls on the main thread) checks
 * that each window counted one parse per request.
 */
export async function countVariant(node, [name, variant], receiver, options, directory) {
  const prefix = name.replace('#', '-');
  const env = { ...process.env, ...SLOWED_DOWN };
  delete env.OTEL_TRACES_EXPORTER;
  const server = await startHelper(SERVER, [variant, receiver.base, OTELITE_DIST], {
    execPath: 'valgrind',
    execArgv: [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(directory, `${prefix}.%p`)}`,
      // Extra callgrind options for experiments (e.g. `--cache-sim=yes --branch-sim=yes`); none by default.
      ...(process.env.BENCH_CALLGRIND_ARGS ?? '').split(' ').filter(Boolean),
      node.path,
      // Extra Node or V8 options for experiments (e.g. `--print-opt-code`); none by default.
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ],
    env,
    timeoutMillis: 600_000,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const { pid } = server.ready;
  try {
    await warmUp(server, agent, options.warmup);
    await ask(server.child, { type: 'flush' }, 600_000);
    instrument(pid, true);
    const windows = [];
    let before = await ask(server.child, { type: 'flush' }, 600_000);
    await ask(receiver.child, { type: 'stats' }); // since the last reply: starts the count here
    for (let window = 0; window < 3; window++) {
      await burst(server.ready.port, agent, window === 0 ? SETTLE : options.requests);
      const after = await ask(server.child, { type: 'flush' }, 600_000);
      dump(pid);
      const spans = (await ask(receiver.child, { type: 'stats' })).spans;
      if (window > 0) {
        const counts = readProcess(directory, `${prefix}.${pid}.${window + 1}`);
        windows.push({
          served: after.requests - before.requests,
          spans,
          encodedSpans: after.encodedSpans - before.encodedSpans,
          ...counts,
        });
      }
      before = after;
    }
    instrument(pid, false);
    const threads = threadNames(pid);
    await new Promise((resolve) => {
      server.child.once('exit', resolve);
      server.child.kill('SIGINT');
    });
    return { variant: name, windows, threads };
  } finally {
    agent.destroy();
    await stopHelper(server.child);
  }
}

/**
 * The names of a process's threads (`/proc/<pid>/task/<tid>/comm`), in creation order (ascending
 * thread ids), which is also callgrind's thread numbering (`-01` the main thread): what each
 * per-thread count was.
 */
function threadNames(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .sort((a, b) => a - b)
      .map((tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim());
  } catch {
    return [];
  }
}

/**
 * The warm-up: `requests` in bursts of a batch (512), and after each burst one HTTP request from the
 * server to the receiver (`clientWarmUp`), in every variant, so that Node's own code shared by the HTTP
 * server and client (`process.nextTick`, streams, the parser) has the same history in every variant,
 * and V8 settles it in the same tier, whether or not the variant exports. Without it, on Node 24, the
 * exporting variants settled `nextTick` in Turbofan and the others in Maglev, ~30 k instructions per
 * request apart (BENCHMARKS.md, "the Node 24 anomaly").
 * Each burst ends with a flush, as every measured window does (`BENCH_ACCOUNT_WARMUP_FLUSH=0` leaves it
 * out): the batch processor starts its timer on the first span after a flush and at no other time in
 * this run, so without it that path first runs, without type feedback, in the settling window, and V8
 * throws the optimized `span.end()` (the processor's `onEnd` is inlined there) back to baseline code
 * for the next thousands of spans, window A included.
 */
async function warmUp(server, agent, requests) {
  for (let done = 0; done < requests; done += BATCH) {
    await burst(server.ready.port, agent, Math.min(BATCH, requests - done));
    if (CLIENT_WARM_UP > 0) await ask(server.child, { type: 'client', count: CLIENT_WARM_UP }, 600_000);
    if (WARM_UP_FLUSH) await ask(server.child, { type: 'flush' }, 600_000);
  }
}

/**
 * Server CPU µs per request without valgrind (best of `rounds` bursts, after the same warm-up), of the
 * whole process and of its main thread (/proc/<pid>/task/<pid>/stat), for instructions → µs.
 */
async function cpuPerRequest(node, variant, receiver, options) {
  const server = await startHelper(SERVER, [variant, receiver.base, OTELITE_DIST], {
    execPath: node.path,
    env: { ...process.env, ...SLOWED_DOWN },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    await warmUp(server, agent, options.warmup);
    let best = { process: Number.POSITIVE_INFINITY, main: Number.POSITIVE_INFINITY };
    for (let round = 0; round < options.cpuRounds; round++) {
      const before = await ask(server.child, { type: 'flush' });
      const cpuBefore = processCpuMicros(server.ready.pid);
      const mainBefore = mainThreadCpuMicros(server.ready.pid);
      // Long enough to span many clock ticks of /proc's CPU time (10 ms each).
      await burst(server.ready.port, agent, options.cpuRequests);
      const after = await ask(server.child, { type: 'flush' });
      const served = after.requests - before.requests;
      const figures = {
        process: (processCpuMicros(server.ready.pid) - cpuBefore) / served,
        main: (mainThreadCpuMicros(server.ready.pid) - mainBefore) / served,
      };
      if (figures.main < best.main) best = figures;
    }
    return best;
  } finally {
    agent.destroy();
    await stopHelper(server.child);
  }
}

/** Every variant on one Node binary, two callgrind processes at a time. */
async function runOnNode(node, options) {
  const directory = mkdtempSync(join(os.tmpdir(), 'otelite-account-'));
  const receiverHelper = await startHelper(RECEIVER, []);
  const receivers = [{ child: receiverHelper.child, base: `http://127.0.0.1:${receiverHelper.ready.port}` }];
  const second = await startHelper(RECEIVER, []);
  receivers.push({ child: second.child, base: `http://127.0.0.1:${second.ready.port}` });
  try {
    const byVariant = {};
    const queue = [...RUNS];
    await Promise.all(
      receivers.map(async (receiver) => {
        while (queue.length > 0) {
          const run = queue.shift();
          byVariant[run[0]] = await countVariant(node, run, receiver, options, directory);
        }
      }),
    );
    const cpu = {};
    for (const variant of ['untraced', 'full']) cpu[variant] = await cpuPerRequest(node, variant, receivers[0], options);
    // The raw counts, to recompute the accounting without running callgrind again.
    if (process.env.BENCH_ACCOUNT_RAW)
      writeFileSync(`${process.env.BENCH_ACCOUNT_RAW}.${node.version}.json`, JSON.stringify({ node, byVariant, cpu }));
    return account(node, byVariant, cpu);
  } finally {
    await Promise.all(receivers.map((r) => stopHelper(r.child)));
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Per-request figures of one window: main-thread JS (GC and compile out), main GC, other threads, all. */
function perRequest(window) {
  const n = window.served;
  return {
    mainJs: (window.mainTotal - window.mainGc - window.mainCompile) / n,
    mainGc: window.mainGc / n,
    otherGc: (window.otherTotal - window.otherCompile) / n,
    compile: (window.mainCompile + window.otherCompile) / n,
    steady: (window.mainTotal + window.otherTotal - window.mainCompile - window.otherCompile) / n,
    all: (window.mainTotal + window.otherTotal) / n,
    mainAll: window.mainTotal / n,
    marker: window.markerCalls / n,
    slowLiteral: window.slowLiteralCalls / n,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const spread = (values) => (Math.max(...values) - Math.min(...values)) / Math.abs(median(values));

/** Per variant and window (0 = A, 1 = B): the median over processes of each figure, and the processes' figures. */
function byVariant(runs) {
  const result = {};
  for (const variant of VARIANTS) {
    const processes = Object.values(runs).filter((run) => run.variant.split('#')[0] === variant);
    result[variant] = [0, 1].map((window) => {
      const figures = processes.map((run) => perRequest(run.windows[window]));
      const keys = Object.keys(figures[0]);
      return {
        ...Object.fromEntries(keys.map((key) => [key, median(figures.map((f) => f[key]))])),
        processes: figures,
      };
    });
  }
  return result;
}

export function account(node, runs, cpu) {
  const windows = byVariant(runs);
  const v = Object.fromEntries(VARIANTS.map((variant) => [variant, windows[variant][0]]));
  const b = Object.fromEntries(VARIANTS.map((variant) => [variant, windows[variant][1]]));
  const js = (x, y) => v[x].mainJs - v[y].mainJs;
  // Collections are lumpy (a 1,024-request window holds a few scavenges or none): GC is the mean over
  // both windows of every process (6,144 requests a variant), used alike in the parts and the total.
  const gc = (variant, key) => {
    const figures = [...windows[variant][0].processes, ...windows[variant][1].processes].map((f) => f[key]);
    return figures.reduce((s, x) => s + x, 0) / figures.length;
  };
  const parts = [
    ['channel publish and subscriber', js('channel', 'untraced'), 'channel − untraced'],
    ['context entry (AsyncLocalStorage)', js('context', 'channel'), 'context − channel'],
    ['extract (W3C traceparent + baggage)', js('full', 'no-extract'), 'full − no-extract'],
    [
      'non-sampled path (sampler, non-recording span, overlay context, subscriber)',
      js('unsampled', 'context') - js('full', 'no-extract'),
      'unsampled − context − extract',
    ],
    ['span start, response hooks, span end (recording)', js('no-queue', 'unsampled'), 'no-queue − unsampled'],
    ['processor queue (batch processor, exporter drops)', js('no-export', 'no-queue'), 'no-export − no-queue'],
    ['encode (OTLP/protobuf)', js('no-send', 'no-export'), 'no-send − no-export'],
    ['send (HTTP transport, receiver response)', js('full', 'no-send'), 'full − no-send'],
    ['GC, main thread', gc('full', 'mainGc') - gc('untraced', 'mainGc'), 'full − untraced, Heap::CollectGarbage etc.'],
    ['GC and other helper threads', gc('full', 'otherGc') - gc('untraced', 'otherGc'), 'full − untraced, threads ≠ main, compile out'],
  ];
  // JIT compilation left in a window is not steady state: reported, left out of the parts and the total.
  const compile = b.full.compile - b.untraced.compile;
  // The total: main-thread JS from window B (other requests than the parts' window A), plus the GC lines.
  const total = b.full.mainJs - b.untraced.mainJs + parts.at(-2)[1] + parts.at(-1)[1];
  const sum = parts.reduce((s, [, value]) => s + value, 0);
  // The floor tracer (not in the ladder): the same spans written by hand, counted the same way.
  const floor = {
    mainJs: js('floor', 'untraced'),
    mainJsB: b.floor.mainJs - b.untraced.mainJs,
    mainGc: gc('floor', 'mainGc') - gc('untraced', 'mainGc'),
    otherGc: gc('floor', 'otherGc') - gc('untraced', 'otherGc'),
  };
  floor.total = floor.mainJsB + floor.mainGc + floor.otherGc;
  const untracedIr = v.untraced.all;
  // Main-thread instructions per µs of main-thread CPU (the parts are main-thread work, bar one line),
  // and, for comparison, all threads' instructions per µs of process CPU.
  const instructionsPerMicro = { untraced: v.untraced.mainAll / cpu.untraced.main, full: v.full.mainAll / cpu.full.main };
  const processInstructionsPerMicro = { untraced: v.untraced.all / cpu.untraced.process, full: v.full.all / cpu.full.process };
  const perMicro = (instructionsPerMicro.untraced + instructionsPerMicro.full) / 2;
  // The tier V8 settled Node's nextTick in, per variant (runtime literal calls per request, windows A and B).
  const slowLiteral = Object.fromEntries(VARIANTS.map((variant) => [variant, [0, 1].map((w) => windows[variant][w].slowLiteral)]));
  const slowValues = Object.values(slowLiteral).flat();
  // Reproducibility: per variant, the spread of main-thread JS over its processes (window A), and the
  // difference between window A and window B within the same processes (medians).
  const reproducibility = Object.fromEntries(
    VARIANTS.map((variant) => [
      variant,
      {
        mainJs: windows[variant][0].processes.map((f) => f.mainJs),
        mainJsB: windows[variant][1].processes.map((f) => f.mainJs),
        acrossProcesses: spread(windows[variant][0].processes.map((f) => f.mainJs)),
        windowAtoB: (b[variant].mainJs - v[variant].mainJs) / v[variant].mainJs,
        steadyAcross: spread(windows[variant][0].processes.map((f) => f.steady)),
        marker: Math.min(...windows[variant][0].processes.map((f) => f.marker), ...windows[variant][1].processes.map((f) => f.marker)),
      },
    ]),
  );
  const everyWindow = (names, test) =>
    Object.values(runs)
      .filter((run) => names.includes(run.variant.split('#')[0]))
      .every((run) => run.windows.every(test));
  const checks = {
    everyRequestExported: everyWindow(['full', 'no-extract', 'floor'], (w) => w.spans >= w.served),
    everyRequestEncoded: everyWindow(['no-send'], (w) => w.encodedSpans >= w.served),
    // One llhttp parse per request served in every window: the window counted the requests it should.
    windowsCountedTheirRequests: Object.values(runs).every((run) => run.windows.every((w) => w.markerCalls >= w.served)),
    // Every variant's median process ran Node's own code in the same JIT tier (see warmUp).
    sameTier: Math.max(...slowValues) - Math.min(...slowValues) < 1,
    addsUp: Math.abs(total - sum) <= ADDS_UP_WITHIN * total,
  };
  return {
    node: node.label,
    version: node.version,
    runs,
    perRequest: { A: v, B: b },
    parts: parts.map(([name, instructions, method]) => ({ name, instructions, micros: instructions / perMicro, method })),
    total,
    floor,
    ladderTotal: v.full.steady - v.untraced.steady,
    compile,
    sum,
    untracedIr,
    cpu,
    instructionsPerMicro,
    processInstructionsPerMicro,
    perMicro,
    slowLiteral,
    reproducibility,
    checks,
    met: Object.values(checks).every(Boolean),
  };
}

export function describe(result) {
  const lines = [
    `${result.node}: untraced ${formatNumber(result.untracedIr)} instructions/request; otelite adds ${formatNumber(result.total)} ` +
      `(${formatNumber(result.total / result.perMicro)} µs at ${formatNumber(result.perMicro)} main-thread instructions/µs, measured natively: ` +
      `untraced ${formatNumber(result.cpu.untraced.main)} µs/req main-thread CPU → ${formatNumber(result.instructionsPerMicro.untraced)}/µs, ` +
      `full ${formatNumber(result.cpu.full.main)} µs/req → ${formatNumber(result.instructionsPerMicro.full)}/µs; process CPU ${formatNumber(result.cpu.untraced.process)} / ${formatNumber(result.cpu.full.process)} µs/req → ` +
      `${formatNumber(result.processInstructionsPerMicro.untraced)} / ${formatNumber(result.processInstructionsPerMicro.full)} all-thread instructions/µs)`,
  ];
  for (const part of result.parts) {
    lines.push(
      `  ${part.name.padEnd(80)} ${formatNumber(part.instructions).padStart(8)} instr  ${part.micros.toFixed(2).padStart(6)} µs  ${((100 * part.instructions) / result.total).toFixed(1).padStart(5)}%   (${part.method})`,
    );
  }
  const rest = result.total - result.sum;
  lines.push(
    `  parts (window A) add up to ${formatNumber(result.sum)}; total (window B, full − untraced) ${formatNumber(result.total)}: ` +
      `${((100 * result.sum) / result.total).toFixed(1)}% (everything else ${formatNumber(rest)}); ` +
      `every window of the full and no-extract servers exported: ${result.checks.everyRequestExported}`,
    `  floor tracer (the same spans written by hand; not in the ladder): main-thread JS ${formatNumber(result.floor.mainJs)} (window A) / ${formatNumber(result.floor.mainJsB)} (B), ` +
      `GC main ${formatNumber(result.floor.mainGc)}, helper threads ${formatNumber(result.floor.otherGc)}; total ${formatNumber(result.floor.total)} instr ` +
      `(${formatNumber(result.floor.total / result.perMicro)} µs), ${((100 * result.floor.total) / result.total).toFixed(1)}% of otelite's`,
    `  reproducibility (main-thread JS, window A): ${VARIANTS.map((name) => `${name} ±${(50 * result.reproducibility[name].acrossProcesses).toFixed(1)}% across ${REPEATS}, A→B ${(100 * result.reproducibility[name].windowAtoB).toFixed(1)}%`).join('; ')}`,
    `  not counted: JIT compilation still running in the window, ${formatNumber(result.compile)} instructions/request (full − untraced, window B)`,
    `  nextTick's tier (V8 runtime literal calls per request, windows A/B; ~0 Turbofan, ~20 Maglev): ${VARIANTS.map((name) => `${name} ${result.slowLiteral[name].map((x) => x.toFixed(1)).join('/')}`).join(', ')}`,
  );
  const failed = Object.entries(result.checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  if (failed.length > 0) lines.push(`  FAILED ${failed.join(', ')}`);
  return lines;
}

export default {
  id: 'account',
  title: 'accounting',
  unit: 'instructions/request',
  target: { text: `parts add up to the total within ${100 * ADDS_UP_WITHIN}%, every request exported` },
  skip: () => findCallgrind().skipped,
  pending: () => missingOtelite({ index: ['init'], otlp: ['encodeSpansToProtobuf'] }),
  async run(settings, { pending }) {
    if (pending) return { skipped: `otelite not built: ${pending}` };
    const options = {
      warmup: Number(process.env.BENCH_ACCOUNT_WARMUP) || (settings.quick ? 2048 : 12_288),
      requests: Number(process.env.BENCH_ACCOUNT_REQUESTS) || (settings.quick ? 512 : 1024),
      cpuRounds: 5,
      cpuRequests: settings.quick ? 5_000 : 20_000,
    };
    const perNode = [];
    const lines = [];
    // The Node versions run side by side: instruction counts do not depend on what else runs.
    const nodes = nodeBinaries();
    const results = await Promise.all(nodes.map((node) => (node.skipped ? undefined : runOnNode(node, options))));
    nodes.forEach((node, i) => {
      if (node.skipped) lines.push(`SKIPPED ${node.label}: ${node.skipped}`);
      else {
        perNode.push(results[i]);
        lines.push(...describe(results[i]));
      }
    });
    return {
      options,
      perNode,
      met: perNode.length > 0 && perNode.every((r) => r.met),
      line: perNode
        .map(
          (r) =>
            `${r.node} +${formatNumber(r.total)} instructions/request, parts ${((100 * r.sum) / r.total).toFixed(1)}%: ${r.met ? 'met' : 'MISSED'}`,
        )
        .join('; '),
      lines,
    };
  },
};

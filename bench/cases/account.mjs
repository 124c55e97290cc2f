/**
 * The accounting: where the added CPU of one traced request goes, in instructions counted by
 * `valgrind --tool=callgrind` (deterministic whatever the machine's load), on this Node and Node 24.
 *
 * A hello-world `node:http` server (`bench/account/server.mjs`) runs under callgrind in one variant of
 * a ladder (untraced; channel subscribers; plus a context entered; otelite non-sampled; recording
 * without a processor; with the batch processor and an exporter that drops; with an encode-only
 * exporter; full OTLP/protobuf export to the receiver; and full without extract). A plain Node client
 * in this process sends `warmup` keep-alive requests over 4 connections with callgrind's
 * instrumentation off (the JIT settles), the server flushes, instrumentation goes on, `requests` more
 * are sent, the server flushes again (every span of the window exported), instrumentation goes off.
 * Per thread (`--separate-threads=yes`) the instructions of the window are split into main-thread
 * garbage collection and JIT compilation (by the inclusive cost of V8's C++ entry points, which have
 * symbols), the main thread's remaining instructions (JavaScript, builtins, libuv, syscalls), and the
 * other threads (V8's helper threads: concurrent and parallel GC; compilation taken out).
 *
 * Each part is the difference of one figure between two variants, per request; the parts are then
 * added and compared with the total (full − untraced, every thread). Instructions become µs through
 * instructions per µs measured here: the same burst against the untraced and full servers without
 * valgrind, server CPU time from /proc, so µs figures carry this machine's speed and its load.
 * The case fails when the receiver got fewer spans than the full server served requests.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCallgrind, instrument, readProcess } from '../lib/callgrind.mjs';
import { ask, startHelper, stopHelper } from '../lib/fork.mjs';
import { formatNumber } from '../lib/format.mjs';
import { nodeBinaries } from '../lib/node-binaries.mjs';
import { OTELITE_DIST, missingOtelite } from '../lib/otelite.mjs';
import { processCpuMicros } from '../lib/process-cpu.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../account/server.mjs', import.meta.url));
const VARIANTS = ['untraced', 'channel', 'context', 'unsampled', 'no-queue', 'no-export', 'no-send', 'no-extract', 'full'];
/**
 * The total the parts are checked against comes from a second pair of processes, not from the ladder
 * (whose steps would add up to its own ends by construction).
 */
const REPEATS = ['untraced', 'full'];
const RUNS = [...VARIANTS.map((variant) => [variant, variant]), ...REPEATS.map((variant) => [`${variant}#2`, variant])];
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

/** One variant under callgrind: the window's instructions per thread class, requests and spans. */
async function countVariant(node, [name, variant], receiver, options, directory) {
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
      node.path,
    ],
    env,
    timeoutMillis: 600_000,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    await burst(server.ready.port, agent, options.warmup);
    await ask(server.child, { type: 'flush' }, 600_000);
    await ask(receiver.child, { type: 'stats' });
    const before = await ask(server.child, { type: 'flush' }, 600_000);
    instrument(server.ready.pid, true);
    await burst(server.ready.port, agent, options.requests);
    const after = await ask(server.child, { type: 'flush' }, 600_000);
    instrument(server.ready.pid, false);
    const received = await ask(receiver.child, { type: 'stats' });
    await new Promise((resolve) => {
      server.child.once('exit', resolve);
      server.child.kill('SIGINT');
    });
    const counts = readProcess(directory, `${prefix}.${server.ready.pid}`);
    return { variant: name, served: after.requests - before.requests, spans: received.spans, encodedSpans: after.encodedSpans, ...counts };
  } finally {
    agent.destroy();
    await stopHelper(server.child);
  }
}

/** Server CPU µs per request without valgrind (best of `rounds` bursts), for instructions → µs. */
async function cpuPerRequest(node, variant, receiver, options) {
  const server = await startHelper(SERVER, [variant, receiver.base, OTELITE_DIST], { execPath: node.path });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    await burst(server.ready.port, agent, options.warmup);
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < options.cpuRounds; round++) {
      const before = await ask(server.child, { type: 'flush' });
      const cpuBefore = processCpuMicros(server.ready.pid);
      // Long enough to span many clock ticks of /proc's CPU time (10 ms each).
      await burst(server.ready.port, agent, options.cpuRequests);
      const after = await ask(server.child, { type: 'flush' });
      best = Math.min(best, (processCpuMicros(server.ready.pid) - cpuBefore) / (after.requests - before.requests));
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
    return account(node, byVariant, cpu);
  } finally {
    await Promise.all(receivers.map((r) => stopHelper(r.child)));
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Per-request figures of a variant: main-thread JS (GC and compile out), main GC, other threads, all. */
function perRequest(run) {
  const n = run.served;
  return {
    mainJs: (run.mainTotal - run.mainGc - run.mainCompile) / n,
    mainGc: run.mainGc / n,
    otherGc: (run.otherTotal - run.otherCompile) / n,
    compile: (run.mainCompile + run.otherCompile) / n,
    all: (run.mainTotal + run.otherTotal) / n,
  };
}

export function account(node, runs, cpu) {
  const v = Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, perRequest(run)]));
  const js = (a, b) => v[a].mainJs - v[b].mainJs;
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
    ['GC, main thread', v.full.mainGc - v.untraced.mainGc, 'full − untraced, Heap::CollectGarbage etc.'],
    ['GC and other helper threads', v.full.otherGc - v.untraced.otherGc, 'full − untraced, threads ≠ main, compile out'],
  ];
  // JIT compilation left in the window is not steady state (it differs between two processes of the
  // same variant by more than the smaller parts): reported, and left out of both the parts and the total.
  const compile = v['full#2'].compile - v['untraced#2'].compile;
  const ladderTotal = v.full.all - v.untraced.all;
  const steady = (name) => v[name].all - v[name].compile;
  const total = steady('full#2') - steady('untraced#2');
  const sum = parts.reduce((s, [, value]) => s + value, 0);
  const untracedIr = v.untraced.all;
  const instructionsPerMicro = {
    untraced: untracedIr / cpu.untraced,
    full: v.full.all / cpu.full,
  };
  const perMicro = (instructionsPerMicro.untraced + instructionsPerMicro.full) / 2;
  const checks = {
    everyRequestExported: ['full', 'full#2', 'no-extract'].every((name) => runs[name].spans >= runs[name].served),
    everyRequestEncoded: runs['no-send'].encodedSpans > 0,
    addsUp: Math.abs(total - sum) <= ADDS_UP_WITHIN * total,
  };
  return {
    node: node.label,
    version: node.version,
    runs,
    perRequest: v,
    parts: parts.map(([name, instructions, method]) => ({ name, instructions, micros: instructions / perMicro, method })),
    total,
    ladderTotal,
    compile,
    sum,
    untracedIr,
    cpu,
    instructionsPerMicro,
    perMicro,
    checks,
    met: Object.values(checks).every(Boolean),
  };
}

export function describe(result) {
  const lines = [
    `${result.node}: untraced ${formatNumber(result.untracedIr)} instructions/request; otelite adds ${formatNumber(result.total)} ` +
      `(${formatNumber(result.total / result.perMicro)} µs at ${formatNumber(result.perMicro)} instructions/µs, measured: ` +
      `untraced ${formatNumber(result.cpu.untraced)} µs/req CPU → ${formatNumber(result.instructionsPerMicro.untraced)}/µs, ` +
      `full ${formatNumber(result.cpu.full)} µs/req → ${formatNumber(result.instructionsPerMicro.full)}/µs)`,
  ];
  for (const part of result.parts) {
    lines.push(
      `  ${part.name.padEnd(80)} ${formatNumber(part.instructions).padStart(8)} instr  ${part.micros.toFixed(2).padStart(6)} µs  ${((100 * part.instructions) / result.total).toFixed(1).padStart(5)}%   (${part.method})`,
    );
  }
  const rest = result.total - result.sum;
  lines.push(
    `  parts (from the ladder) add up to ${formatNumber(result.sum)}; total measured by a second untraced/full pair ${formatNumber(result.total)}: ` +
      `${((100 * result.sum) / result.total).toFixed(1)}% (everything else ${formatNumber(rest)}); ` +
      `full: ${result.runs.full.spans} spans received for ${result.runs.full.served} requests`,
    `  not counted: JIT compilation still running in the window, ${formatNumber(result.compile)} instructions/request (full − untraced, second pair)`,
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
      requests: Number(process.env.BENCH_ACCOUNT_REQUESTS) || (settings.quick ? 512 : 1536),
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

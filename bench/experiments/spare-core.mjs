/**
 * Is there a core to spare while the saturated-server case runs? Issue 26 lists "export work on a
 * worker thread where the machine has a core to spare" as a candidate design; this experiment measures
 * whether that condition holds on the bench machine. It loads the case's untraced hello-world server
 * (bench/saturated/server.cjs) with the case's wrk settings (`-t1 -c32`) and reads, over the burst, the
 * machine's busy and idle time (/proc/stat), the server's CPU and wrk's CPU (/proc/<pid>/stat), in
 * cores. When the idle share is near zero, work moved off the server's main thread still competes with
 * wrk and the server for the same two cores, so it cannot raise the throughput the case measures.
 *
 *   node bench/experiments/spare-core.mjs [seconds=5] [rounds=3]
 *
 * No target; the figures go to the closing accounting in BENCHMARKS.md.
 */

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startHelper, stopHelper } from '../lib/fork.mjs';
import { processCpuMicros } from '../lib/process-cpu.mjs';
import { findWrk } from '../lib/wrk.mjs';

const SERVER = fileURLToPath(new URL('../saturated/server.cjs', import.meta.url));
const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 3);

/** All CPUs' jiffies from the first line of /proc/stat: `{ busy, idle }` (iowait counts as idle). */
function machineJiffies() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + fields[4];
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  return { busy: total - idle, idle };
}

const wrk = findWrk();
if (wrk.skipped) {
  console.log(`SKIPPED spare-core: ${wrk.skipped}`);
  process.exit(0);
}
const server = await startHelper(SERVER, ['untraced', 'http://127.0.0.1:9', '']);
const url = `http://127.0.0.1:${server.ready.port}/`;
console.log(`${availableParallelism()} cores; wrk -t1 -c32 -d${seconds}s against the untraced server; figures in cores`);
console.log('round | machine busy | machine idle | server | wrk | everything else');
for (let round = 1; round <= rounds; round++) {
  const machineBefore = machineJiffies();
  const serverBefore = processCpuMicros(server.ready.pid);
  const started = process.hrtime.bigint();
  const child = spawn(wrk.path, ['-t1', '-c32', `-d${seconds}s`, url], { stdio: ['ignore', 'ignore', 'inherit'] });
  // wrk's own CPU, read just before it exits (its /proc entry is gone after).
  let wrkMicros = 0;
  const poll = setInterval(() => {
    wrkMicros = processCpuMicros(child.pid) ?? wrkMicros;
  }, 50);
  await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  const wallMicros = Number(process.hrtime.bigint() - started) / 1e3;
  const machineAfter = machineJiffies();
  const serverMicros = processCpuMicros(server.ready.pid) - serverBefore;
  const jiffies = machineAfter.busy - machineBefore.busy + (machineAfter.idle - machineBefore.idle);
  const cores = availableParallelism();
  const busy = ((machineAfter.busy - machineBefore.busy) / jiffies) * cores;
  const idle = ((machineAfter.idle - machineBefore.idle) / jiffies) * cores;
  const serverCores = serverMicros / wallMicros;
  const wrkCores = wrkMicros / wallMicros;
  console.log(
    `${round} | ${busy.toFixed(2)} | ${idle.toFixed(2)} | ${serverCores.toFixed(2)} | ${wrkCores.toFixed(2)} | ${(busy - serverCores - wrkCores).toFixed(2)}`,
  );
}
await stopHelper(server.child);

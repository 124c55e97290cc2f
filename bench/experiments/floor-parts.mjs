/**
 * Where the floor tracer's instructions go: the account case's method (bench/cases/account.mjs,
 * `countVariant`: callgrind, warm-up, windows between dumps of an idle server) on five servers, one
 * process each, window B: untraced, `context` (channel subscribers + an AsyncLocalStorage store entered
 * per request), and the floor tracer stopped after its start subscriber, after encoding, and complete
 * (`FLOOR_TRACER_STOP`, see floor-tracer.cjs).
 *
 *   node bench/experiments/floor-parts.mjs            # this Node
 *   BENCH_NODES=24.22.3 node bench/experiments/floor-parts.mjs
 *
 * Prints main-thread JavaScript, main-thread GC and helper-thread instructions per request for each,
 * and the differences between neighbours. Needs valgrind and a built dist/ (the account server loads it
 * only for otelite's variants; the floor needs none of it).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countVariant } from '../cases/account.mjs';
import { startHelper, stopHelper } from '../lib/fork.mjs';
import { experimentNode } from '../lib/node-binaries.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const STEPS = [
  ['untraced', 'untraced', undefined],
  ['context', 'context', undefined],
  ['floor, start only', 'floor', 'start'],
  ['floor, encoded, not sent', 'floor', 'encode'],
  ['floor, complete', 'floor', undefined],
];

const node = experimentNode();
if (node.skipped) throw new Error(`${node.label}: ${node.skipped}`);
const options = { warmup: Number(process.env.BENCH_ACCOUNT_WARMUP) || 12_288, requests: 1024 };
const directory = mkdtempSync(join(os.tmpdir(), 'floor-parts-'));
const helper = await startHelper(RECEIVER, []);
const receiver = { child: helper.child, base: `http://127.0.0.1:${helper.ready.port}` };
const rows = [];
try {
  for (const [label, variant, stop] of STEPS) {
    if (stop === undefined) delete process.env.FLOOR_TRACER_STOP;
    else process.env.FLOOR_TRACER_STOP = stop;
    const { windows } = await countVariant(node, [label, variant], receiver, options, directory);
    const w = windows[1];
    const n = w.served;
    rows.push({
      label,
      mainJs: (w.mainTotal - w.mainGc - w.mainCompile) / n,
      mainGc: w.mainGc / n,
      other: (w.otherTotal - w.otherCompile) / n,
      spansOk: variant !== 'floor' || stop !== undefined || w.spans >= n,
    });
  }
} finally {
  await stopHelper(helper.child);
  rmSync(directory, { recursive: true, force: true });
}
const f = (x) => Math.round(x).toLocaleString('en-US');
console.log(`Node ${node.version}, instructions per request (window B, one process each)`);
rows.forEach((row, i) => {
  const previous = rows[i - 1];
  console.log(
    `${row.label.padEnd(26)} main JS ${f(row.mainJs).padStart(8)}  main GC ${f(row.mainGc).padStart(6)}  helpers ${f(row.other).padStart(6)}` +
      (previous ? `   step: main JS ${f(row.mainJs - previous.mainJs).padStart(7)}, main GC ${f(row.mainGc - previous.mainGc)}` : '') +
      (row.spansOk ? '' : '   SPANS MISSING'),
  );
});

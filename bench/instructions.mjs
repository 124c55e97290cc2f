/**
 * Instructions per encode of the encode case's 512 spans, counted by valgrind's callgrind, which a
 * busy machine does not change (unlike times): for each otelite build given (default dist/), two runs
 * of bench/lib/encode-loop.mjs, with 0 and N iterations; (Ir of N − Ir of 0) / N.
 *
 *   node bench/instructions.mjs [--iterations 200] [dist-folder ...]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--iterations');
const iterations = at >= 0 ? Number(args[at + 1]) : 200;
const dists = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--iterations');
const LOOP = fileURLToPath(new URL('./lib/encode-loop.mjs', import.meta.url));

function instructions(dist, count) {
  const folder = mkdtempSync(join(tmpdir(), 'otelite-callgrind-'));
  // --jit-write-mapping off: V8's JIT code is counted like any other (callgrind follows it by default).
  execFileSync('valgrind', ['--tool=callgrind', '--smc-check=all', `--callgrind-out-file=${folder}/out.%p`, process.execPath, '--single-threaded', LOOP, String(count)], {
    env: { ...process.env, BENCH_OTELITE_DIST: dist },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let total = 0;
  for (const file of readdirSync(folder)) {
    const summary = readFileSync(join(folder, file), 'utf8').match(/^summary: (\d+)/m) ?? readFileSync(join(folder, file), 'utf8').match(/^totals: (\d+)/m);
    if (summary) total += Number(summary[1]);
  }
  return total;
}

for (const dist of dists.length > 0 ? dists : [fileURLToPath(new URL('../dist/', import.meta.url))]) {
  const base = instructions(resolve(dist), 0);
  const loaded = instructions(resolve(dist), iterations);
  console.log(`${dist}: ${((loaded - base) / iterations / 1e6).toFixed(2)} M instructions per encode of 512 spans`);
}

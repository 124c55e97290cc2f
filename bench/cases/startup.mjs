/**
 * Startup: `import` + setup to ready in a fresh process, otelite (`init()`, from dist/) vs
 * opentelemetry-js's equivalent setup (bench/startup/), and a baseline process that only imports what
 * otelite stands on (`@opentelemetry/api` and `node:http`, bench/startup/baseline.mjs). Fresh processes
 * rotate through the three, 15 each (5 with --quick). Reported: the median wall time from the
 * script's first line to ready and the CPU time it took (less sensitive to a busy machine), the ratio of
 * the medians and the median of the per-round ratios, and otelite's own share: its CPU to ready minus
 * the baseline's (medians, same run, same number of processes). Targets (CPU, the figure a loaded
 * machine disturbs least): own share ≤ 10 ms, and otelite ≤ 0.25× opentelemetry-js.
 * Also reported (outside the target): otelite started from a declarative configuration file saying
 * the same (bench/startup/otelite-config.yaml through OTEL_CONFIG_FILE), which loads the YAML parser,
 * the schema validator and the model mapping.
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatNumber, formatRatio } from '../lib/format.mjs';
import { OTELITE_DIST, missingOtelite } from '../lib/otelite.mjs';
import { summarize } from '../lib/stats.mjs';
import { OPENTELEMETRY_JS_3, line3Node, line3Versions } from '../lib/line-3.mjs';

/** The process that imports only `@opentelemetry/api` and `node:http`. */
const BASELINE = 'baseline';

const SCRIPTS = {
  otelite: fileURLToPath(new URL('../startup/otelite.mjs', import.meta.url)),
  'opentelemetry-js': fileURLToPath(new URL('../startup/opentelemetry-js.cjs', import.meta.url)),
  [OPENTELEMETRY_JS_3]: fileURLToPath(new URL('../startup/opentelemetry-js-3.cjs', import.meta.url)),
  [BASELINE]: fileURLToPath(new URL('../startup/baseline.mjs', import.meta.url)),
};
/** otelite's own share (CPU to ready minus the baseline's) and the ratio of CPU to opentelemetry-js's. */
const TARGET = { ownMillis: 10, ratio: 0.25 };
const CONFIG_FILE = fileURLToPath(new URL('../startup/otelite-config.yaml', import.meta.url));

function coldStart(side, execPath = process.execPath, environment = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      execPath,
      [SCRIPTS[side], OTELITE_DIST],
      { timeout: 60_000, env: { ...process.env, OTEL_SDK_DISABLED: '', OTEL_CONFIG_FILE: '', ...environment } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${side} start failed: ${error.message} ${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      },
    );
  });
}

export default {
  id: 'startup',
  title: 'startup',
  unit: 'ms',
  target: {
    ratio: TARGET.ratio,
    lowerIsBetter: true,
    text: `own share (CPU above the api + node:http baseline) ≤ ${TARGET.ownMillis} ms, CPU ≤ ${TARGET.ratio}×`,
  },
  pending: () => missingOtelite({ index: ['init'] }),
  async run(settings, { pending }) {
    if (pending) return { skipped: `otelite not built: ${pending}` };
    const processes = settings.quick ? 5 : 15;
    const { sides, ratio, ratioRange, cpuRatio, ownShare, met } = await alternate('opentelemetry-js', processes);
    // otelite from a configuration file saying what bench/startup/otelite.mjs's options say.
    const fromFile = [];
    for (let i = 0; i < processes; i++) fromFile.push(await coldStart('otelite', process.execPath, { OTEL_CONFIG_FILE: CONFIG_FILE }));
    const withConfigFile = { wall: summarize(fromFile.map((r) => r.readyMillis)), cpu: summarize(fromFile.map((r) => r.cpuMillis)) };
    // The 3.x anchor (bench/lib/line-3.mjs): the same protocol on Node 24, both sides there.
    const node = line3Node();
    let line3 = { skipped: node.skipped };
    if (!node.skipped) {
      try {
        const { runs: _runs, ...measured } = await alternate(OPENTELEMETRY_JS_3, processes, node.path);
        line3 = { node: node.label, versions: line3Versions(), rounds: processes, ...measured };
      } catch (error) {
        line3 = { node: node.label, error: String(error?.message ?? error).split('\n')[0] };
      }
    }
    return {
      line3,
      rounds: processes,
      sides,
      ratio,
      ratioRange,
      cpuRatio,
      ownShare,
      met,
      withConfigFile,
      lines: [
        `own share: otelite ${formatNumber(sides.otelite.cpuMillis.median)} ms CPU − baseline (api + node:http) ${formatNumber(sides[BASELINE].cpuMillis.median)} ms = ` +
          `${formatNumber(ownShare.cpuMillis)} ms (median of per-round differences ${formatNumber(ownShare.perRound.median)}, ` +
          `${formatNumber(ownShare.perRound.min)}–${formatNumber(ownShare.perRound.max)}); wall ${formatNumber(ownShare.wallMillis)} ms; target ≤ ${TARGET.ownMillis} ms`,
        `CPU to ready: otelite ${formatNumber(sides.otelite.cpuMillis.median)} ms (${formatNumber(sides.otelite.cpuMillis.min)}–${formatNumber(sides.otelite.cpuMillis.max)}), ` +
          `opentelemetry-js ${formatNumber(sides['opentelemetry-js'].cpuMillis.median)} ms (${formatNumber(sides['opentelemetry-js'].cpuMillis.min)}–${formatNumber(sides['opentelemetry-js'].cpuMillis.max)}) = ${formatRatio(cpuRatio)}; ` +
          `median of per-pair wall ratios ${formatRatio(ratioRange.median)}`,
        `otelite from OTEL_CONFIG_FILE (same setup as a file): ${formatNumber(withConfigFile.wall.median)} ms wall ` +
          `(${formatNumber(withConfigFile.wall.min)}–${formatNumber(withConfigFile.wall.max)}), ${formatNumber(withConfigFile.cpu.median)} ms CPU ` +
          `(${formatNumber(withConfigFile.cpu.min)}–${formatNumber(withConfigFile.cpu.max)})`,
      ],
    };
  },
};

/**
 * `processes` cold starts each of otelite, `anchor` and the baseline, on `execPath`; the order rotates
 * each round so that none is always first.
 */
async function alternate(anchor, processes, execPath) {
  const names = ['otelite', anchor, BASELINE];
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < processes; i++) {
    const order = names.map((_, k) => names[(k + i) % names.length]);
    for (const side of order) runs[side].push(await coldStart(side, execPath));
  }
  const sides = {};
  for (const [side, list] of Object.entries(runs)) {
    sides[side] = { ...summarize(list.map((r) => r.readyMillis)), cpuMillis: summarize(list.map((r) => r.cpuMillis)), runs: list };
  }
  const ratio = sides.otelite.median / sides[anchor].median;
  const ratioRange = summarize(runs.otelite.map((r, i) => r.readyMillis / runs[anchor][i].readyMillis));
  const cpuRatio = sides.otelite.cpuMillis.median / sides[anchor].cpuMillis.median;
  const ownShare = {
    cpuMillis: sides.otelite.cpuMillis.median - sides[BASELINE].cpuMillis.median,
    wallMillis: sides.otelite.median - sides[BASELINE].median,
    perRound: summarize(runs.otelite.map((r, i) => r.cpuMillis - runs[BASELINE][i].cpuMillis)),
  };
  const met = ownShare.cpuMillis <= TARGET.ownMillis && cpuRatio <= TARGET.ratio;
  return { runs, sides, ratio, ratioRange, cpuRatio, ownShare, met };
}

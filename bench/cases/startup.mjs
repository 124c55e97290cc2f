/**
 * Startup: `import` + setup to ready in a fresh process, otelite (`init()`, from dist/) vs
 * opentelemetry-js's equivalent setup (bench/startup/). Fresh processes alternate sides, 15 per side
 * (5 with --quick). Reported: the median wall time from the script's first line to ready, the CPU time
 * it took (less sensitive to a busy machine), the ratio of the medians and the median of the per-pair
 * ratios. Target: otelite ≤ 40 ms and ≤ 0.35× opentelemetry-js. Also reported (outside the target):
 * otelite started from a declarative configuration file saying the same (bench/startup/otelite-config.yaml
 * through OTEL_CONFIG_FILE), which loads the YAML parser and the schema validator.
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatNumber, formatRatio } from '../lib/format.mjs';
import { OTELITE_DIST, missingOtelite } from '../lib/otelite.mjs';
import { summarize } from '../lib/stats.mjs';

const SCRIPTS = {
  otelite: fileURLToPath(new URL('../startup/otelite.mjs', import.meta.url)),
  'opentelemetry-js': fileURLToPath(new URL('../startup/opentelemetry-js.cjs', import.meta.url)),
};
const TARGET = { millis: 40, ratio: 0.35 };
const CONFIG_FILE = fileURLToPath(new URL('../startup/otelite-config.yaml', import.meta.url));

function coldStart(side) {
  const withFile = side === 'otelite with a file';
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SCRIPTS[withFile ? 'otelite' : side], OTELITE_DIST],
      { timeout: 60_000, env: { ...process.env, OTEL_SDK_DISABLED: '', OTEL_CONFIG_FILE: withFile ? CONFIG_FILE : '' } },
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
  target: { ratio: TARGET.ratio, lowerIsBetter: true, text: `≤ ${TARGET.millis} ms and ≤ ${TARGET.ratio}×` },
  pending: () => missingOtelite({ index: ['init'] }),
  async run(settings, { pending }) {
    if (pending) return { skipped: `otelite not built: ${pending}` };
    const processes = settings.quick ? 5 : 15;
    const runs = { otelite: [], 'opentelemetry-js': [] };
    const withFile = [];
    for (let i = 0; i < processes; i++) {
      const order = i % 2 === 0 ? ['otelite', 'opentelemetry-js'] : ['opentelemetry-js', 'otelite'];
      for (const side of order) runs[side].push(await coldStart(side));
      withFile.push(await coldStart('otelite with a file'));
    }
    const file = { wall: summarize(withFile.map((r) => r.readyMillis)), cpu: summarize(withFile.map((r) => r.cpuMillis)) };
    const sides = {};
    for (const [side, list] of Object.entries(runs)) {
      sides[side] = { ...summarize(list.map((r) => r.readyMillis)), cpuMillis: summarize(list.map((r) => r.cpuMillis)), runs: list };
    }
    const ratio = sides.otelite.median / sides['opentelemetry-js'].median;
    const ratioRange = summarize(runs.otelite.map((r, i) => r.readyMillis / runs['opentelemetry-js'][i].readyMillis));
    const cpuRatio = sides.otelite.cpuMillis.median / sides['opentelemetry-js'].cpuMillis.median;
    const met = sides.otelite.median <= TARGET.millis && ratio <= TARGET.ratio;
    return {
      rounds: processes,
      sides,
      ratio,
      ratioRange,
      cpuRatio,
      met,
      lines: [
        `CPU to ready: otelite ${formatNumber(sides.otelite.cpuMillis.median)} ms (${formatNumber(sides.otelite.cpuMillis.min)}–${formatNumber(sides.otelite.cpuMillis.max)}), ` +
          `opentelemetry-js ${formatNumber(sides['opentelemetry-js'].cpuMillis.median)} ms (${formatNumber(sides['opentelemetry-js'].cpuMillis.min)}–${formatNumber(sides['opentelemetry-js'].cpuMillis.max)}) = ${formatRatio(cpuRatio)}; ` +
          `median of per-pair wall ratios ${formatRatio(ratioRange.median)}`,
        `otelite from OTEL_CONFIG_FILE (same setup as a file): ${formatNumber(file.wall.median)} ms wall (${formatNumber(file.wall.min)}–${formatNumber(file.wall.max)}), ` +
          `${formatNumber(file.cpu.median)} ms CPU; +${formatNumber(file.wall.median - sides.otelite.median)} ms wall over init() options`,
      ],
      withConfigFile: file,
    };
  },
};

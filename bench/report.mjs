/**
 * Prints the results of the last run (bench/results.json) as the Markdown table BENCHMARKS.md holds:
 *
 *   node bench/report.mjs
 */

import { readFileSync } from 'node:fs';
import { formatBytes, formatNumber, formatRatio } from './lib/format.mjs';

const report = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
const { machine } = report;

const spread = (summary) => (summary.values.length > 1 ? ` (${formatNumber(summary.min)}–${formatNumber(summary.max)})` : '');
const cell = (summary, unit) => (summary ? `${formatNumber(summary.median)}${spread(summary)} ${unit}` : '–');
const ratioCell = (result) => {
  if (!Number.isFinite(result.ratio)) return '–';
  const range = result.ratioRange?.values?.length > 1 ? ` (${result.ratioRange.min.toFixed(2)}–${result.ratioRange.max.toFixed(2)})` : '';
  return `${formatRatio(result.ratio)}${range}`;
};
const verdict = (result) => {
  if (result.status !== 'measured') return `${result.status}: ${result.reason}`;
  return result.met ? 'met' : '**missed**';
};

const load = (averages) => (averages ? averages[0].toFixed(1) : '?');
console.log(
  `Run of ${report.date.slice(0, 16).replace('T', ' ')} UTC: ${machine.nproc} cores (\`nproc\`), ${machine.cpu}, Node ${machine.node}, ${machine.platform}; ` +
    `${report.durationSeconds.toFixed(0)} s; 1-minute load average ${load(machine.loadAverageAtStart)} at start, ${load(machine.loadAverageAtEnd)} at the end.\n`,
);
console.log('| case | otelite | opentelemetry-js | otelite / opentelemetry-js | target | |');
console.log('|---|---|---|---|---|---|');
for (const result of report.cases) {
  const sides = result.sides ?? {};
  switch (result.id) {
    case 'encode': {
      const bytes = result.details?.bytes ?? {};
      const byteRatio = bytes.otelite / bytes['opentelemetry-js'];
      console.log(
        `| ${result.title} (512 spans) | ${cell(sides.otelite, 'µs')}, ${formatNumber(bytes.otelite)} B | ${cell(sides['opentelemetry-js'], 'µs')}, ${formatNumber(bytes['opentelemetry-js'])} B | ${ratioCell(result)} time, ${formatRatio(byteRatio)} bytes | ≤ 0.67× time, bytes ≤ | ${verdict(result)} |`,
      );
      break;
    }
    case 'http-server': {
      const ratios = result.ratiosToUninstrumented ?? {};
      const bare = sides.uninstrumented;
      const bareCpu = bare?.cpuMicrosPerRequest?.median;
      const withRatio = (side) => {
        if (!sides[side]) return '–';
        const ratio = ratios[side] !== undefined ? ` = ${formatRatio(ratios[side])} of uninstrumented` : '';
        const cpu = sides[side].cpuMicrosPerRequest;
        return `${cell(sides[side], 'req/s')}${ratio}; server CPU ${formatNumber(cpu.median)} µs/req (capacity ${formatRatio(bareCpu / cpu.median)})`;
      };
      console.log(
        `| ${result.title} (uninstrumented ${cell(bare, 'req/s')}; server CPU ${formatNumber(bareCpu)} µs/req) | ${withRatio('otelite')} | ${withRatio('opentelemetry-js')} | ${sides.otelite && sides['opentelemetry-js'] ? formatRatio(sides.otelite.median / sides['opentelemetry-js'].median) : '–'} throughput | otelite ≥ 0.80× uninstrumented | ${verdict(result)} |`,
      );
      break;
    }
    case 'footprint': {
      const describe = (side) => (side ? `${side.packages} packages, ${formatBytes(side.bytes)}` : '–');
      const ratios = Number.isFinite(result.ratio) ? `${formatRatio(result.packageRatio)} packages, ${formatRatio(result.ratio)} bytes` : '–';
      console.log(`| ${result.title} | ${describe(sides.otelite)} | ${describe(sides['opentelemetry-js'])} | ${ratios} | fewer packages and bytes | ${verdict(result)} |`);
      break;
    }
    default:
      console.log(
        `| ${result.title} | ${cell(sides.otelite, result.unit)} | ${cell(sides['opentelemetry-js'], result.unit)} | ${ratioCell(result)} | ${result.target.text} | ${verdict(result)} |`,
      );
  }
}

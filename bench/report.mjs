/**
 * Prints the results of one run (bench/results.json, or the file given) as the Markdown table
 * BENCHMARKS.md holds; with --write, rewrites the figures in BENCHMARKS.md (between the
 * `bench:last-run` markers) and the README table (between the `bench:readme` markers) from that run,
 * so no figure of an earlier run stays:
 *
 *   node bench/report.mjs [results.json] [--write]
 *   node bench/report.mjs [results.json] --account   (the accounting table of an `account` run)
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { formatBytes, formatNumber, formatRatio, formatSigned } from './lib/format.mjs';

const args = process.argv.slice(2);
const write = args.includes('--write');
const resultsFile = args.find((a) => !a.startsWith('--')) ?? new URL('./results.json', import.meta.url);
const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
const { machine } = report;
const output = [];
const print = (line) => output.push(line);

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

/** The extra row of a case's opentelemetry-js 3.x anchor (bench/lib/line-3.mjs), when it has one. */
const line3Row = (result, what = (side) => cell(side, result.unit)) => {
  const line3 = result.line3;
  if (line3 === undefined) return;
  const label = `${result.title}, vs opentelemetry-js 3.x (${line3.node ?? 'Node 24'})`;
  if (line3.skipped || line3.error) {
    print(`| ${label} | – | – | – | ${result.target.text} | ${line3.skipped ? `skipped: ${line3.skipped}` : `error: ${line3.error}`} |`);
    return;
  }
  const cpu = Number.isFinite(line3.cpuRatio) ? `, ${formatRatio(line3.cpuRatio)} CPU` : '';
  print(
    `| ${label} | ${what(line3.sides.otelite)} | ${what(line3.sides['opentelemetry-js-3'])} | ${ratioCell(line3)}${cpu} | ${result.target.text} | ${line3.met ? 'met' : '**missed**'} |`,
  );
};

const load = (averages) => (averages ? averages[0].toFixed(1) : '?');
print(
  `Run of ${report.date.slice(0, 16).replace('T', ' ')} UTC: ${machine.nproc} cores (\`nproc\`), ${machine.cpu}, Node ${machine.node}, ${machine.platform}; ` +
    `${report.durationSeconds.toFixed(0)} s; 1-minute load average ${load(machine.loadAverageAtStart)} at start, ${load(machine.loadAverageAtEnd)} at the end.\n`,
);
const versions = report.cases.find((c) => c.line3?.versions)?.line3.versions;
if (versions) {
  print(
    `Anchors: opentelemetry-js 2.x (sdk-trace-base 2.12, OTLP 0.223, API 1.9) on Node ${machine.node}; rows "vs opentelemetry-js 3.x": sdk-trace ${versions.sdkTrace}, exporter-trace-otlp-proto ${versions.exporterTraceOtlpProto}, instrumentation-http ${versions.instrumentationHttp}, context-async-hooks ${versions.contextAsyncHooks}, API ${versions.api}, with otelite on the same Node.\n`,
  );
}
print('| case | otelite | opentelemetry-js | otelite / opentelemetry-js | target | |');
print('|---|---|---|---|---|---|');
for (const result of report.cases) {
  const sides = result.sides ?? {};
  switch (result.id) {
    case 'encode': {
      const bytes = result.details?.bytes ?? {};
      const byteRatio = bytes.otelite / bytes['opentelemetry-js'];
      print(
        `| ${result.title} (512 spans) | ${cell(sides.otelite, 'µs')}, ${formatNumber(bytes.otelite)} B | ${cell(sides['opentelemetry-js'], 'µs')}, ${formatNumber(bytes['opentelemetry-js'])} B | ${ratioCell(result)} time, ${formatRatio(byteRatio)} bytes | ${result.target.text.replace(', bytes', ' time, bytes')} | ${verdict(result)} |`,
      );
      line3Row(result, (side) => `${cell(side, 'µs')}, ${formatNumber(side.runs[0].bytes)} B`);
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
      print(
        `| ${result.title} (uninstrumented ${cell(bare, 'req/s')}; server CPU ${formatNumber(bareCpu)} µs/req) | ${withRatio('otelite')} | ${withRatio('opentelemetry-js')} | ${sides.otelite && sides['opentelemetry-js'] ? formatRatio(sides.otelite.median / sides['opentelemetry-js'].median) : '–'} throughput | otelite ≥ 0.80× uninstrumented | ${verdict(result)} |`,
      );
      break;
    }
    case 'footprint': {
      const describe = (side) => (side ? `${side.packages} packages, ${formatBytes(side.bytes)}` : '–');
      const ratios = Number.isFinite(result.ratio)
        ? `${formatRatio(result.packageRatio)} packages, ${formatRatio(result.ratio)} bytes`
        : '–';
      print(
        `| ${result.title} | ${describe(sides.otelite)} | ${describe(sides['opentelemetry-js'])} | ${ratios} | fewer packages and bytes | ${verdict(result)} |`,
      );
      break;
    }
    case 'startup': {
      const cpu = (side) => (side?.cpuMillis ? `, CPU ${formatNumber(side.cpuMillis.median)} ms` : '');
      const own = (r) =>
        r.ownShare
          ? `; own share above the api + node:http baseline (${formatNumber(r.sides.baseline.cpuMillis.median)} ms CPU): ${formatNumber(r.ownShare.cpuMillis)} ms CPU`
          : '';
      print(
        `| ${result.title} (import + init to ready, ${result.rounds} fresh processes each) | ${cell(sides.otelite, 'ms')}${cpu(sides.otelite)}${own(result)} | ${cell(sides['opentelemetry-js'], 'ms')}${cpu(sides['opentelemetry-js'])} | ${formatRatio(result.cpuRatio)} CPU, ${ratioCell(result)} wall | ${result.target.text} | ${verdict(result)} |`,
      );
      const line3 = result.line3;
      if (line3?.sides) {
        print(
          `| ${result.title}, vs opentelemetry-js 3.x (${line3.node}) | ${cell(line3.sides.otelite, 'ms')}${cpu(line3.sides.otelite)}${own(line3)} | ${cell(line3.sides['opentelemetry-js-3'], 'ms')}${cpu(line3.sides['opentelemetry-js-3'])} | ${formatRatio(line3.cpuRatio)} CPU, ${ratioCell(line3)} wall | ${result.target.text} | ${line3.met ? 'met' : '**missed**'} |`,
        );
      } else line3Row(result);
      break;
    }
    case 'memory': {
      const q = result.details?.queue2048;
      const at2048 = (r, side) =>
        r.details?.queue2048?.sides?.[side] ? `; default queue 2,048: ${cell(r.details.queue2048.sides[side], 'B')}` : '';
      const ratio2048 = (r) => (Number.isFinite(r.details?.queue2048?.ratio) ? `; 2,048: ${formatRatio(r.details.queue2048.ratio)}` : '');
      print(
        `| ${result.title} (queue 16,384; and 8 default queues of 2,048) | ${cell(sides.otelite, result.unit)}${at2048(result, 'otelite')} | ${cell(sides['opentelemetry-js'], result.unit)}${at2048(result, 'opentelemetry-js')} | 16,384: ${ratioCell(result)}${ratio2048(result)} | ${result.target.text} | ${verdict(result)} |`,
      );
      const line3 = result.line3;
      if (line3?.sides && q) {
        print(
          `| ${result.title}, vs opentelemetry-js 3.x (${line3.node}) | ${cell(line3.sides.otelite, result.unit)}${at2048(line3, 'otelite')} | ${cell(line3.sides['opentelemetry-js-3'], result.unit)}${at2048(line3, 'opentelemetry-js-3')} | 16,384: ${ratioCell(line3)}${ratio2048(line3)} | ${result.target.text} | ${line3.met ? 'met' : '**missed**'} |`,
        );
      } else line3Row(result);
      break;
    }
    case 'saturated-server': {
      for (const node of result.perNode ?? []) {
        const v = node.variants;
        const range = (summary, digits = 2) => `(${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})`;
        const describe = (name) =>
          `kept ${formatRatio(v[name].keptRatio.median)} ${range(v[name].keptRatio)}, main thread ${formatSigned(v[name].addedMainCpuMicros.median)} µs/req ${range(v[name].addedMainCpuMicros, 1)}, process ${formatSigned(v[name].addedCpuMicros.median)} µs/req`;
        const ratio = (side) => {
          const r = node.ratios?.[side];
          return r ? `added CPU, main thread ${formatRatio(r.ratio)} ${range(r.perRound)}; process ${formatRatio(r.processRatio)}` : '';
        };
        const verdictFor = () => (node.failures?.length ? `**failed**: ${node.failures.join('; ')}` : node.met ? 'met' : '**missed**');
        const head = `${result.title}, ${node.node} (wrk -t1 -c32; untraced ${formatNumber(v.untraced.requestsPerSecond.median)} req/s, ${formatNumber(v.untraced.cpuMicrosPerRequest.median)} µs/req process, ${formatNumber(v.untraced.mainCpuMicrosPerRequest.median)} main thread)`;
        print(
          `| ${head} | ${describe('otelite')}; non-sampled kept ${formatRatio(v['otelite-unsampled'].keptRatio.median)} ${range(v['otelite-unsampled'].keptRatio)}${v['context-only'] ? `; context propagation alone (no SDK) kept ${formatRatio(v['context-only'].keptRatio.median)}, main thread ${formatSigned(v['context-only'].addedMainCpuMicros.median)} µs/req` : ''}${v.floor ? `; floor tracer (the same spans, written by hand) kept ${formatRatio(v.floor.keptRatio.median)}, main thread ${formatSigned(v.floor.addedMainCpuMicros.median)} µs/req ${range(v.floor.addedMainCpuMicros, 1)} = ${formatRatio(node.floor.ratio)} of ${node.anchor === 'opentelemetry-js' ? '2.x' : '3.x'}'s` : ''} | ${describe('opentelemetry-js')} | ${ratio('opentelemetry-js')} | ${result.target.text}${node.anchor === 'opentelemetry-js' ? '' : ' (CPU vs 3.x)'} | ${verdictFor()} |`,
        );
        if (v['opentelemetry-js-3']) {
          print(
            `| ${result.title}, ${node.node}, vs opentelemetry-js 3.x | (as above) | ${describe('opentelemetry-js-3')} | ${ratio('opentelemetry-js-3')} | ${result.target.text} | ${verdictFor()} |`,
          );
        }
      }
      if (!result.perNode) print(`| ${result.title} | – | – | – | ${result.target.text} | ${verdict(result)} |`);
      break;
    }
    default:
      print(
        `| ${result.title} | ${cell(sides.otelite, result.unit)} | ${cell(sides['opentelemetry-js'], result.unit)} | ${ratioCell(result)} | ${result.target.text} | ${verdict(result)} |`,
      );
      line3Row(result);
  }
}

const table = output.join('\n');
if (args.includes('--account')) {
  console.log(accountTable());
} else if (!write) {
  console.log(table);
} else {
  const replaceBetween = (file, marker, content) => {
    const url = new URL(`../${file}`, import.meta.url);
    const text = readFileSync(url, 'utf8');
    const start = `<!-- ${marker}:start -->`;
    const end = `<!-- ${marker}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} markers`);
    writeFileSync(url, `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`);
    console.log(`rewrote ${file} (${marker})`);
  };
  replaceBetween('BENCHMARKS.md', 'bench:last-run', table);
  replaceBetween('README.md', 'bench:readme', readmeTable());
}

/** The short README table: one line per headline figure of this run. */
function readmeTable() {
  const byId = Object.fromEntries(report.cases.map((c) => [c.id, c]));
  const node24 = report.cases.find((c) => c.line3?.node)?.line3.node ?? 'Node 24';
  const rows = [
    `| | otelite | opentelemetry-js 2.x | ratio | otelite, ${node24} | opentelemetry-js 3.x, ${node24} | ratio |`,
    '|---|---|---|---|---|---|---|',
  ];
  // The 3.x anchor's three cells (otelite and opentelemetry-js 3.x on Node 24, their ratio), or dashes.
  const anchor3 = (c, unit, extra = () => '') => {
    const line3 = c.line3;
    if (!line3?.sides) return ' – | – | – |';
    return ` ${formatNumber(line3.sides.otelite.median)} ${unit}${extra(line3.sides.otelite)} | ${formatNumber(line3.sides['opentelemetry-js-3'].median)} ${unit}${extra(line3.sides['opentelemetry-js-3'])} | ${formatRatio(line3.ratio)} |`;
  };
  const simple = (id, label, unit) => {
    const c = byId[id];
    if (!c?.sides?.otelite) return;
    rows.push(
      `| ${label} | ${formatNumber(c.sides.otelite.median)} ${unit} | ${formatNumber(c.sides['opentelemetry-js'].median)} ${unit} | ${formatRatio(c.ratio)} |${anchor3(c, unit)}`,
    );
  };
  simple('span-lifecycle', 'span lifecycle (start, 5 attributes, end, batch processor)', 'ns');
  simple('active-spans', 'three nested active spans', 'ns');
  if (byId.encode?.sides?.otelite) {
    const c = byId.encode;
    const bytes = c.details?.bytes ?? {};
    rows.push(
      `| encode 512 spans to OTLP protobuf | ${formatNumber(c.sides.otelite.median)} µs, ${formatBytes(bytes.otelite)} | ${formatNumber(c.sides['opentelemetry-js'].median)} µs, ${formatBytes(bytes['opentelemetry-js'])} | ${formatRatio(c.ratio)} |${anchor3(c, 'µs', (side) => `, ${formatBytes(side.runs[0].bytes)}`)}`,
    );
  }
  simple('memory', 'heap per queued span', 'B');
  simple('startup', 'import + init() to ready (fresh process)', 'ms');
  for (const node of byId['saturated-server']?.perNode ?? []) {
    const v = node.variants;
    const kept = (name) =>
      `${formatRatio(v[name].keptRatio.median)}, ${formatSigned(v[name].addedMainCpuMicros?.median ?? v[name].addedCpuMicros.median)} µs`;
    const js3 = v['opentelemetry-js-3'] ? ` ${kept('otelite')} | ${kept('opentelemetry-js-3')} | |` : ' | | |';
    rows.push(
      `| saturated hello-world server (wrk), ${node.node}: throughput kept vs untraced, added main-thread CPU per request | ${kept('otelite')} (non-sampled kept ${formatRatio(v['otelite-unsampled'].keptRatio.median)}${v['context-only'] ? `; context propagation alone ${formatSigned(v['context-only'].addedMainCpuMicros?.median ?? v['context-only'].addedCpuMicros.median)} µs` : ''}) | ${kept('opentelemetry-js')} | |${js3}`,
    );
  }
  const footprint = byId.footprint;
  if (footprint?.sides?.otelite) {
    rows.push(
      `| installed for tracing + OTLP + HTTP | ${footprint.sides.otelite.packages} packages, ${formatBytes(footprint.sides.otelite.bytes)} | ${footprint.sides['opentelemetry-js'].packages} packages, ${formatBytes(footprint.sides['opentelemetry-js'].bytes)} | ${formatRatio(footprint.ratio)} | | | |`,
    );
  }
  return rows.join('\n');
}

/** The Markdown table of the `account` case (BENCHMARKS.md, "Where a traced request's CPU goes"). */
function accountTable() {
  const account = report.cases.find((c) => c.id === 'account');
  if (!account?.perNode?.length) return 'no account case in this results file';
  const nodes = account.perNode;
  const signed = (x) => formatNumber(Math.round(x));
  const rows = [
    `| part (per traced request) | how | ${nodes.map((n) => `${n.node} instructions | µs`).join(' | ')} |`,
    `|---|---|${nodes.map(() => '---|---|').join('')}`,
  ];
  for (let i = 0; i < nodes[0].parts.length; i++) {
    const part = nodes[0].parts[i];
    rows.push(
      `| ${part.name} | ${part.method} | ${nodes.map((n) => `${signed(n.parts[i].instructions)} | ${n.parts[i].micros.toFixed(2)}`).join(' | ')} |`,
    );
  }
  const cells = (f) => nodes.map(f).join(' | ');
  rows.push(
    `| **sum of the parts** (window A) | | ${cells((n) => `**${signed(n.sum)}** | ${(n.sum / n.perMicro).toFixed(2)}`)} |`,
    `| **total** (window B, full − untraced, compile out) | | ${cells((n) => `**${signed(n.total)}** | ${(n.total / n.perMicro).toFixed(2)}`)} |`,
    `| **parts / total** | | ${cells((n) => `**${((100 * n.sum) / n.total).toFixed(1)} %** | ${n.checks.addsUp ? 'within 10 %' : 'MISSED'}`)} |`,
    ...(nodes.every((n) => n.floor)
      ? [
          `| reference, not in the sum: the floor tracer (the same spans written by hand), main-thread JS + GC, both lines | floor − untraced (JS window B) | ${cells((n) => `${signed(n.floor.total)} | ${(n.floor.total / n.perMicro).toFixed(2)}`)} |`,
          `| of which main thread (JS + GC) | | ${cells((n) => `${signed(n.floor.mainJsB + n.floor.mainGc)} | ${((n.floor.mainJsB + n.floor.mainGc) / n.perMicro).toFixed(2)}`)} |`,
        ]
      : []),
    `| not counted: JIT compilation in window B | full − untraced | ${cells((n) => `${signed(n.compile)} | `)} |`,
    `| untraced server, for scale (all threads) | | ${cells((n) => `${signed(n.untracedIr)} | `)} |`,
    `| nextTick's tier: V8 runtime literal calls per request, untraced / full (windows A, B) | | ${cells((n) => `${n.slowLiteral.untraced.map((x) => x.toFixed(1)).join(', ')} / ${n.slowLiteral.full.map((x) => x.toFixed(1)).join(', ')} | ${n.checks.sameTier ? 'same tier' : 'DIFFERENT'}`)} |`,
    `| main-thread instructions per µs of main-thread CPU (untraced / full, native, best of 5) | | ${cells((n) => `${formatNumber(n.instructionsPerMicro.untraced)} / ${formatNumber(n.instructionsPerMicro.full)} | `)} |`,
    `| native CPU per request, main thread (process), untraced / full | | ${cells((n) => `${formatNumber(n.cpu.untraced.main)} (${formatNumber(n.cpu.untraced.process)}) / ${formatNumber(n.cpu.full.main)} (${formatNumber(n.cpu.full.process)}) µs | `)} |`,
  );
  // Reproducibility: main-thread JS per request of each process (window A), spread and A→B change.
  const variants = Object.keys(nodes[0].reproducibility);
  rows.push(
    '',
    `| main-thread JS, instructions per request | ${nodes.map((n) => `${n.node}: ${n.reproducibility.untraced.mainJs.length} processes, window A | spread | A→B`).join(' | ')} |`,
    `|---|${nodes.map(() => '---|---|---|').join('')}`,
  );
  for (const variant of variants) {
    rows.push(
      `| ${variant} | ${cells((n) => {
        const r = n.reproducibility[variant];
        return `${r.mainJs.map((x) => formatNumber(Math.round(x))).join(' · ')} | ${(100 * r.acrossProcesses).toFixed(1)} % | ${(100 * r.windowAtoB).toFixed(1)} %`;
      })} |`,
    );
  }
  return rows.join('\n');
}

/**
 * HTTP server: throughput of a hello-world node:http server, uninstrumented vs otelite vs
 * opentelemetry-js, each traced variant exporting OTLP/protobuf to a local receiver process. Each
 * variant is its own server process, started once and warmed up with a burst of load; then every round
 * loads each server in turn (the order rotating per round) with short bursts from one separate
 * keep-alive load generator process, so the three bursts of a round run within seconds of each other.
 * Reports requests per second and the ratios to the uninstrumented server, and server CPU per request;
 * the receiver's span count checks that the traced variants really exported.
 */

import { fileURLToPath } from 'node:url';
import { ask, startHelper, stopHelper } from '../lib/fork.mjs';
import { formatNumber, formatRatio, formatRatioSummary, formatSummary } from '../lib/format.mjs';
import { OTELITE_DIST, missingOtelite } from '../lib/otelite.mjs';
import { summarize } from '../lib/stats.mjs';

const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../http/server.cjs', import.meta.url));
const LOAD = fileURLToPath(new URL('../http/load.mjs', import.meta.url));

const UNINSTRUMENTED = 'uninstrumented';
const TARGET_RATIO = 0.8;

/**
 * One burst of load on one variant's server; then the server flushes (so nothing is left to export
 * while another variant is loaded) and the receiver says what arrived.
 */
async function runBurst(server, receiver, loadGenerator, load) {
  await ask(receiver, { type: 'stats' }); // reset the counts
  const usageBefore = await ask(server.child, { type: 'usage' });
  const result = await ask(
    loadGenerator,
    { type: 'run', port: server.ready.port, ...load },
    load.warmupMillis + load.durationMillis + 20_000,
  );
  const usageAfter = await ask(server.child, { type: 'usage' });
  // Server CPU per request over the burst (its warm-up included): the cost of serving and tracing a
  // request, whether or not the load generator kept the server busy.
  const served = usageAfter.requests - usageBefore.requests;
  const cpuMicrosPerRequest = (usageAfter.cpuMicros - usageBefore.cpuMicros) / served;
  await ask(server.child, { type: 'flush' }, 40_000);
  const received = await ask(receiver, { type: 'stats' });
  return {
    value: result.requestsPerSecond,
    ...result,
    cpuMicrosPerRequest,
    served,
    exportRequests: received.requests,
    exportedBytes: received.bodyBytes,
    exportedSpans: received.spans,
    malformedExports: received.malformed,
    exportContentTypes: received.contentTypes,
  };
}

export default {
  id: 'http-server',
  title: 'HTTP server',
  unit: 'req/s',
  target: { ratio: TARGET_RATIO, lowerIsBetter: false, text: 'otelite ≥ 0.80× uninstrumented' },
  pending: () =>
    missingOtelite({
      index: [
        'TracerProvider',
        'BatchSpanProcessor',
        'AlwaysOnSampler',
        'OTLPTraceExporter',
        'AsyncLocalStorageContextManager',
        'W3CTraceContextPropagator',
        'instrumentHttp',
      ],
    }),
  async run(settings, { pending }) {
    const rounds = settings.quick ? 2 : 5;
    const load = { connections: 16, warmupMillis: 250, durationMillis: settings.quick ? 1000 : 1500 };
    const warmup = { ...load, warmupMillis: 0, durationMillis: 1000 };
    const variants = pending ? [UNINSTRUMENTED, 'opentelemetry-js'] : [UNINSTRUMENTED, 'otelite', 'opentelemetry-js'];
    const perVariant = Object.fromEntries(variants.map((variant) => [variant, []]));
    const helpers = [];
    try {
      const receiver = await startHelper(RECEIVER, []);
      helpers.push(receiver);
      const receiverUrl = `http://127.0.0.1:${receiver.ready.port}/v1/traces`;
      const loadGenerator = await startHelper(LOAD, []);
      helpers.push(loadGenerator);
      const servers = {};
      for (const variant of variants) {
        servers[variant] = await startHelper(SERVER, [variant, receiverUrl, OTELITE_DIST]);
        helpers.push(servers[variant]);
        await runBurst(servers[variant], receiver.child, loadGenerator.child, warmup);
      }
      for (let round = 0; round < rounds; round++) {
        const order = variants.map((_, i) => variants[(i + round) % variants.length]);
        for (const variant of order) perVariant[variant].push(await runBurst(servers[variant], receiver.child, loadGenerator.child, load));
      }
    } finally {
      await Promise.all(helpers.map((helper) => stopHelper(helper.child)));
    }

    const sides = {};
    for (const [variant, runs] of Object.entries(perVariant)) {
      sides[variant] = {
        ...summarize(runs.map((r) => r.value)),
        cpuMicrosPerRequest: summarize(runs.map((r) => r.cpuMicrosPerRequest)),
        runs,
      };
    }
    const bareCpu = sides[UNINSTRUMENTED].cpuMicrosPerRequest.median;
    const cpu = variants.map((variant) => {
      const perRequest = sides[variant].cpuMicrosPerRequest;
      const added =
        variant === UNINSTRUMENTED
          ? ''
          : ` (+${formatNumber(perRequest.median - bareCpu)} µs, capacity ${formatRatio(bareCpu / perRequest.median)})`;
      return `${variant} ${formatSummary(perRequest, 'µs')}${added}`;
    });
    const ratios = {};
    const ratioRanges = {};
    for (const variant of variants.filter((v) => v !== UNINSTRUMENTED)) {
      ratios[variant] = sides[variant].median / sides[UNINSTRUMENTED].median;
      ratioRanges[variant] = summarize(perVariant[variant].map((r, i) => r.value / perVariant[UNINSTRUMENTED][i].value));
    }
    const throughput = variants
      .map((variant) => {
        const ratio = ratios[variant] === undefined ? '' : ` = ${formatRatioSummary(ratios[variant], ratioRanges[variant])}`;
        return `${variant} ${formatSummary(sides[variant], 'req/s')}${ratio}`;
      })
      .join('   ');
    const exported = variants
      .filter((v) => v !== UNINSTRUMENTED)
      .map((variant) => {
        const runs = perVariant[variant];
        const served = runs.reduce((sum, r) => sum + r.served, 0);
        const spans = runs.reduce((sum, r) => sum + r.exportedSpans, 0);
        const bytes = runs.reduce((sum, r) => sum + r.exportedBytes, 0);
        return `${variant} ${spans.toLocaleString('en-US')} spans for ${served.toLocaleString('en-US')} requests (${((100 * spans) / served).toFixed(1)}%, ${formatNumber(bytes / Math.max(spans, 1))} B/span)`;
      });
    const lines = [`server CPU per request: ${cpu.join('   ')}`, `exported to the receiver: ${exported.join('; ')}`];
    if (ratios['opentelemetry-js'] !== undefined && ratios.otelite !== undefined) {
      lines.push(`otelite / opentelemetry-js throughput: ${formatRatio(sides.otelite.median / sides['opentelemetry-js'].median)}`);
    }
    const met = ratios.otelite === undefined ? undefined : ratios.otelite >= TARGET_RATIO;
    const verdict = met === undefined ? '' : `   target ${this.target.text}   ${met ? 'met' : 'MISSED'}`;
    return {
      rounds,
      load,
      sides,
      ratio: ratios.otelite,
      ratioRange: ratioRanges.otelite,
      ratiosToUninstrumented: ratios,
      met,
      line: `${throughput}${verdict}`,
      lines,
    };
  },
};

/**
 * The second anchor: opentelemetry-js 3.x (sdk-trace 3.1, exporter-trace-otlp-proto 0.301,
 * instrumentation-http 0.301, context-async-hooks 3.x, with @opentelemetry/api 1.10), which needs
 * Node >= 22.15. Its packages come from the compat suite's separate project test/compat/line-3 (its own
 * exactly pinned package.json and lockfile: `npm ci --prefix test/compat/line-3`); its side runs on
 * Node 24 (scripts/cached-node.sh), next to an otelite side on the same Node 24, so the ratio compares
 * like with like. `BENCH_SKIP_LINE_3=1` leaves it out.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NODE_24, nodeBinaries } from './node-binaries.mjs';
import { BATCH } from './workload.mjs';

/** The side's name in results.json and the printed report. */
export const OPENTELEMETRY_JS_3 = 'opentelemetry-js-3';

const PROJECT = fileURLToPath(new URL('../../test/compat/line-3/', import.meta.url));

/** `require` from line 3's install: every package, and the API they share, resolve there. */
export const requireLine3 = createRequire(`${PROJECT}package.json`);

/**
 * The Node 24 binary for the line-3 pairs: `{ label, path, version }`, or `{ skipped }` with the reason
 * the anchor cannot run here.
 */
export function line3Node(env = process.env) {
  if (env.BENCH_SKIP_LINE_3 === '1') return { skipped: 'BENCH_SKIP_LINE_3=1' };
  if (!existsSync(`${PROJECT}node_modules/@opentelemetry/sdk-trace/package.json`)) {
    return { skipped: 'test/compat/line-3 not installed (npm ci --prefix test/compat/line-3)' };
  }
  const [node] = nodeBinaries({ BENCH_NODES: NODE_24 });
  return node.skipped ? { skipped: `${node.label}: ${node.skipped}` } : node;
}

/** The versions the anchor runs, for the report. */
export function line3Versions() {
  const version = (name) => JSON.parse(readFileSync(`${PROJECT}node_modules/${name}/package.json`, 'utf8')).version;
  return {
    api: version('@opentelemetry/api'),
    sdkTrace: version('@opentelemetry/sdk-trace'),
    exporterTraceOtlpProto: version('@opentelemetry/exporter-trace-otlp-proto'),
    instrumentationHttp: version('@opentelemetry/instrumentation-http'),
    contextAsyncHooks: version('@opentelemetry/context-async-hooks'),
  };
}

/** sdk-trace 3.x's BatchSpanProcessor (options object) with the shared batch settings. */
export function createLine3BatchProcessor(exporter, batch = BATCH) {
  const { BatchSpanProcessor } = requireLine3('@opentelemetry/sdk-trace');
  return new BatchSpanProcessor({ exporter, ...batch });
}

/** sdk-trace 3.x's TracerProvider, configured as the 2.x side's (AlwaysOn, same resource content). */
export async function createLine3Provider(...processors) {
  const { AlwaysOnSampler, TracerProvider } = requireLine3('@opentelemetry/sdk-trace');
  const { defaultResource, resourceFromAttributes } = requireLine3('@opentelemetry/resources');
  const { processAndHostAttributes } = await import('./providers.mjs');
  const { RESOURCE_ATTRIBUTES } = await import('./workload.mjs');
  return new TracerProvider({
    sampler: new AlwaysOnSampler(),
    resource: defaultResource().merge(resourceFromAttributes({ ...processAndHostAttributes(), ...RESOURCE_ATTRIBUTES })),
    spanProcessors: processors,
  });
}

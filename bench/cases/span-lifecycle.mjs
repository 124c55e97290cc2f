/**
 * span lifecycle: `startSpan` with 4 attributes, one `setAttribute`, `end`, through a batch span
 * processor whose exporter succeeds at once. Reports nanoseconds per span.
 */

import { measureCpu } from '../lib/measure.mjs';
import { importOtelite, missingOtelite } from '../lib/otelite.mjs';
import { BATCH, TRACER_NAME, TRACER_VERSION, createOpenTelemetryJsNoopExporter, createOteliteNoopExporter } from '../lib/workload.mjs';
import { createOpenTelemetryJsProvider, createOteliteProvider } from '../lib/providers.mjs';
import { exportedLine } from '../lib/exported-line.mjs';
import { createLine3BatchProcessor, createLine3Provider } from '../lib/line-3.mjs';

/** The work of one span, the same on both sides (attributes are a fresh object per span, as in real code). */
function spanOp(tracer) {
  return (i) => {
    const span = tracer.startSpan('GET /users/:id', {
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/users/42',
        'server.address': 'api.example.com',
        'server.port': 8080,
      },
    });
    span.setAttribute('http.response.status_code', 200 + (i & 1));
    span.end();
  };
}

async function measure(provider, exporter, settings) {
  const tracer = provider.getTracer(TRACER_NAME, TRACER_VERSION);
  const result = await measureCpu(spanOp(tracer), settings.measure);
  await provider.forceFlush();
  return { ...result, spans: result.opsTotal, exported: exporter.exported };
}

export default {
  id: 'span-lifecycle',
  title: 'span lifecycle',
  unit: 'ns/span',
  target: { ratio: 0.25, lowerIsBetter: true, text: '≤ 0.25×' },
  rounds: (settings) => settings.cpuRounds,
  childSettings: (settings) => ({ measure: settings.quick ? { warmupMillis: 200, samples: 3 } : {} }),
  conclude: (sides) => ({ lines: [exportedLine(sides)] }),
  pending: () => missingOtelite({ index: ['TracerProvider', 'BatchSpanProcessor', 'AlwaysOnSampler'] }),
  sides: {
    async otelite(settings) {
      const { module: otelite } = await importOtelite();
      const exporter = createOteliteNoopExporter();
      const provider = createOteliteProvider(otelite, new otelite.BatchSpanProcessor(exporter, BATCH));
      return measure(provider, exporter, settings);
    },
    async 'opentelemetry-js'(settings) {
      const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
      const exporter = createOpenTelemetryJsNoopExporter();
      const provider = await createOpenTelemetryJsProvider(new BatchSpanProcessor(exporter, BATCH));
      return measure(provider, exporter, settings);
    },
    /** The 3.x anchor (bench/lib/line-3.mjs), run on Node 24 against an otelite side there. */
    async 'opentelemetry-js-3'(settings) {
      const exporter = createOpenTelemetryJsNoopExporter();
      const provider = await createLine3Provider(createLine3BatchProcessor(exporter));
      return measure(provider, exporter, settings);
    },
  },
};

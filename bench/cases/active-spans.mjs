/**
 * active spans: three nested `startActiveSpan` levels with each side's AsyncLocalStorage context
 * manager registered, through a batch span processor whose exporter succeeds at once. Measures the
 * context cost on top of span creation. Reports nanoseconds per nest (3 spans).
 */

import { measureCpu } from '../lib/measure.mjs';
import { importOtelite, missingOtelite } from '../lib/otelite.mjs';
import { BATCH, TRACER_NAME, TRACER_VERSION, createOpenTelemetryJsNoopExporter, createOteliteNoopExporter } from '../lib/workload.mjs';
import { createOpenTelemetryJsProvider, createOteliteProvider } from '../lib/providers.mjs';
import { exportedLine } from '../lib/exported-line.mjs';
import { createLine3BatchProcessor, createLine3Provider, requireLine3 } from '../lib/line-3.mjs';

/** One nest: outer → middle → inner, each active in its callback and ended there (closures as user code writes them). */
function nestOp(tracer) {
  const inner = (span) => {
    span.setAttribute('level', 3);
    span.end();
  };
  return () => {
    tracer.startActiveSpan('outer', (span) => {
      tracer.startActiveSpan('middle', (child) => {
        tracer.startActiveSpan('inner', inner);
        child.end();
      });
      span.end();
    });
  };
}

async function measure(provider, exporter, settings) {
  const tracer = provider.getTracer(TRACER_NAME, TRACER_VERSION);
  const result = await measureCpu(nestOp(tracer), settings.measure);
  await provider.forceFlush();
  return { ...result, spans: 3 * result.opsTotal, exported: exporter.exported };
}

export default {
  id: 'active-spans',
  title: 'active spans',
  unit: 'ns/nest',
  target: { ratio: 0.3, lowerIsBetter: true, text: '≤ 0.30×' },
  rounds: (settings) => settings.cpuRounds,
  childSettings: (settings) => ({ measure: settings.quick ? { warmupMillis: 200, samples: 3 } : {} }),
  conclude: (sides) => ({ lines: [exportedLine(sides)] }),
  pending: () => missingOtelite({ index: ['TracerProvider', 'BatchSpanProcessor', 'AlwaysOnSampler', 'AsyncLocalStorageContextManager'] }),
  sides: {
    async otelite(settings) {
      const { module: otelite } = await importOtelite();
      const { context } = await import('@opentelemetry/api');
      context.setGlobalContextManager(new otelite.AsyncLocalStorageContextManager().enable());
      const exporter = createOteliteNoopExporter();
      const provider = createOteliteProvider(otelite, new otelite.BatchSpanProcessor(exporter, BATCH));
      return measure(provider, exporter, settings);
    },
    async 'opentelemetry-js'(settings) {
      const { context } = await import('@opentelemetry/api');
      const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
      const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const exporter = createOpenTelemetryJsNoopExporter();
      const provider = await createOpenTelemetryJsProvider(new BatchSpanProcessor(exporter, BATCH));
      return measure(provider, exporter, settings);
    },
    /** The 3.x anchor (bench/lib/line-3.mjs), run on Node 24 against an otelite side there. */
    async 'opentelemetry-js-3'(settings) {
      const { context } = requireLine3('@opentelemetry/api');
      const { AsyncLocalStorageContextManager } = requireLine3('@opentelemetry/context-async-hooks');
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const exporter = createOpenTelemetryJsNoopExporter();
      const provider = await createLine3Provider(createLine3BatchProcessor(exporter));
      return measure(provider, exporter, settings);
    },
  },
};

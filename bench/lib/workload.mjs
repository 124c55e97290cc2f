/** The settings and data both sides share, so each case compares like with like. */

/** Batch span processor settings, passed explicitly to both sides (the spec defaults). */
export const BATCH = Object.freeze({
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30000,
});

/** The resource attributes both sides are given. */
export const RESOURCE_ATTRIBUTES = Object.freeze({
  'service.name': 'otelite-bench',
  'service.version': '1.0.0',
});

/** The tracer (instrumentation scope) name and version both sides use. */
export const TRACER_NAME = 'bench';
export const TRACER_VERSION = '1.0.0';

/** An opentelemetry-js exporter whose export succeeds at once, counting the spans it is handed. */
export function createOpenTelemetryJsNoopExporter() {
  return {
    exported: 0,
    export(spans, resultCallback) {
      this.exported += spans.length;
      resultCallback({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
}

/** An otelite exporter whose export succeeds at once, counting the spans it is handed. */
export function createOteliteNoopExporter() {
  const success = Promise.resolve({ code: 0 });
  return {
    exported: 0,
    export(spans) {
      this.exported += spans.length;
      return success;
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
}

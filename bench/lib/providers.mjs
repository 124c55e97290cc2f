/** Tracer providers configured alike on both sides: AlwaysOn sampler, the same resource, given processors. */

import { RESOURCE_ATTRIBUTES } from './workload.mjs';

/** An otelite `TracerProvider` (from the built module `otelite`) with `processors`. */
export function createOteliteProvider(otelite, ...processors) {
  return new otelite.TracerProvider({
    sampler: new otelite.AlwaysOnSampler(),
    resource: { attributes: { ...RESOURCE_ATTRIBUTES } },
    spanProcessors: processors,
  });
}

/** An opentelemetry-js `BasicTracerProvider` (sdk-trace-base) with `processors`. */
export async function createOpenTelemetryJsProvider(...processors) {
  const { AlwaysOnSampler, BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  return new BasicTracerProvider({
    sampler: new AlwaysOnSampler(),
    resource: resourceFromAttributes({ ...RESOURCE_ATTRIBUTES }),
    spanProcessors: processors,
  });
}

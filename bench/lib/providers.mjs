/**
 * Tracer providers configured alike on both sides: AlwaysOn sampler, the given processors, and the
 * same resource content. otelite merges the given resource over its default one (SDK, process and host
 * attributes); opentelemetry-js's BasicTracerProvider uses a given resource as is, so its side gets its
 * own `defaultResource()` plus the same process and host attributes, merged under the shared ones.
 */

import { arch, hostname, type } from 'node:os';
import { basename } from 'node:path';
import { RESOURCE_ATTRIBUTES } from './workload.mjs';

/** The process and host attributes otelite's default resource detects, for the opentelemetry-js side. */
export function processAndHostAttributes() {
  return {
    'process.pid': process.pid,
    'process.executable.name': basename(process.execPath),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'process.runtime.description': 'Node.js',
    'host.name': hostname(),
    'host.arch': arch() === 'x64' ? 'amd64' : arch(),
    'os.type': type().toLowerCase(),
  };
}

/** An otelite `TracerProvider` (from the built module `otelite`) with `processors`. */
export function createOteliteProvider(otelite, ...processors) {
  return new otelite.TracerProvider({
    sampler: new otelite.AlwaysOnSampler(),
    resource: otelite.resourceFromAttributes({ ...RESOURCE_ATTRIBUTES }),
    spanProcessors: processors,
  });
}

/** An opentelemetry-js `BasicTracerProvider` (sdk-trace-base) with `processors`. */
export async function createOpenTelemetryJsProvider(...processors) {
  const { AlwaysOnSampler, BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  return new BasicTracerProvider({
    sampler: new AlwaysOnSampler(),
    resource: await createOpenTelemetryJsResource(),
    spanProcessors: processors,
  });
}

/** opentelemetry-js's default resource with the process/host and shared attributes merged over it. */
export async function createOpenTelemetryJsResource() {
  const { defaultResource, resourceFromAttributes } = await import('@opentelemetry/resources');
  return defaultResource().merge(resourceFromAttributes({ ...processAndHostAttributes(), ...RESOURCE_ATTRIBUTES }));
}

import type { Attributes } from '@opentelemetry/api';
import { currentPlatform } from '../platform.js';
import { VERSION } from '../version.js';
import type { ResourceSettings } from './from-environment.js';
import { mergeResources, resourceFromAttributes, type Resource } from './resource.js';

/** Reads `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` (`readResourceEnvironment`), where there is an environment. */
let resourceFromEnvironment: (() => ResourceSettings) | undefined;

/**
 * Makes {@link defaultResource} take the environment's part from `read` (`readResourceEnvironment`).
 * Called by the entry points of runtimes that have an environment (src/environment-readers.ts); the
 * browser entry does not, so a page bundles no `OTEL_RESOURCE_ATTRIBUTES` parsing.
 * @internal
 *
 * @example
 * ```ts
 * useResourceEnvironment(() => readResourceEnvironment());
 * ```
 */
export function useResourceEnvironment(read: (() => ResourceSettings) | undefined): void {
  resourceFromEnvironment = read;
}

/**
 * The resource a {@link TracerProvider} uses when given none: the SDK's `telemetry.sdk.*`
 * attributes, the platform's (on Node the process and host, see `detectResources`), then
 * `OTEL_RESOURCE_ATTRIBUTES`, then `OTEL_SERVICE_NAME` (both read now). `service.name` is the
 * platform's default (`unknown_service:node` on Node) when neither variable sets it. A user-given
 * resource is merged over this one.
 *
 * @example
 * ```ts
 * defaultResource().attributes['service.name']; // 'unknown_service:node' on Node unless the environment names it
 * ```
 */
export function defaultResource(): Resource {
  const environment = resourceFromEnvironment?.() ?? { serviceName: undefined, resourceAttributes: {} };
  const sdk = resourceFromAttributes({
    'service.name': 'unknown_service',
    'telemetry.sdk.name': 'otelite',
    'telemetry.sdk.language': 'webjs',
    'telemetry.sdk.version': VERSION,
  });
  const fromEnvironment: Attributes = { ...environment.resourceAttributes };
  if (environment.serviceName !== undefined) fromEnvironment['service.name'] = environment.serviceName;
  const platform = resourceFromAttributes(currentPlatform().resourceAttributes());
  return mergeResources(mergeResources(sdk, platform), resourceFromAttributes(fromEnvironment));
}

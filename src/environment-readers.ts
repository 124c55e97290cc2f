import { useBatchEnvironment, readBatchEnvironment } from './processing/batch-span-processor.js';
import { createPropagatorFromEnvironment, usePropagatorEnvironment } from './propagation/from-environment.js';
import { useResourceEnvironment } from './resource/default-resource.js';
import { readResourceEnvironment } from './resource/from-environment.js';
import { readSpanLimitsEnvironment, useSpanLimitsEnvironment } from './trace/span-limits.js';
import { readSdkDisabledEnvironment, useSdkDisabledEnvironment } from './trace/tracer-provider.js';

/**
 * Installs the readers of the `OTEL_*` variables the core's defaults come from: span limits
 * (`OTEL_SPAN_*`, `OTEL_ATTRIBUTE_*`, ...), batching (`OTEL_BSP_*`), the resource (`OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`), `OTEL_PROPAGATORS` and `OTEL_SDK_DISABLED`. Called once by the entry points
 * of runtimes that have an environment (src/index.ts, platform/web/index.ts); the browser entry does
 * not, so a page bundles none of that parsing and uses the spec's defaults.
 * @internal
 *
 * @example
 * ```ts
 * useEnvironmentReaders();
 * ```
 */
export function useEnvironmentReaders(): void {
  useSpanLimitsEnvironment(() => readSpanLimitsEnvironment());
  useBatchEnvironment(() => readBatchEnvironment());
  useResourceEnvironment(() => readResourceEnvironment());
  usePropagatorEnvironment(createPropagatorFromEnvironment);
  useSdkDisabledEnvironment(() => readSdkDisabledEnvironment());
}

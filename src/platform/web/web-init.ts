import { startSdk, type InitOptions, type OteliteSdk } from '../../init.js';
import type { FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';

/**
 * Starts tracing in one call: resolves the settings (defaults, then `OTEL_*` variables where the runtime
 * has them, then `options`), builds a `TracerProvider` whose spans are batched to an OTLP/HTTP
 * exporter over `fetch`, registers it, the platform's context manager and the propagators with
 * `@opentelemetry/api`, turns on `fetch` client spans (`instrumentations.http` takes
 * {@link FetchInstrumentationOptions}) and, in browsers, flushes when the page is hidden. The `init` of
 * the browser, Workers and web-standard entry points.
 *
 * - `OTEL_SDK_DISABLED=true`: no span is recorded and no exporter is created, but the context manager,
 *   the propagators and the instrumentation are still installed.
 * - A second call while an SDK runs warns once and returns the running one; after its `shutdown()`,
 *   `init()` starts a fresh one.
 * - Never throws: a bad option is reported through `diag` and its fallback used.
 *
 * @example
 * ```ts
 * import { init } from 'otelite';
 * import { trace } from '@opentelemetry/api';
 *
 * const sdk = init({ serviceName: 'web-shop', endpoint: 'https://collector.example.com' });
 * trace.getTracer('web-shop').startActiveSpan('checkout', (span) => span.end());
 * ```
 */
export function init(options?: InitOptions<FetchInstrumentationOptions>): OteliteSdk {
  return startSdk(options);
}

import { startSdk, type InitOptions, type OteliteSdk } from '../../init.js';
import type { HttpInstrumentationOptions } from './instrumentation/http/http-instrumentation-options.js';

/**
 * Starts tracing in one call: resolves the settings (defaults, then `OTEL_*` variables, then `options`),
 * builds a `TracerProvider` whose spans are batched to an OTLP/HTTP exporter, registers it, an
 * AsyncLocalStorage context manager and the propagators with `@opentelemetry/api`, turns on HTTP
 * instrumentation (`instrumentations.http` takes {@link HttpInstrumentationOptions}) and installs
 * graceful-shutdown hooks. The `init` of the Node entry point, and of Bun's and Deno's.
 *
 * - `OTEL_SDK_DISABLED=true`: no span is recorded and no exporter is created, but the context manager,
 *   the propagators and the HTTP instrumentation are still installed, so incoming trace context still
 *   reaches outgoing requests.
 * - `OTEL_LOG_LEVEL` (when set): a console diagnostic logger at that level, installed first.
 * - A second call while an SDK runs warns once and returns the running one; after its `shutdown()`,
 *   `init()` starts a fresh one.
 * - Never throws: a bad option is reported through `diag` and its fallback used.
 *
 * @example
 * ```ts
 * import { init } from 'otelite';
 * import { trace } from '@opentelemetry/api';
 *
 * const sdk = init({ serviceName: 'checkout', endpoint: 'http://localhost:4318' });
 * trace.getTracer('checkout').startActiveSpan('work', (span) => span.end());
 * await sdk.shutdown(); // or let the process end: pending spans are flushed on exit
 * ```
 */
export function init(options?: InitOptions<HttpInstrumentationOptions>): OteliteSdk {
  return startSdk(options);
}

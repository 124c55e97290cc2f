import { warnOnce } from '../../../../diagnostics/report.js';
import { observeTracerScopes } from '../../../../trace/tracer-scope-observers.js';

/**
 * Notices opentelemetry-js's own HTTP instrumentations running next to otelite's, so that each request
 * gets one server span and one client span, not two:
 *
 * - `@opentelemetry/instrumentation-http` covers `node:http(s)` servers and clients;
 * - `@opentelemetry/instrumentation-undici` covers `fetch` and the undici package.
 *
 * `getNodeAutoInstrumentations()` includes both. Every opentelemetry-js instrumentation asks its tracer
 * provider for a tracer named after its package as soon as it is set up (with the provider it was given,
 * or through the global one, at the latest when it starts its first span, before the request is sent),
 * so otelite's `TracerProvider` reporting the scopes it hands out is enough to see them. Once one is
 * seen, otelite stands aside for the part it covers, for the rest of the process, and says so once
 * through `diag` at warn level.
 */

/** The scope (package) name of opentelemetry-js's `node:http(s)` instrumentation. */
export const OPENTELEMETRY_HTTP_INSTRUMENTATION = '@opentelemetry/instrumentation-http';
/** The scope (package) name of opentelemetry-js's undici / `fetch` instrumentation. */
export const OPENTELEMETRY_UNDICI_INSTRUMENTATION = '@opentelemetry/instrumentation-undici';

let nodeHttpCovered = false;
let fetchCovered = false;
let watching = false;

/** Starts watching the tracers otelite's providers create (once per process; it stays on). */
export function watchForOpenTelemetryJsInstrumentations(): void {
  if (watching) return;
  watching = true;
  observeTracerScopes(onTracerScope);
}

/** Whether `@opentelemetry/instrumentation-http` traces `node:http(s)` in this process. */
export function isNodeHttpCoveredElsewhere(): boolean {
  return nodeHttpCovered;
}

/** Whether `@opentelemetry/instrumentation-undici` traces `fetch` in this process. */
export function isFetchCoveredElsewhere(): boolean {
  return fetchCovered;
}

function onTracerScope(scopeName: string): void {
  if (scopeName === OPENTELEMETRY_HTTP_INSTRUMENTATION && !nodeHttpCovered) {
    nodeHttpCovered = true;
    warnOnce(
      `${OPENTELEMETRY_HTTP_INSTRUMENTATION} is active, so otelite's HTTP server and node:http client spans stand aside ` +
        'for it (one span per request, from that package); remove it, or set instrumentations: { http: false }, to silence this.',
    );
  } else if (scopeName === OPENTELEMETRY_UNDICI_INSTRUMENTATION && !fetchCovered) {
    fetchCovered = true;
    warnOnce(
      `${OPENTELEMETRY_UNDICI_INSTRUMENTATION} is active, so otelite's fetch client spans stand aside for it ` +
        '(one span per request, from that package); remove it to have otelite trace fetch.',
    );
  }
}

import { context } from '@opentelemetry/api';
import { reportError } from '../../../../diagnostics/report.js';
import { enableExplicitFetchTracing, EXPLICIT_FETCH_KEY } from './fetch-client.js';

/**
 * `fetch(input, init)` with a client span, whether or not `instrumentHttp()` is enabled: the span is a
 * child of the active context, `traceparent`/`tracestate`/`baggage` are sent, and the span ends as
 * described for `instrumentHttp` (when the response body has been fully received, or on error). With
 * `instrumentHttp()` enabled it behaves exactly like `fetch` (one span, its options apply). It uses the
 * same undici diagnostics channels, so it needs a context manager that carries the active context
 * across `await` (otelite's `AsyncLocalStorageContextManager`, which `register()` installs).
 *
 * @example
 * ```ts
 * const response = await tracedFetch('http://inventory.internal/items', { method: 'GET' });
 * const items = await response.json(); // the span ends once the body is in
 * ```
 */
export function tracedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  let fetchContext;
  try {
    enableExplicitFetchTracing();
    fetchContext = context.active().setValue(EXPLICIT_FETCH_KEY, true);
  } catch (error) {
    reportError('instrumentation.http.fetch', error, 'tracedFetch');
    return fetch(input, init);
  }
  return context.with(fetchContext, fetch, undefined, input, init);
}

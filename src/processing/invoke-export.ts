import type { CallbackExportResult, CallbackSpanExporter } from '../export/callback-span-exporter.js';
import type { ExportResult, SpanExporter } from '../export/span-exporter.js';
import { EXPORT_FAILED, EXPORT_SUCCESS } from '../export/export-result-code-values.js';
import type { FinishedSpan } from '../trace/finished-span.js';

/** The second argument of `export`: opentelemetry-js's result callback that is also otelite's `{ signal }`. */
type ResultCallback = ((result: CallbackExportResult) => void) & { signal: AbortSignal };

/**
 * Calls `exporter.export(spans, …)` so that both exporter contracts work, the one place otelite adapts
 * them:
 *
 * - otelite's `export(spans, { signal })` reads `signal` from its second argument and returns a promise
 *   of an {@link ExportResult};
 * - opentelemetry-js's `export(spans, resultCallback)` calls its second argument with `{ code, error }`.
 *
 * The second argument is a function with a `signal` property, so it serves either. `onResult` is called
 * exactly once, with the first outcome delivered either way (possibly synchronously, inside this call);
 * later deliveries are ignored. A throw or a rejection becomes `FAILED`; so does a callback result whose
 * `code` is not 0 (`SUCCESS`). When `export` returns nothing, or a promise of nothing while it declares a
 * second parameter (an `async` callback exporter), the callback is awaited; the caller bounds the wait.
 * @internal
 */
export function invokeExport(
  exporter: SpanExporter | CallbackSpanExporter,
  spans: readonly FinishedSpan[],
  signal: AbortSignal,
  onResult: (result: ExportResult) => void,
): void {
  let delivered = false;
  const deliver = (result: ExportResult): void => {
    if (delivered) return;
    delivered = true;
    onResult(result);
  };
  const callback = ((result: CallbackExportResult) => deliver(fromCallbackResult(result))) as ResultCallback;
  callback.signal = signal;
  let returned: unknown;
  try {
    returned = (exporter as { export(spans: readonly FinishedSpan[], second: ResultCallback): unknown }).export(spans, callback);
  } catch (error) {
    deliver({ code: EXPORT_FAILED, error: toError(error) });
    return;
  }
  if (returned === undefined || returned === null || typeof (returned as PromiseLike<unknown>).then !== 'function') return;
  const waitsForCallback = typeof exporter.export === 'function' && exporter.export.length >= 2;
  Promise.resolve(returned as PromiseLike<unknown>).then(
    (result) => {
      if (isExportResult(result)) deliver(result);
      else if (!waitsForCallback) deliver({ code: EXPORT_FAILED, error: new Error('the exporter returned no result') });
    },
    (error: unknown) => deliver({ code: EXPORT_FAILED, error: toError(error) }),
  );
}

function isExportResult(value: unknown): value is ExportResult {
  return value !== null && typeof value === 'object' && typeof (value as ExportResult).code === 'number';
}

function fromCallbackResult(result: CallbackExportResult): ExportResult {
  if (!isExportResult(result)) return { code: EXPORT_FAILED, error: new Error('the exporter called back without a result') };
  if (result.code === EXPORT_SUCCESS) return result;
  const error = result.error instanceof Error ? result.error : new Error(`the exporter reported a failure (code ${String(result.code)})`);
  return { code: EXPORT_FAILED, error };
}

/** `error` as an `Error`, for reporting. */
export function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  try {
    return new Error(String(error));
  } catch {
    return new Error('the exporter failed');
  }
}

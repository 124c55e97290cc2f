import { runWithTracingSuppressed } from '../context/suppress-tracing.js';
import { reportError } from '../diagnostics/report.js';
import type { CallbackSpanExporter } from '../export/callback-span-exporter.js';
import type { ExportResult, SpanExporter } from '../export/span-exporter.js';
import { EXPORT_FAILED, EXPORT_SUCCESS } from '../export/export-result-code-values.js';
import type { FinishedSpan } from '../trace/finished-span.js';
import { invokeExport } from './invoke-export.js';
import { callAsync, settleWithin } from '../internal/settle-within.js';

/**
 * Hands `spans` to `exporter` the way every processor must: synchronously (the exporter's `export` runs
 * inside this call), through {@link invokeExport} (so otelite's promise exporters and opentelemetry-js's
 * callback exporters both work), with tracing suppressed (so the export's own requests make no spans),
 * guarded (a throw or rejection becomes a `FAILED` result; a global context manager that throws is
 * reported and the export runs without it), and bounded: after `timeoutMillis` the
 * export's `signal` is aborted and the processor stops waiting. A failure is reported through
 * `reportError('export', ...)`. Never rejects.
 * @internal
 */
export function exportSpans(
  exporter: SpanExporter | CallbackSpanExporter,
  spans: readonly FinishedSpan[],
  timeoutMillis: number,
): Promise<ExportResult> {
  return new Promise<ExportResult>((resolve) => {
    const controller = new AbortController();
    let settled = false;
    const finish = (result: ExportResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (result.code !== EXPORT_SUCCESS) {
        reportError('export', result.error ?? new Error('the exporter reported a failure'), `${spans.length} spans`);
      }
      resolve(result);
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (Number.isFinite(timeoutMillis)) {
      timer = setTimeout(() => {
        const error = new Error(`the export did not finish within ${timeoutMillis} ms`);
        controller.abort(error);
        finish({ code: EXPORT_FAILED, error });
      }, timeoutMillis);
      timer.unref?.();
    }
    runWithTracingSuppressed(() => invokeExport(exporter, spans, controller.signal, finish));
  });
}

/**
 * Calls the exporter's `forceFlush` or `shutdown`, when it has that method, the way processors must:
 * guarded and bounded by `timeoutMillis`; a rejection, a throw or a timeout is reported as
 * `exporter.<method>`. Never rejects.
 * @internal
 */
export async function callExporter(
  exporter: SpanExporter | CallbackSpanExporter,
  method: 'forceFlush' | 'shutdown',
  timeoutMillis: number,
): Promise<void> {
  if (typeof exporter[method] !== 'function') return;
  const onRejected = (error: unknown): void => reportError(`exporter.${method}`, error);
  const work = callAsync(() => (method === 'shutdown' ? exporter.shutdown?.() : exporter.forceFlush?.()));
  const inTime = await settleWithin(work, timeoutMillis, onRejected);
  if (!inTime) onRejected(new Error(`did not finish within ${timeoutMillis} ms`));
}

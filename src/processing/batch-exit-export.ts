import { warnOnce } from '../diagnostics/report.js';
import { canExportAtExit, EXPORT_AT_EXIT, registerAtExit, unsentAtExit } from '../export/export-at-exit.js';
import { ExportResultCode } from '../export/span-exporter.js';
import { DEFAULT_EXPORT_AT_EXIT_TIMEOUT_MILLIS, type BatchSpanProcessorOptions, type ExitRegistry } from './batch-span-processor.js';

/**
 * How a `BatchSpanProcessor` sends what is pending while the process exits: registered (when
 * `exportAtExitTimeoutMillis` is above 0 and the exporter implements `EXPORT_AT_EXIT`) in
 * `export/export-at-exit.ts`, whose registrations the platform's `exit` listener runs. Installed by the
 * Node entry point (also Bun's and Deno's base) with `useExitRegistry`; the web entries do not install
 * it, so a page bundles none of it.
 * @internal
 *
 * @example
 * ```ts
 * useExitRegistry(batchExitRegistry);
 * ```
 */
export const batchExitRegistry: ExitRegistry = {
  register(processor, exporter, options, take, failed) {
    const timeoutMillis = resolveExportAtExitTimeout(options);
    if (timeoutMillis === 0 || !canExportAtExit(exporter)) return undefined;
    // Sends, synchronously, what an unfinished export holds and what is queued. Captures no processor
    // (the registry holds it weakly) and no exporter (the processor's, read at exit).
    return registerAtExit(processor, (owner) => {
      const [current, exporting, queue] = take(owner);
      // Of the export running now, only what has not gone out whole (see UNSENT_AT_EXIT).
      const unsent = exporting === undefined || !canExportAtExit(current) ? exporting : unsentAtExit(current, exporting);
      const spans = unsent === undefined || unsent.length === 0 ? queue : unsent.concat(queue);
      if (spans.length === 0 || !canExportAtExit(current)) return;
      const result = current[EXPORT_AT_EXIT](spans, timeoutMillis);
      if (result.code !== ExportResultCode.SUCCESS) failed(owner, spans.length);
    });
  },
};

/** `exportAtExitTimeoutMillis`, checked: a non-negative integer, else the default with a warning. */
function resolveExportAtExitTimeout(options: BatchSpanProcessorOptions): number {
  const value = options !== null && typeof options === 'object' ? options.exportAtExitTimeoutMillis : undefined;
  if (value === undefined) return DEFAULT_EXPORT_AT_EXIT_TIMEOUT_MILLIS;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  warnOnce(
    `BatchSpanProcessor option exportAtExitTimeoutMillis=${String(value)} is not a non-negative ` +
      `integer; using ${DEFAULT_EXPORT_AT_EXIT_TIMEOUT_MILLIS}.`,
  );
  return DEFAULT_EXPORT_AT_EXIT_TIMEOUT_MILLIS;
}

import { reportError } from '../diagnostics/report.js';
import type { ExportResult } from './span-exporter.js';
import type { FinishedSpan } from '../trace/finished-span.js';

/**
 * Sending the spans still pending while the process exits.
 *
 * When a process ends abruptly (`process.exit()`, an uncaught exception, an unhandled rejection), no
 * asynchronous work runs any more: only the `exit` event's listeners, synchronously. An exporter that
 * can send synchronously, within a bound, implements {@link EXPORT_AT_EXIT}; a `BatchSpanProcessor`
 * with such an exporter registers itself here, and the platform (on Node, `platform/node/shutdown-hooks.ts`)
 * runs {@link exportPendingAtExit} from its `exit` listener. Nothing here touches a platform API.
 * (No internal tag on this comment: `stripInternal` would drop the symbol below from the published types.)
 */

/** The method of an exporter that sends `spans` synchronously, giving up after `timeoutMillis`. */
export const EXPORT_AT_EXIT: unique symbol = Symbol('otelite.exportAtExit');

/**
 * The method of an exporter that says which spans of an export still running have not gone out: see
 * {@link ExporterAtExit}.
 */
export const UNSENT_AT_EXIT: unique symbol = Symbol('otelite.unsentAtExit');

/** An exporter that can send synchronously while the process exits. */
export interface ExporterAtExit {
  /** Sends `spans` before returning, or gives up after `timeoutMillis`; never throws. */
  [EXPORT_AT_EXIT](spans: readonly FinishedSpan[], timeoutMillis: number): ExportResult;
  /**
   * Of `batch`, an array this exporter's `export` was called with and whose export has not finished,
   * the spans that must still be sent at exit: those of requests not started, between attempts, or not
   * written whole to a connection that is still open. A request written whole to a live connection
   * reaches the receiver as the process ends, so sending its spans again would deliver them twice.
   * Without this method, the whole batch is sent again. Never throws.
   */
  [UNSENT_AT_EXIT]?(batch: readonly FinishedSpan[]): readonly FinishedSpan[];
}

/** Whether `exporter` can send synchronously at exit. */
export function canExportAtExit(exporter: object): exporter is ExporterAtExit {
  return typeof (exporter as Partial<ExporterAtExit>)[EXPORT_AT_EXIT] === 'function';
}

/**
 * The spans of `batch` (an export of `exporter` still running) that must be sent at exit: what its
 * {@link UNSENT_AT_EXIT} says, or the whole batch when it has none or it fails. Never throws.
 */
export function unsentAtExit(exporter: ExporterAtExit, batch: readonly FinishedSpan[]): readonly FinishedSpan[] {
  const unsent = exporter[UNSENT_AT_EXIT];
  if (typeof unsent !== 'function') return batch;
  try {
    const spans = unsent.call(exporter, batch);
    return Array.isArray(spans) ? spans : batch;
  } catch (error) {
    reportError('exportAtExit', error, 'reading what an export still running has sent');
    return batch;
  }
}

interface Registration {
  /** Held weakly: a processor nobody can reach any more ends no spans, and must not be kept alive by this list. */
  readonly owner: WeakRef<object>;
  readonly run: (owner: object) => void;
}

const registrations = new Set<Registration>();
/** Registrations are checked for collected owners whenever their number reaches this (then twice the live ones). */
const SWEEP_THRESHOLD = 64;
let sweepAt = SWEEP_THRESHOLD;

/**
 * Calls `run(owner)` from {@link exportPendingAtExit} for as long as `owner` lives and the returned
 * function has not been called. `run` must not capture `owner` (it would never be collected).
 */
export function registerAtExit<T extends object>(owner: T, run: (owner: T) => void): () => void {
  const registration: Registration = { owner: new WeakRef(owner), run: run as (owner: object) => void };
  if (registrations.size >= sweepAt) {
    // Processors that were never shut down and are gone leave their entries behind: drop those.
    for (const entry of registrations) if (entry.owner.deref() === undefined) registrations.delete(entry);
    sweepAt = Math.max(SWEEP_THRESHOLD, registrations.size * 2);
  }
  registrations.add(registration);
  return () => {
    registrations.delete(registration);
  };
}

/** Runs every registration (each guarded, in the order registered). Called by the platform's `exit` listener. */
export function exportPendingAtExit(): void {
  for (const registration of registrations) {
    const owner = registration.owner.deref();
    if (owner === undefined) {
      registrations.delete(registration);
      continue;
    }
    try {
      registration.run(owner);
    } catch (error) {
      reportError('exportAtExit', error);
    }
  }
}

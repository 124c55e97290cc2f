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

/** An exporter that can send synchronously while the process exits. */
export interface ExporterAtExit {
  /** Sends `spans` before returning, or gives up after `timeoutMillis`; never throws. */
  [EXPORT_AT_EXIT](spans: readonly FinishedSpan[], timeoutMillis: number): ExportResult;
}

/** Whether `exporter` can send synchronously at exit. */
export function canExportAtExit(exporter: object): exporter is ExporterAtExit {
  return typeof (exporter as Partial<ExporterAtExit>)[EXPORT_AT_EXIT] === 'function';
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

import { exportPendingAtExit } from '../../processing/export-at-exit.js';

let installed = false;

/**
 * Installs, once per process (or worker thread), the `exit` listener that sends the spans still
 * pending (see `processing/export-at-exit.ts`). The listener only reads: it never sets an exit code,
 * so the process ends with the code (or the signal) it would have ended with.
 * @internal Called when the first Node HTTP transport is created.
 *
 * @example
 * ```ts
 * installExitListener(); // from now on, process.exit() sends what the batch processors still hold
 * ```
 */
export function installExitListener(): void {
  if (installed) return;
  installed = true;
  process.on('exit', exportPendingAtExit);
}

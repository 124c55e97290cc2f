import { reportError } from '../../diagnostics/report.js';
import { exportPendingAtExit } from '../../export/export-at-exit.js';

/**
 * Exit handling on Node, in one module: the hooks that get pending spans out before a process ends,
 * without changing how it ends. The Node platform (`node-platform.ts`) installs both kinds explicitly.
 * None of them patches `process.exit`: it ends the process as Node's does, and nothing after it runs.
 *
 * - `beforeExit` (the event loop ran dry): flush, in the background. Flushing sends a request, so Node
 *   emits `beforeExit` again once it is answered; a flush with nothing to send schedules nothing, so the
 *   process then exits. The flush does not hold the process open: with the collector down, its unref'd
 *   retry waits let the process exit, and what is still pending is sent at `exit` (below). A flush
 *   still running is never doubled, and at most {@link MAX_BEFORE_EXIT_FLUSHES} happen, so an exporter
 *   that does I/O on every flush cannot keep the process alive for ever.
 * - `SIGTERM` / `SIGINT` when otelite's listener is the only one: Node would have killed the process, so
 *   the SDK is shut down (bounded by the timeout) and then the signal is raised again with no listener
 *   left, so the process dies of it exactly as it would have (exit code `null`, `signal` set). A second
 *   signal during the wait raises at once.
 * - `SIGTERM` / `SIGINT` when the application listens too: the application decides what happens. otelite
 *   only starts a background flush; if the application then calls `process.exit(code)`, the process
 *   exits at once with that code, and the spans still pending are sent from the `exit` event.
 * - `exit` (any end that is not a signal's: `process.exit()` anywhere, an uncaught exception, an unhandled
 *   rejection): {@link installExitListener}, put in by the Node platform when it makes its first OTLP
 *   transport, sends what every `BatchSpanProcessor` with a synchronous-capable exporter still holds
 *   (`export/export-at-exit.ts`), with or without the other hooks.
 * The `beforeExit` and signal hooks are installed by `init()` through the platform.
 */

/** What the hooks flush and shut down. Neither promise may reject. */
export interface ShutdownHookTarget {
  /** Flushes without holding the process open. */
  flushInBackground(): Promise<void>;
  /** Shuts the SDK down, holding the process open until done (bounded by its own timeout). */
  shutdown(): Promise<void>;
}

/** Installed hooks; `remove()` takes every listener off again (idempotent). */
export interface ShutdownHooks {
  remove(): void;
}

/** Options of {@link installShutdownHooks}. */
export interface ShutdownHooksOptions {
  /** Longest wait for a flush or shutdown on a signal, in milliseconds. Default {@link SHUTDOWN_HOOK_TIMEOUT_MILLIS}. */
  timeoutMillis?: number;
}

/** How long a signal waits for spans to be sent before the process goes on ending, in milliseconds. */
export const SHUTDOWN_HOOK_TIMEOUT_MILLIS = 5000;
/** Most flushes `beforeExit` starts in one process (a loop breaker). */
export const MAX_BEFORE_EXIT_FLUSHES = 10;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Installs the `beforeExit`, `SIGTERM` and `SIGINT` hooks described above for `target`.
 *
 * @example
 * ```ts
 * const hooks = installShutdownHooks({ flushInBackground: () => flushInBackground(provider), shutdown: () => provider.shutdown() });
 * // ... when the SDK shuts down by itself:
 * hooks.remove();
 * ```
 */
export function installShutdownHooks(target: ShutdownHookTarget, options: ShutdownHooksOptions = {}): ShutdownHooks {
  const timeoutMillis =
    typeof options.timeoutMillis === 'number' && options.timeoutMillis > 0 ? options.timeoutMillis : SHUTDOWN_HOOK_TIMEOUT_MILLIS;
  let removed = false;
  let beforeExitFlushes = 0;
  let beforeExitFlushing = false;
  let dying: NodeJS.Signals | undefined;

  const onBeforeExit = (): void => {
    if (beforeExitFlushing || beforeExitFlushes >= MAX_BEFORE_EXIT_FLUSHES) return;
    beforeExitFlushes++;
    beforeExitFlushing = true;
    void call('flushInBackground', target).then(() => {
      beforeExitFlushing = false;
    });
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (dying !== undefined) {
      // A second signal while the first one waits: stop waiting.
      raise(signal);
      return;
    }
    if (process.listenerCount(signal) > 1) {
      // The application handles this signal and decides how the process ends; an exit it asks for sends
      // what is still pending from the `exit` event.
      void call('flushInBackground', target);
      return;
    }
    dying = signal;
    void bounded(call('shutdown', target), timeoutMillis).then(() => raise(signal));
  };

  const raise = (signal: NodeJS.Signals): void => {
    remove();
    try {
      process.kill(process.pid, signal);
    } catch (error) {
      reportError('shutdownHooks', error, `raising ${signal} again`);
    }
  };

  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };

  process.on('beforeExit', onBeforeExit);
  // First in line, so the flush starts before the application's handlers run.
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
  return { remove };
}

function call(method: 'flushInBackground' | 'shutdown', target: ShutdownHookTarget): Promise<void> {
  try {
    return Promise.resolve(target[method]()).catch((error: unknown) => reportError('shutdownHooks', error, method));
  } catch (error) {
    reportError('shutdownHooks', error, method);
    return Promise.resolve();
  }
}

/**
 * `work`, or a timeout, whichever is first. The timer is deliberately not `unref`'d: a signal's wait
 * must end in the signal being raised again, not in a quiet exit with code 0.
 */
function bounded(work: Promise<void>, timeoutMillis: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMillis);
    void work.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

let exitListenerInstalled = false;

/**
 * Installs, once per process (or worker thread), the `exit` listener that sends the spans still
 * pending (see `export/export-at-exit.ts`). The listener only reads: it never sets an exit code, so the
 * process ends with the code (or the signal) it would have ended with.
 * @internal Called by the Node platform when it makes an OTLP transport.
 *
 * @example
 * ```ts
 * installExitListener(); // from now on, process.exit() sends what the batch processors still hold
 * ```
 */
export function installExitListener(): void {
  if (exitListenerInstalled) return;
  exitListenerInstalled = true;
  process.on('exit', exportPendingAtExit);
}

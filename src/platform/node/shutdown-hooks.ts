import { reportError } from '../../diagnostics/report.js';

/**
 * Process hooks that get pending spans out before a Node process ends, without changing how it ends.
 *
 * - `beforeExit` (the event loop ran dry): flush. Flushing sends a request, so Node emits `beforeExit`
 *   again once it is answered; a flush with nothing to send schedules nothing, so the process then
 *   exits. A flush still running is never doubled, and at most {@link MAX_BEFORE_EXIT_FLUSHES} happen,
 *   so an exporter that does I/O on every flush cannot keep the process alive for ever.
 * - `SIGTERM` / `SIGINT` when otelite's listener is the only one: Node would have killed the process, so
 *   the SDK is shut down (bounded by the timeout) and then the signal is raised again with no listener
 *   left, so the process dies of it exactly as it would have (exit code `null`, `signal` set). A second
 *   signal during the wait raises at once.
 * - `SIGTERM` / `SIGINT` when the application listens too: the application decides what happens. otelite
 *   only flushes; if the application calls `process.exit(code)` while that flush runs (typically from
 *   its own handler, right after otelite's), the exit is held until the flush ends or times out, then
 *   happens with the application's code.
 *
 * `process.exit()` called outside a signal handler ends the process at once (Node runs no asynchronous
 * work after it): call `await sdk.shutdown()` first.
 * @internal Installed by `init()`.
 */

/** What the hooks flush and shut down: the SDK handle. Neither promise may reject. */
export interface ShutdownHookTarget {
  forceFlush(): Promise<void>;
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
type Exit = typeof process.exit;

/**
 * Installs the `beforeExit`, `SIGTERM` and `SIGINT` hooks described above for `target`.
 *
 * @example
 * ```ts
 * const hooks = installShutdownHooks({ forceFlush: () => provider.forceFlush(), shutdown: () => provider.shutdown() });
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
    void call('forceFlush', target).then(() => {
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
      // The application handles this signal: flush, and hold an exit it asks for until the flush is done.
      holdExitUntil(bounded(call('forceFlush', target), timeoutMillis));
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
  // First in line, so the flush starts (and `process.exit` is held) before the application's handlers run.
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
  return { remove };
}

function call(method: 'forceFlush' | 'shutdown', target: ShutdownHookTarget): Promise<void> {
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

/** An exit being held: the real `process.exit`, the first code asked for, and the flushes still running. */
interface ExitHold {
  readonly realExit: Exit;
  readonly holding: Exit;
  requested: boolean;
  code: Parameters<Exit>[0];
  pending: number;
}

let hold: ExitHold | undefined;

/**
 * Until `work` settles, `process.exit(code)` records its code instead of exiting; afterwards the real
 * `process.exit` is back and, if an exit was asked for, it happens with the first code asked for.
 * Overlapping holds share one state and release together when the last one settles.
 */
function holdExitUntil(work: Promise<void>): void {
  if (hold === undefined) {
    const state: ExitHold = {
      realExit: process.exit,
      holding: ((code?: Parameters<Exit>[0]) => {
        if (!state.requested) {
          state.requested = true;
          state.code = code;
        }
        return undefined as never;
      }) as Exit,
      requested: false,
      code: undefined,
      pending: 0,
    };
    process.exit = state.holding;
    hold = state;
  }
  const state = hold;
  state.pending++;
  void work.then(() => {
    if (--state.pending > 0) return;
    hold = undefined;
    if (process.exit === state.holding) process.exit = state.realExit;
    if (state.requested) state.realExit(state.code);
  });
}

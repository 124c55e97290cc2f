import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { AttachToken, type AttachSlot, type ContextToken, type LiveTokens } from './attach-token.js';

/**
 * The part of `AsyncLocalStorage` a context manager needs (Node's, Bun's, Deno's, workerd's with
 * `nodejs_compat`). `enterWith` is optional: workerd's throws "not implemented".
 */
export interface AsyncContextStorage {
  getStore(): unknown;
  run<R>(store: unknown, callback: (...args: any[]) => R, ...args: any[]): R;
  enterWith?(store: unknown): void;
  disable(): void;
}

/**
 * A context manager that also implements `attach` (`@opentelemetry/api` 1.10), typed so that API 1.9
 * compiles it too.
 *
 * @example
 * ```ts
 * const manager: AttachingContextManager = createAsyncStorageContextManager(storage);
 * const token = manager.attach(trace.setSpan(manager.active(), span));
 * token.dispose();
 * ```
 */
export interface AttachingContextManager extends ContextManager {
  /** Makes `context` active until the returned token is disposed; see {@link createAsyncStorageContextManager}. */
  attach(context: Context): ContextToken;
}

/**
 * What the storage holds: the active context in a cell of its own per `with`, so that where the storage
 * has no `enterWith` (workerd), `attach` can still change the context of the current execution.
 */
interface ContextCell {
  context: Context;
}

/**
 * A context manager over an `AsyncLocalStorage` instance the platform hands over, for runtimes where the
 * `node:async_hooks` module can only be loaded at run time (Workers with `nodejs_compat`): the active
 * context follows `await`, timers and callbacks as with Node's `AsyncLocalStorageContextManager`. `bind`
 * binds functions; event emitters are returned unbound.
 *
 * `attach(context)` (what `context.attach` of `@opentelemetry/api` 1.10 calls) makes `context` active
 * right away, for the rest of the current execution including the code after an `await` in the same
 * async function, until the returned token's `dispose()` restores the previous context; tokens disposed
 * twice or out of order are reported once through `diag` and never change a context attached later
 * (as with `AsyncLocalStorageContextManager.attach`). Where the storage has `enterWith` (Node, Bun,
 * Deno), work scheduled while a context is attached keeps it, as on Node. workerd has no `enterWith`:
 * there `attach` replaces the context of the innermost `with` in place, so callbacks and promise
 * continuations that belong to that `with` see whichever context is active when they run, and code
 * outside any `with` shares one context. Caveat (the API's own): `attach` in an async function before
 * its first `await` leaks into the caller until disposed; prefer `with` for async code.
 *
 * @example
 * ```ts
 * const { AsyncLocalStorage } = await import('node:async_hooks');
 * context.setGlobalContextManager(createAsyncStorageContextManager(new AsyncLocalStorage()));
 * const token = context.attach(trace.setSpan(context.active(), span));
 * token.dispose();
 * ```
 */
export function createAsyncStorageContextManager(storage: AsyncContextStorage): AttachingContextManager {
  /** The cell of code that runs outside any `with` (only `attach` writes it). */
  let outerCell: ContextCell = { context: ROOT_CONTEXT };
  /** Whether `storage.enterWith` works; false after it threw once. */
  let canEnter = typeof storage.enterWith === 'function';
  const currentCell = (): ContextCell => (storage.getStore() as ContextCell | undefined) ?? outerCell;
  const liveTokens: LiveTokens = new WeakMap();
  const slot: AttachSlot = {
    read: () => currentCell().context,
    write(context) {
      const value = context ?? ROOT_CONTEXT;
      if (canEnter) {
        try {
          (storage.enterWith as (store: unknown) => void)({ context: value });
          return;
        } catch {
          canEnter = false;
        }
      }
      currentCell().context = value;
    },
  };
  // Starts the storage tracking async work now (Node's starts with the first run that changes its store),
  // so that an attach as its first use changes only the current execution.
  const start = (): void => {
    storage.run({ context: ROOT_CONTEXT }, () => {});
  };
  start();
  const manager: AttachingContextManager = {
    active: () => currentCell().context,
    with(context, fn, thisArg, ...args) {
      if (thisArg === undefined || thisArg === null) return storage.run({ context }, fn, ...args);
      return storage.run({ context }, () => fn.apply(thisArg, args));
    },
    bind(context, target) {
      if (typeof target !== 'function') return target;
      const original = target as unknown as (...args: unknown[]) => unknown;
      const bound = function (this: unknown, ...args: unknown[]): unknown {
        return manager.with(context, original, this, ...args);
      };
      Object.defineProperty(bound, 'length', { value: original.length, configurable: true });
      return bound as typeof target;
    },
    attach: (context) => AttachToken.attach(slot, liveTokens, context),
    enable() {
      start();
      return manager;
    },
    disable() {
      storage.disable();
      outerCell = { context: ROOT_CONTEXT };
      return manager;
    },
  };
  return manager;
}

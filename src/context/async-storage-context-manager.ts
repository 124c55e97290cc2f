import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/** The part of `AsyncLocalStorage` a context manager needs (Node's, Bun's, Deno's, workerd's with `nodejs_compat`). */
export interface AsyncContextStorage {
  getStore(): Context | undefined;
  run<R>(store: Context, callback: (...args: any[]) => R, ...args: any[]): R;
  disable(): void;
}

/**
 * A context manager over an `AsyncLocalStorage` instance the platform hands over, for runtimes where the
 * `node:async_hooks` module can only be loaded at run time (Workers with `nodejs_compat`): the active
 * context follows `await`, timers and callbacks as with Node's `AsyncLocalStorageContextManager`. `bind`
 * binds functions; event emitters are returned unbound.
 *
 * @example
 * ```ts
 * const { AsyncLocalStorage } = await import('node:async_hooks');
 * context.setGlobalContextManager(createAsyncStorageContextManager(new AsyncLocalStorage()));
 * ```
 */
export function createAsyncStorageContextManager(storage: AsyncContextStorage): ContextManager {
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with(context, fn, thisArg, ...args) {
      if (thisArg === undefined || thisArg === null) return storage.run(context, fn, ...args);
      return storage.run(context, () => fn.apply(thisArg, args));
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
    enable: () => manager,
    disable() {
      storage.disable();
      return manager;
    },
  };
  return manager;
}

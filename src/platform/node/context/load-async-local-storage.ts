import type { AsyncContextStorage } from '../../../context/async-storage-context-manager.js';

/**
 * A new `AsyncLocalStorage` from `node:async_hooks`, loaded at run time, or `undefined` where the
 * runtime has no such module (Workers without `nodejs_compat`). Never rejects.
 *
 * @example
 * ```ts
 * const storage = await loadAsyncLocalStorage();
 * ```
 */
export async function loadAsyncLocalStorage(): Promise<AsyncContextStorage | undefined> {
  try {
    const asyncHooks = (await import('node:async_hooks')) as typeof import('node:async_hooks');
    return typeof asyncHooks.AsyncLocalStorage === 'function'
      ? (new asyncHooks.AsyncLocalStorage() as unknown as AsyncContextStorage)
      : undefined;
  } catch {
    return undefined;
  }
}

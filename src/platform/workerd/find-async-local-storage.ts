import type { AsyncContextStorage } from '../../context/async-storage-context-manager.js';

/** The part of workerd's `process` (present with `nodejs_compat`) this module uses. */
interface ProcessWithBuiltins {
  getBuiltinModule?(id: string): { AsyncLocalStorage?: new () => unknown } | undefined;
}

/**
 * A new `AsyncLocalStorage` when the Worker runs with `nodejs_compat` (reached through
 * `process.getBuiltinModule('node:async_hooks')`), else `undefined`. There is no `import` of
 * `node:async_hooks`, static or dynamic, so a bundler (wrangler, esbuild) has nothing to resolve and a
 * Worker without `nodejs_compat` loads. (`nodejs_als` alone gives no `process`: the stack context manager
 * applies then.) Never throws.
 *
 * @example
 * ```ts
 * installPlatform(workerdPlatform(findAsyncLocalStorage()));
 * ```
 */
export function findAsyncLocalStorage(): AsyncContextStorage | undefined {
  try {
    const runtime = (globalThis as { process?: ProcessWithBuiltins }).process;
    const asyncHooks = typeof runtime?.getBuiltinModule === 'function' ? runtime.getBuiltinModule('node:async_hooks') : undefined;
    const AsyncLocalStorage = asyncHooks?.AsyncLocalStorage;
    return typeof AsyncLocalStorage === 'function' ? (new AsyncLocalStorage() as AsyncContextStorage) : undefined;
  } catch {
    return undefined;
  }
}

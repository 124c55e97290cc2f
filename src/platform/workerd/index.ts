/**
 * otelite on Cloudflare Workers (the `workerd` and `worker` export conditions): the web entry point with
 * the workerd platform installed; `AsyncLocalStorage` is used when `nodejs_compat` provides it.
 * @packageDocumentation
 */
import { loadAsyncLocalStorage } from '../node/context/load-async-local-storage.js';
import { installPlatform } from '../../platform.js';
import { workerdPlatform } from './workerd-platform.js';

installPlatform(workerdPlatform(await loadAsyncLocalStorage()));

export * from '../web/index.js';
export { createAsyncStorageContextManager } from '../../context/async-storage-context-manager.js';
export type { AsyncContextStorage } from '../../context/async-storage-context-manager.js';

/**
 * otelite on Cloudflare Workers (the `workerd` and `worker` export conditions): the web entry point with
 * the workerd platform installed; `AsyncLocalStorage` is used when `nodejs_compat` provides it (found at
 * run time, with no import of `node:async_hooks` for a bundler to resolve).
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { findAsyncLocalStorage } from './find-async-local-storage.js';
import { workerdPlatform } from './workerd-platform.js';

installPlatform(workerdPlatform(findAsyncLocalStorage()));

export * from '../web/index.js';
export { createAsyncStorageContextManager } from '../../context/async-storage-context-manager.js';
export type { AsyncContextStorage, AttachingContextManager } from '../../context/async-storage-context-manager.js';

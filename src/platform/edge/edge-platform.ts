import { createAsyncStorageContextManager, type AsyncContextStorage } from '../../context/async-storage-context-manager.js';
import { StackContextManager } from '../../context/stack-context-manager.js';
import { instrumentFetch, type FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';
import { webPlatform, type Platform } from '../../platform.js';
import { WaitUntilFlushProcessor } from '../../processing/wait-until-flush-processor.js';
import { currentWaitUntil } from './wait-until-flush.js';

/**
 * Edge runtimes with web-standard APIs (the `edge-light` export condition: Next.js middleware and edge
 * routes, Vercel Edge Functions): the web platform, with
 *
 * - the `AsyncLocalStorage` these runtimes put on `globalThis` as context storage, so the active span
 *   crosses `await` (the stack context manager where it is missing);
 * - a resource naming the runtime: `process.runtime.name` is the `EdgeRuntime` global's value
 *   (`edge-runtime` in Next.js) or `edge-light`;
 * - `fetch` client spans through a `globalThis.fetch` wrapper;
 * - a flush when a request's local root span ends, handed to the request's `waitUntil`
 *   (`@next/request-context`, `@vercel/request-context`), since the runtime may stop the request's
 *   work once its response is sent.
 *
 * @example
 * ```ts
 * installPlatform(edgePlatform);
 * ```
 */
export const edgePlatform: Platform = Object.freeze<Platform>({
  ...webPlatform,
  name: 'edge',
  createContextManager() {
    const Storage = (globalThis as { AsyncLocalStorage?: new () => AsyncContextStorage }).AsyncLocalStorage;
    if (typeof Storage === 'function') {
      try {
        return createAsyncStorageContextManager(new Storage());
      } catch {
        // Not constructible here: the stack context manager below.
      }
    }
    return new StackContextManager().enable();
  },
  resourceAttributes() {
    const runtime = (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime;
    return {
      ...webPlatform.resourceAttributes(),
      'process.runtime.name': typeof runtime === 'string' && runtime !== '' ? runtime : 'edge-light',
    };
  },
  instrumentHttp: (options) => instrumentFetch(options as FetchInstrumentationOptions | undefined),
  requestFlushProcessor: (flush) => new WaitUntilFlushProcessor(flush, currentWaitUntil),
});

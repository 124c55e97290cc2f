import { createAsyncStorageContextManager, type AsyncContextStorage } from '../../context/async-storage-context-manager.js';
import { StackContextManager } from '../../context/stack-context-manager.js';
import { warnOnce } from '../../diagnostics/report.js';
import { instrumentFetch, type FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';
import { webPlatform, type Platform } from '../../platform.js';

/**
 * Cloudflare Workers (workerd): the web platform, plus `fetch` client spans through a `globalThis.fetch`
 * wrapper. With `nodejs_compat`, `storage` is an `AsyncLocalStorage` and the active context crosses
 * `await`; without it the stack context manager applies (one warning says so): the handler's synchronous
 * part sees its server span, but after an `await` the context is lost, so outgoing `fetch` calls there
 * start new traces unless the span is passed explicitly. Export is over `fetch`, flushed by
 * `traceFetchHandler` through `ctx.waitUntil`.
 *
 * @example
 * ```ts
 * installPlatform(workerdPlatform(findAsyncLocalStorage()));
 * ```
 */
export function workerdPlatform(storage: AsyncContextStorage | undefined): Platform {
  return Object.freeze<Platform>({
    ...webPlatform,
    name: 'workerd',
    createContextManager() {
      if (storage !== undefined) return createAsyncStorageContextManager(storage);
      warnOnce(
        'otelite on Workers without nodejs_compat: no AsyncLocalStorage, so the active span does not ' +
          'cross await; enable the nodejs_compat compatibility flag to keep it.',
      );
      return new StackContextManager().enable();
    },
    resourceAttributes: () => ({
      ...webPlatform.resourceAttributes(),
      'cloud.provider': 'cloudflare',
      'process.runtime.name': 'workerd',
    }),
    instrumentHttp: (options) => instrumentFetch(options as FetchInstrumentationOptions | undefined),
  });
}

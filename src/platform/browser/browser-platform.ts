import { createFetchTransport } from '../../transport/fetch-transport.js';
import { instrumentFetch, type FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';
import { reportError } from '../../diagnostics/report.js';
import { webPlatform, type Platform } from '../../platform.js';
import { KEEPALIVE_MAX_BYTES } from '../../transport/transport-limits.js';

interface PageEvents {
  addEventListener(type: string, listener: () => void, options?: { capture?: boolean }): void;
  removeEventListener(type: string, listener: () => void, options?: { capture?: boolean }): void;
  visibilityState?: string;
}

/**
 * Browsers: the web platform, plus `fetch` client spans (trace headers to the page's origin and to the
 * allowed cross-origin URLs), exports sent with `keepalive` when they fit the browser's 64 KiB budget (so
 * a flush survives the page), a flush when the page is hidden (`visibilitychange` to `hidden`) or left
 * (`pagehide`), and `user_agent.original` in the resource.
 *
 * @example
 * ```ts
 * installPlatform(browserPlatform);
 * ```
 */
export const browserPlatform: Platform = Object.freeze<Platform>({
  ...webPlatform,
  name: 'browser',
  resourceAttributes: () => {
    const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
    return { ...webPlatform.resourceAttributes(), ...(typeof userAgent === 'string' ? { 'user_agent.original': userAgent } : {}) };
  },
  createTransport: (options) => createFetchTransport(options, { keepaliveMaxBytes: KEEPALIVE_MAX_BYTES, sendUserAgent: false }),
  instrumentHttp: (options) => instrumentFetch(options as FetchInstrumentationOptions | undefined),
  installShutdownHooks(sdk) {
    const page = globalThis as unknown as Partial<PageEvents>;
    const doc = (globalThis as { document?: PageEvents }).document;
    if (typeof page.addEventListener !== 'function') return undefined;
    const flush = (): void => {
      sdk.flushInBackground().catch((error: unknown) => reportError('init.pageFlush', error));
    };
    const onVisibility = (): void => {
      if (doc?.visibilityState === 'hidden') flush();
    };
    page.addEventListener('pagehide', flush);
    doc?.addEventListener('visibilitychange', onVisibility);
    let removed = false;
    return {
      remove() {
        if (removed) return;
        removed = true;
        page.removeEventListener?.('pagehide', flush);
        doc?.removeEventListener('visibilitychange', onVisibility);
      },
    };
  },
});

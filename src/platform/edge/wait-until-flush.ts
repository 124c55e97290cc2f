/** The request context edge runtimes publish on `globalThis` (Next.js, Vercel): `get()` gives the current request's. */
interface RequestContext {
  get(): { waitUntil?: (promise: Promise<unknown>) => void } | undefined;
}

/** Next.js's (`next start`, `next dev`, its edge sandbox) and Vercel's request contexts. */
const REQUEST_CONTEXT_SYMBOLS = [Symbol.for('@next/request-context'), Symbol.for('@vercel/request-context')];

/**
 * The current request's `waitUntil`, from the request context the runtime publishes on `globalThis`,
 * or `undefined` outside a request or where there is none. Never throws.
 *
 * @example
 * ```ts
 * currentWaitUntil()?.(flushPromise);
 * ```
 */
export function currentWaitUntil(): ((promise: Promise<unknown>) => void) | undefined {
  for (const symbol of REQUEST_CONTEXT_SYMBOLS) {
    try {
      const requestContext = (globalThis as Record<symbol, RequestContext | undefined>)[symbol];
      const waitUntil = requestContext?.get()?.waitUntil;
      if (typeof waitUntil === 'function') return waitUntil;
    } catch {
      // A runtime's context that cannot be read: try the next one.
    }
  }
  return undefined;
}

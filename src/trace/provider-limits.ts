/**
 * The tracer provider's fixed numbers. This module imports nothing on purpose: bundlers then replace
 * every use with the number itself (esbuild only inlines the constants of a module without imports).
 */

/** How long `forceFlush()` waits for the processors when the provider was given no `forceFlushTimeoutMillis`. */
export const DEFAULT_FORCE_FLUSH_TIMEOUT_MILLIS = 30_000;
/** Past this many distinct scopes, tracers are still handed out but no longer cached. */
export const MAX_CACHED_TRACERS = 1024;

/**
 * otelite for runtimes with web-standard APIs only (the `browser`, `workerd`/`worker` and `default`
 * export conditions): the core, the `fetch` transport, the stack context manager, `fetch` client spans
 * and `traceFetchHandler`. Nothing here imports a Node built-in. Names it shares with the Node entry
 * point mean the same; Node-only ones (`instrumentHttp`, `traceHandler`, `AsyncLocalStorageContextManager`,
 * `detectResources`) are absent.
 * @packageDocumentation
 */

export * from '../../core-exports.js';
export { init } from './web-init.js';

// --- web only: fetch client spans where no undici channels exist
export { instrumentFetch, tracedFetch } from '../../instrumentation/fetch/instrument-fetch.js';
export type { FetchInstrumentation, FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';

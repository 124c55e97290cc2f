/**
 * The public names of the web-standard entries (`web/index.ts`, `browser/index.ts`, `workerd/index.ts`),
 * with no side effect: each entry installs what its runtime needs and re-exports these.
 */

export * from '../../core-exports.js';
export { init } from './web-init.js';

// --- web only: fetch client spans where no undici channels exist
export { instrumentFetch, tracedFetch } from '../../instrumentation/fetch/instrument-fetch.js';
export type { FetchInstrumentation, FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';

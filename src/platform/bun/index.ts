/**
 * otelite on Bun (the `bun` export condition): the Node entry point with the Bun platform installed
 * (fetch, `Bun.serve` and `node:http` server spans; `process.runtime.name=bun`).
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { bunPlatform } from './bun-platform.js';

installPlatform(bunPlatform);

export * from '../../index.js';
export { instrumentFetch, tracedFetch } from '../../instrumentation/fetch/instrument-fetch.js';
export type { FetchInstrumentation, FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';

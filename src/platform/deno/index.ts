/**
 * otelite on Deno (the `deno` export condition): the Node entry point with the Deno platform installed
 * (fetch and `Deno.serve` spans, permission-safe settings; `process.runtime.name=deno`).
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { denoPlatform } from './deno-platform.js';

installPlatform(denoPlatform);

export * from '../../index.js';
export { instrumentFetch, tracedFetch } from '../../instrumentation/fetch/instrument-fetch.js';
export type { FetchInstrumentation, FetchInstrumentationOptions } from '../../instrumentation/fetch/instrument-fetch.js';

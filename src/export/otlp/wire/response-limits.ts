/**
 * The bound on what a receiver's response puts into otelite's logs (export-response.ts). This module
 * imports nothing on purpose: bundlers then replace every use with the number itself (esbuild only
 * inlines the constants of a module without imports).
 */

/** Server messages are shortened to this many characters before they go into logs. */
export const MAX_MESSAGE_LENGTH = 1024;

/**
 * The bounds of otelite's own diagnostic logging: how often one kind of failure may log, how many
 * distinct warnings are remembered, how much of a caller's argument a message quotes. This module
 * imports nothing on purpose: bundlers then replace every use with the number itself (esbuild only
 * inlines the constants of a module without imports).
 */

/** How long one rate-limit window lasts, in milliseconds. */
export const LOG_WINDOW_MILLIS = 60_000;
/** How many messages one kind of failure may log per window; the rest are only counted. */
export const MAX_LOGS_PER_WINDOW = 5;
/** Bounds the memory held by `warnOnce`: past this many distinct messages, new ones are still logged but not remembered. */
export const MAX_REMEMBERED_WARNINGS = 1000;
/** Longest excerpt of a caller's argument (an attribute key, an event name) quoted in an ended-span message. */
export const MAX_QUOTED_LENGTH = 64;

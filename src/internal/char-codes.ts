/**
 * The ASCII codes the header and trace state parsers compare `charCodeAt` results with, one definition
 * for all of them. This module imports nothing on purpose: bundlers then replace every use with the
 * number itself (esbuild only inlines the constants of a module without imports).
 */

/** `\t`, optional whitespace in the W3C headers. */
export const TAB = 0x09;
/** ` `, optional whitespace in the W3C headers. */
export const SPACE = 0x20;
/** `%`, the start of a percent-encoded byte in a baggage value. */
export const PERCENT = 0x25;
/** `,`, the list member separator. */
export const COMMA = 0x2c;
/** `-`, the `traceparent` field separator. */
export const DASH = 0x2d;
/** `0`, the first decimal digit. */
export const DIGIT_ZERO = 0x30;
/** `;`, the baggage property separator. */
export const SEMICOLON = 0x3b;
/** `=`, between a key and its value. */
export const EQUALS = 0x3d;

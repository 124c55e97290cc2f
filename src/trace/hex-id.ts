/*
 * Random id bytes as lowercase hex, for the default id generator (random-id-generator.ts) and the Node
 * spans that keep their ids as bytes (pooled-id-span.ts): one `String.fromCharCode` call with every char
 * code as an argument, through a 256-entry table (a flat string; no array, no `apply`, no concatenation).
 */

/** For each byte value, the char codes of its two lowercase hex digits. */
const HIGH_DIGIT = new Uint8Array(256);
const LOW_DIGIT = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  const hex = byte.toString(16).padStart(2, '0');
  HIGH_DIGIT[byte] = hex.charCodeAt(0);
  LOW_DIGIT[byte] = hex.charCodeAt(1);
}

/**
 * The 16 bytes of `b` from `p` as 32 lowercase hex digits (a trace id).
 * @internal
 *
 * @example
 * ```ts
 * traceIdHex(new Uint8Array(16).fill(0xab), 0); // 'abab…ab'
 * ```
 */
export function traceIdHex(b: Uint8Array, p: number): string {
  const h = HIGH_DIGIT;
  const l = LOW_DIGIT;
  let x: number;
  return String.fromCharCode(
    h[(x = b[p])],
    l[x],
    h[(x = b[p + 1])],
    l[x],
    h[(x = b[p + 2])],
    l[x],
    h[(x = b[p + 3])],
    l[x],
    h[(x = b[p + 4])],
    l[x],
    h[(x = b[p + 5])],
    l[x],
    h[(x = b[p + 6])],
    l[x],
    h[(x = b[p + 7])],
    l[x],
    h[(x = b[p + 8])],
    l[x],
    h[(x = b[p + 9])],
    l[x],
    h[(x = b[p + 10])],
    l[x],
    h[(x = b[p + 11])],
    l[x],
    h[(x = b[p + 12])],
    l[x],
    h[(x = b[p + 13])],
    l[x],
    h[(x = b[p + 14])],
    l[x],
    h[(x = b[p + 15])],
    l[x],
  );
}

/**
 * The 8 bytes of `b` from `p` as 16 lowercase hex digits (a span id).
 * @internal
 *
 * @example
 * ```ts
 * spanIdHex(new Uint8Array(8).fill(1), 0); // '0101010101010101'
 * ```
 */
export function spanIdHex(b: Uint8Array, p: number): string {
  const h = HIGH_DIGIT;
  const l = LOW_DIGIT;
  let x: number;
  return String.fromCharCode(
    h[(x = b[p])],
    l[x],
    h[(x = b[p + 1])],
    l[x],
    h[(x = b[p + 2])],
    l[x],
    h[(x = b[p + 3])],
    l[x],
    h[(x = b[p + 4])],
    l[x],
    h[(x = b[p + 5])],
    l[x],
    h[(x = b[p + 6])],
    l[x],
    h[(x = b[p + 7])],
    l[x],
  );
}

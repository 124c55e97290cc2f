/**
 * One char-code → hex digit table for every module that reads hex: the OTLP id codec and the baggage
 * percent-decoder; its lowercase-only copy for the `traceparent` parser and the sampling threshold.
 */

/** Char code → hex digit value, both cases; -1 for any other code below 128. */
export const HEX_DIGIT_VALUES: Int8Array = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_DIGIT_VALUES[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_DIGIT_VALUES[65 + i] = 10 + i;
  HEX_DIGIT_VALUES[97 + i] = 10 + i;
}

/** The same, lowercase only (upper case gives -1): W3C Trace Context's HEXDIGLC, the `ot` trace state's digits. */
export const LOWERCASE_HEX_DIGIT_VALUES: Int8Array = HEX_DIGIT_VALUES.slice().fill(-1, 65, 71);

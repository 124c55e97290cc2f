/**
 * One char-code → hex digit table for every module that reads hex: the OTLP id codec, the baggage
 * percent-decoder and (its upper-case entries cleared) the `traceparent` parser.
 */

/** Char code → hex digit value, both cases; -1 for any other code below 128. */
export const HEX_DIGIT_VALUES: Int8Array = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_DIGIT_VALUES[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_DIGIT_VALUES[65 + i] = 10 + i;
  HEX_DIGIT_VALUES[97 + i] = 10 + i;
}

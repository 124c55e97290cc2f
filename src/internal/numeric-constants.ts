/**
 * Numeric constants shared by modules that split 64-bit quantities (nanosecond times, int64 varints,
 * sampling thresholds) into two 32-bit halves: one definition instead of one per file.
 */

/** 2^32: the factor between the high and the low 32-bit half of a 64-bit quantity held as two numbers. */
export const TWO_POW_32 = 4294967296;

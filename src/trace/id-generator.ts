/**
 * Makes trace and span ids, as lowercase hex (the form `SpanContext` carries). Implementations must
 * never return an all-zero id and must be fast: one call per span.
 */
export interface IdGenerator {
  /** 32 lowercase hex characters, not all zero. */
  generateTraceId(): string;
  /** 16 lowercase hex characters, not all zero. */
  generateSpanId(): string;
}

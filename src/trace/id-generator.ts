/**
 * Makes trace and span ids, as lowercase hex (the form `SpanContext` carries). Implementations must
 * never return an all-zero id and must be fast: one call per span. Root spans get the W3C `random`
 * trace flag (0x02) only with the default `RandomIdGenerator`
 * (`random-id-generator.ts`), unless the provider's
 * `randomTraceFlag` option says otherwise.
 */
export interface IdGenerator {
  /** 32 lowercase hex characters, not all zero. */
  generateTraceId(): string;
  /** 16 lowercase hex characters, not all zero. */
  generateSpanId(): string;
}

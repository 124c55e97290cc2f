import type { IdGenerator } from './id-generator.js';

/** Bytes fetched from `crypto.getRandomValues` at a time: one call serves 512 trace ids or 1024 span ids. */
const POOL_BYTES = 8192;

/** Every byte value as two lowercase hex characters. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * The default {@link IdGenerator}: trace and span ids from the platform's cryptographic random source.
 *
 * Random bytes are drawn from a pooled 8 KiB buffer refilled by `crypto.getRandomValues`, and turned
 * into hex through a 256-entry table, so an id costs a few table lookups. Ids are never all zero (an
 * all-zero draw, probability 2^-64 for a span id, is simply drawn again). Every byte of a trace id is
 * random, so spans started with this generator may carry the W3C Trace Context Level 2 `random` flag.
 *
 * @example
 * ```ts
 * const provider = new TracerProvider({ idGenerator: new RandomIdGenerator() });
 * ```
 */
export class RandomIdGenerator implements IdGenerator {
  #pool = new Uint8Array(POOL_BYTES);
  #position = POOL_BYTES;

  /** 32 lowercase hex characters, not all zero. */
  generateTraceId(): string {
    for (;;) {
      const id = this.#hex(16);
      if (id !== '00000000000000000000000000000000') return id;
    }
  }

  /** 16 lowercase hex characters, not all zero. */
  generateSpanId(): string {
    for (;;) {
      const id = this.#hex(8);
      if (id !== '0000000000000000') return id;
    }
  }

  #hex(bytes: 8 | 16): string {
    if (this.#position + bytes > POOL_BYTES) {
      crypto.getRandomValues(this.#pool);
      this.#position = 0;
    }
    const pool = this.#pool;
    const p = this.#position;
    this.#position = p + bytes;
    const half =
      HEX[pool[p]] + HEX[pool[p + 1]] + HEX[pool[p + 2]] + HEX[pool[p + 3]] +
      HEX[pool[p + 4]] + HEX[pool[p + 5]] + HEX[pool[p + 6]] + HEX[pool[p + 7]];
    if (bytes === 8) return half;
    return half +
      HEX[pool[p + 8]] + HEX[pool[p + 9]] + HEX[pool[p + 10]] + HEX[pool[p + 11]] +
      HEX[pool[p + 12]] + HEX[pool[p + 13]] + HEX[pool[p + 14]] + HEX[pool[p + 15]];
  }
}

import { spanIdHex, traceIdHex } from './hex-id.js';
import type { IdGenerator } from './id-generator.js';

/** Bytes fetched from `crypto.getRandomValues` at a time: one call serves 512 trace ids or 1024 span ids. */
const POOL_BYTES = 8192;

/**
 * The default {@link IdGenerator}: trace and span ids from the platform's cryptographic random source.
 *
 * Random bytes are drawn from a pooled 8 KiB buffer refilled by `crypto.getRandomValues`, and turned
 * into hex through a 256-entry table in one `String.fromCharCode` call (a flat string, no
 * concatenation chain), so an id costs a few table lookups. Ids are never all zero (an all-zero draw,
 * probability 2^-64 for a span id, is drawn again). Every byte of a trace id is random, so root spans
 * started with this generator carry the W3C Trace Context Level 2 `random` flag (0x02) unless the
 * provider's `randomTraceFlag` option is `false`.
 *
 * @example
 * ```ts
 * const provider = new TracerProvider({ idGenerator: new RandomIdGenerator() });
 * ```
 */
export class RandomIdGenerator implements IdGenerator {
  #pool = new Uint8Array(POOL_BYTES);
  /** The pool's bytes as 32-bit words, for the all-zero checks. */
  #words = new Int32Array(this.#pool.buffer);
  #position = POOL_BYTES;

  /** 32 lowercase hex characters, not all zero. */
  generateTraceId(): string {
    let p = this.#take(16);
    // Takes are 8-byte aligned: the id's 32-bit words, never all zero.
    const w = this.#words;
    while ((w[p >> 2] | w[(p >> 2) + 1] | w[(p >> 2) + 2] | w[(p >> 2) + 3]) === 0) p = this.#take(16);
    return traceIdHex(this.#pool, p);
  }

  /** 16 lowercase hex characters, not all zero. */
  generateSpanId(): string {
    let p = this.#take(8);
    const w = this.#words;
    while ((w[p >> 2] | w[(p >> 2) + 1]) === 0) p = this.#take(8);
    return spanIdHex(this.#pool, p);
  }

  /** Reserves `bytes` bytes of the pool, refilling it first when too few remain; returns their offset. */
  #take(bytes: number): number {
    let p = this.#position;
    if (p + bytes > POOL_BYTES) {
      crypto.getRandomValues(this.#pool);
      p = 0;
    }
    this.#position = p + bytes;
    return p;
  }
}

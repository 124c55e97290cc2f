import type { NumericIds } from './span.js';

/** Bytes fetched from `crypto.getRandomValues` at a time (1,000 roots' ids). */
const POOL_BYTES = 24_576;
const HEX = '0123456789abcdef';

/** Lowercase hex of the 24-bit chunk `c`, `bytes` (1–3) bytes of it. */
function chunkHex(c: number, bytes: number): string {
  let s = '';
  for (let shift = bytes * 8 - 4; shift >= 0; shift -= 4) s += HEX[(c >>> shift) & 15];
  return s;
}

/**
 * A root span's trace and span ids as numbers (24-bit chunks, Smis): a trace id's 16 bytes in
 * `t0`–`t5` (3 bytes each, `t5` one byte), a span id's 8 in `s0`–`s2` (`s2` two bytes). The hex strings
 * are made only when the span's context is read; the protobuf writer writes the bytes from the chunks.
 * @internal
 */
export class RandomNumericIds implements NumericIds {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
  readonly t4: number;
  readonly t5: number;
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;

  constructor(t0: number, t1: number, t2: number, t3: number, t4: number, t5: number, s0: number, s1: number, s2: number) {
    this.t0 = t0;
    this.t1 = t1;
    this.t2 = t2;
    this.t3 = t3;
    this.t4 = t4;
    this.t5 = t5;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
  }

  traceIdHex(): string {
    return (
      chunkHex(this.t0, 3) +
      chunkHex(this.t1, 3) +
      chunkHex(this.t2, 3) +
      chunkHex(this.t3, 3) +
      chunkHex(this.t4, 3) +
      chunkHex(this.t5, 1)
    );
  }

  spanIdHex(): string {
    return chunkHex(this.s0, 3) + chunkHex(this.s1, 3) + chunkHex(this.s2, 2);
  }
}

const pool = new Uint8Array(POOL_BYTES);
let position = POOL_BYTES;

/** Draws a root's ids (never an all-zero trace or span id). */
export function drawNumericIds(): RandomNumericIds {
  for (;;) {
    let p = position;
    if (p + 24 > POOL_BYTES) {
      crypto.getRandomValues(pool);
      p = 0;
    }
    position = p + 24;
    const b = pool;
    const t0 = (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
    const t1 = (b[p + 3] << 16) | (b[p + 4] << 8) | b[p + 5];
    const t2 = (b[p + 6] << 16) | (b[p + 7] << 8) | b[p + 8];
    const t3 = (b[p + 9] << 16) | (b[p + 10] << 8) | b[p + 11];
    const t4 = (b[p + 12] << 16) | (b[p + 13] << 8) | b[p + 14];
    const t5 = b[p + 15];
    const s0 = (b[p + 16] << 16) | (b[p + 17] << 8) | b[p + 18];
    const s1 = (b[p + 19] << 16) | (b[p + 20] << 8) | b[p + 21];
    const s2 = (b[p + 22] << 8) | b[p + 23];
    if ((t0 | t1 | t2 | t3 | t4 | t5) === 0 || (s0 | s1 | s2) === 0) continue;
    return new RandomNumericIds(t0, t1, t2, t3, t4, t5, s0, s1, s2);
  }
}

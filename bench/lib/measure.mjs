/**
 * Timing for the CPU cases, run inside a fresh child process per side per round.
 *
 * `op(i)` is one unit of work (one span, one nest of spans, one encode). Work runs in chunks with a
 * `setImmediate` between them, so a batch span processor on either side gets the event-loop turns it
 * needs to hand full batches to its exporter, as it would in a real application. Both sides pay the
 * same per-call and per-chunk harness cost.
 */

import { median } from './stats.mjs';

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Runs `op(i)` for i in [0, count), yielding to the event loop after every `chunk` calls. */
export async function runChunked(op, count, chunk) {
  let i = 0;
  while (i < count) {
    const stop = Math.min(count, i + chunk);
    for (; i < stop; i++) op(i);
    await yieldToLoop();
  }
}

/**
 * Warms `op` up for `warmupMillis`, sizes a sample to last about `sampleMillis`, then times `samples`
 * samples. Returns nanoseconds per op: the median of the samples and the samples themselves, and how
 * many ops ran in all (warm-up included).
 */
export async function measureCpu(op, { warmupMillis = 300, sampleMillis = 50, samples = 7, chunk = 256 } = {}) {
  let done = 0;
  const warmupStart = performance.now();
  while (performance.now() - warmupStart < warmupMillis) {
    await runChunked(op, chunk, chunk);
    done += chunk;
  }
  const opsPerMilli = done / (performance.now() - warmupStart);
  const count = Math.max(chunk, Math.round((opsPerMilli * sampleMillis) / chunk) * chunk);
  const nanosPerOp = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    await runChunked(op, count, chunk);
    nanosPerOp.push(Number(process.hrtime.bigint() - start) / count);
  }
  return { value: median(nanosPerOp), samples: nanosPerOp, opsPerSample: count, opsTotal: done + samples * count };
}

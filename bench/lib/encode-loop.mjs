/**
 * Encodes the encode case's 512 spans `iterations` times with otelite from `BENCH_OTELITE_DIST`, for
 * instruction counts that a busy machine does not change:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p node bench/lib/encode-loop.mjs 300
 *
 * The difference between two runs (e.g. 0 and 300 iterations), divided by the iterations, is the cost
 * of one encode in instructions (see bench/instructions.mjs).
 */
import { recordOteliteSpans } from '../cases/encode.mjs';

const iterations = Number(process.argv[2] ?? 100);
const { encode, spans } = await recordOteliteSpans();
for (let i = 0; i < 50; i++) encode(spans); // warm-up, the same in every run
let bytes = 0;
for (let i = 0; i < iterations; i++) bytes += encode(spans).length;
console.log(JSON.stringify({ iterations, bytes }));

// Measures how often a Next.js-shaped shutdown (the application's SIGTERM handler calls
// process.exit(143)) delivers a span twice, against otelite's own receiver on 127.0.0.1 (answers at
// once). Each run starts test/e2e/fixtures/exit-overlap.mjs (built package), sends SIGTERM as soon as it
// prints "ready" (its first export is then somewhere between encoding and its answer), and counts the
// spans that arrived more than once and the ones that never arrived.
// Usage: npm run build && node scripts/measure-exit-duplicates.mjs [runs per exit timing, default 20]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startReceiver } from '../dist/src/platform/node/receiver/index.js';

const runs = Number(process.argv[2] ?? 20);
const timings = ['sync', 'immediate', '1', '5', '20'];
const fixture = join(import.meta.dirname, '../test/e2e/fixtures/exit-overlap.mjs');
const receiver = await startReceiver({ port: 0, print: false });

function runOnce(service, exitWhen) {
  return new Promise((resolve) => {
    const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const child = spawn(process.execPath, [fixture, service, exitWhen], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('ready\n')) child.kill('SIGTERM');
    });
    child.on('close', resolve);
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
console.log('exit timing | runs | runs with a duplicate | spans twice | spans lost');
let n = 0;
for (const exitWhen of timings) {
  let runsWithDuplicate = 0;
  let twice = 0;
  let lost = 0;
  for (let i = 0; i < runs; i++) {
    const service = `measure-${n++}`;
    await runOnce(service, exitWhen);
    await settle();
    const names = receiver
      .spans()
      .filter((span) => span.serviceName === service)
      .map((span) => span.name);
    const counts = new Map();
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
    const extra = [...counts.values()].reduce((sum, count) => sum + count - 1, 0);
    twice += extra;
    lost += 5 - counts.size;
    if (extra > 0) runsWithDuplicate++;
  }
  console.log(
    `${exitWhen.padEnd(11)} | ${String(runs).padStart(4)} | ${String(runsWithDuplicate).padStart(21)} | ${String(twice).padStart(11)} | ${String(lost).padStart(10)}`,
  );
}
await receiver.close();

/**
 * Instructions the OTLP/protobuf encoder spends per HTTP server span, counted by callgrind on the main
 * thread. A real `node:http` server traced by `init()` serves 512 requests from a keep-alive client in
 * this process; its 512 server spans (8 attributes, ~296 B of protobuf each) are captured by an
 * exporter, then `encodeSpansToProtobuf` encodes them 400 times to warm up and 200 times inside
 * `Array.prototype.findLastIndex`, which callgrind alone counts
 * (`--toggle-collect=Builtins_ArrayPrototypeFindLastIndex`; nothing else here calls it), so neither
 * start-up, the requests nor the JIT's warm-up is in the count.
 *
 *   node bench/experiments/encode-cost.mjs            # under callgrind: prints instructions per span
 *   node bench/experiments/encode-cost.mjs --run 200  # the loop alone, without valgrind
 *
 *   ENCODE_COST_ROOTS=1 node bench/experiments/encode-cost.mjs  # root server spans (the client untraced)
 *
 * Needs valgrind and a built dist/ (`BENCH_OTELITE_DIST` picks another build). With
 * `--perf-basic-prof` in `ENCODE_COST_NODE_FLAGS`, /tmp/perf-<pid>.map names the JIT code in the
 * callgrind output.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importOtelite } from '../lib/otelite.mjs';

const SPANS = 512;
const WARM_BATCHES = 400;
const MEASURED_BATCHES = 200;

if (process.argv[2] === '--run') {
  await run(Number(process.argv[3] ?? MEASURED_BATCHES));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'encode-cost-'));
  try {
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--separate-threads=yes',
        '--collect-atstart=no',
        '--toggle-collect=Builtins_ArrayPrototypeFindLastIndex',
        `--callgrind-out-file=${join(dir, 'cg.%p')}`,
        process.execPath,
        ...(process.env.ENCODE_COST_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
        fileURLToPath(import.meta.url),
        '--run',
        String(MEASURED_BATCHES),
      ],
      { stdio: ['ignore', 'inherit', 'pipe'] },
    );
    const main = readdirSync(dir).find((file) => file.endsWith('-01'));
    const totals = readFileSync(join(dir, main), 'utf8').match(/^(?:summary|totals): (\d+)/m);
    console.log(`encode: ${Math.round(Number(totals[1]) / MEASURED_BATCHES / SPANS)} instructions per span (main thread)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(batches) {
  const { module: otelite } = await importOtelite();
  const { module: otlp } = await importOtelite('otlp');
  const captured = [];
  const sdk = otelite.init({
    resourceAttributes: { 'service.name': 'otelite-bench', 'service.version': '1.0.0' },
    shutdownHooks: false,
    exporter: {
      export: async (spans) => {
        captured.push(...spans);
        return { code: 0 };
      },
      shutdown: async () => {},
    },
  });
  const server = http.createServer((_request, response) => response.end('hello'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  // With ENCODE_COST_ROOTS=1 the client's requests are not traced, so the server spans are roots (pooled
  // ids on Node, as the saturated server's); else their parents are the client's spans (hex trace ids).
  const { context } = await import('@opentelemetry/api');
  const roots = process.env.ENCODE_COST_ROOTS === '1';
  const get = () => (roots ? context.with(otelite.suppressTracing(context.active()), request) : request());
  const request = () =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: server.address().port, path: '/', agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
        .on('error', reject);
    });
  for (let i = 0; i < SPANS; i += 16) await Promise.all(Array.from({ length: 16 }, get));
  await sdk.forceFlush();
  agent.destroy();
  server.close();
  // The server spans only (the client spans are this process's own requests).
  const spans = captured.filter((span) => span.kind === 1).slice(0, SPANS);
  if (spans.length !== SPANS) throw new Error(`captured ${spans.length} server spans, expected ${SPANS}`);
  for (let i = 0; i < WARM_BATCHES; i++) otlp.encodeSpansToProtobuf(spans);
  let bytes = 0;
  new Array(batches).fill(0).findLastIndex(() => {
    bytes += otlp.encodeSpansToProtobuf(spans).length;
    return false;
  });
  console.log(`${SPANS} server spans, ${(bytes / batches / SPANS).toFixed(1)} B of protobuf per span`);
  await sdk.shutdown();
  process.exit(0);
}

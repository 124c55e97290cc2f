/**
 * Scavenges and mark-compacts of the account server's `full` variant (bench/account/server.mjs) under a
 * short load from this process (16 keep-alive connections, `node:http`; not a saturated bench), read
 * from V8's `--trace-gc` lines: how many, their total and mean pause, and the last scavenge's heap sizes.
 * For a quick look at what a change does to the young generation (e.g. spans queued as bytes).
 *
 *   node bench/experiments/gc-scavenges.mjs [requests] [otelite-dist] [node-binary]
 *
 * Defaults: 30,000 requests, this checkout's dist/, this Node.
 */

import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startHelper, stopHelper } from '../lib/fork.mjs';
import { OTELITE_DIST } from '../lib/otelite.mjs';

const [requests = '30000', dist = OTELITE_DIST, nodePath] = process.argv.slice(2);
const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../account/server.mjs', import.meta.url));

if (process.env.GC_SCAVENGES_CHILD === '1') {
  // The load, in a child whose stdout (the server's, inherited: its --trace-gc lines) the parent reads.
  await load();
} else {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), requests, dist, ...(nodePath ? [nodePath] : [])], {
    env: { ...process.env, GC_SCAVENGES_CHILD: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = child.stdout.split('\n');
  const pauses = (kind) => lines.filter((line) => line.includes(`: ${kind} `)).map((line) => Number(line.match(/MB, ([\d.]+)/)?.[1] ?? 0));
  for (const kind of ['Scavenge', 'Mark-Compact']) {
    const found = pauses(kind);
    const sum = found.reduce((a, b) => a + b, 0);
    console.log(
      `${kind}: ${found.length}, ${sum.toFixed(1)} ms in all, ${(found.length === 0 ? 0 : sum / found.length).toFixed(3)} ms each`,
    );
  }
  const last = lines.filter((line) => line.includes(': Scavenge ')).at(-1);
  console.log(`last scavenge: ${last?.match(/Scavenge ([\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB)/)?.[1] ?? '-'}`);
}

async function load() {
  const receiver = await startHelper(RECEIVER, []);
  const server = await startHelper(SERVER, ['full', `http://127.0.0.1:${receiver.ready.port}`, dist], {
    execArgv: ['--trace-gc'],
    execPath: nodePath,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const get = () =>
    new Promise((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: server.ready.port, path: '/', agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
        .on('error', reject),
    );
  const total = Number(requests);
  let sent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < total) {
        sent++;
        await get();
      }
    }),
  );
  agent.destroy();
  await stopHelper(server.child);
  await stopHelper(receiver.child);
}

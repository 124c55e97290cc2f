/**
 * Profiles one HTTP server variant under load, for naming hot spots:
 *
 *   node bench/profile-http.mjs <uninstrumented|otelite|opentelemetry-js> [seconds]
 *   node bench/profile-top.mjs /tmp/profile-http-<variant>/*.cpuprofile 40 --inclusive
 *
 * Starts the receiver, the server under `--cpu-prof` and the load generator as the HTTP case does, then
 * lets the server exit normally so that its profile is written.
 */

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ask, startHelper, stopHelper } from './lib/fork.mjs';
import { OTELITE_DIST } from './lib/otelite.mjs';

const [variant = 'otelite', seconds = '4'] = process.argv.slice(2);
const file = (path) => fileURLToPath(new URL(path, import.meta.url));
const profileDir = `/tmp/profile-http-${variant}`;
rmSync(profileDir, { recursive: true, force: true });

const receiver = await startHelper(file('./http/receiver.mjs'), []);
const url = `http://127.0.0.1:${receiver.ready.port}/v1/traces`;
const server = await startHelper(file('./http/server.cjs'), [variant, url, OTELITE_DIST], {
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
});
const loadGenerator = await startHelper(file('./http/load.mjs'), []);
const load = { type: 'run', port: server.ready.port, connections: 16, warmupMillis: 500, durationMillis: Number(seconds) * 1000 };
const result = await ask(loadGenerator.child, load, load.durationMillis + 30_000);
await stopHelper(loadGenerator.child);
const { requests } = await ask(server.child, { type: 'flush' });
const received = await ask(receiver.child, { type: 'stats' });
console.log(`${variant}: ${result.requestsPerSecond.toFixed(0)} req/s; ${requests} requests served, ${received.spans} spans received`);
await new Promise((resolve) => {
  server.child.once('exit', resolve);
  server.child.disconnect();
});
await stopHelper(receiver.child);
console.log(`profile in ${profileDir}/`);

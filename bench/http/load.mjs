/**
 * A keep-alive HTTP load generator: `connections` concurrent request loops through one node:http
 * Agent against 127.0.0.1:`port`. Requests completing during the first `warmupMillis` are not counted;
 * then completed requests are counted for `durationMillis`. Sends the result and exits.
 */

import http from 'node:http';

const { port, connections, warmupMillis, durationMillis } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

let counting = false;
let stopped = false;
let completed = 0;
let errors = 0;
let non200 = 0;

function oneRequest() {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
      if (response.statusCode !== 200) non200++;
      response.resume();
      response.on('end', () => {
        if (counting) completed++;
        resolve();
      });
    });
    request.on('error', () => {
      errors++;
      resolve();
    });
  });
}

async function loop() {
  while (!stopped) await oneRequest();
}

const loops = Array.from({ length: connections }, loop);
await new Promise((resolve) => setTimeout(resolve, warmupMillis));
counting = true;
const start = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, durationMillis));
counting = false;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
stopped = true;
await Promise.all(loops);
agent.destroy();
process.send({ completed, seconds, requestsPerSecond: completed / seconds, errors, non200 }, () => process.exit(0));

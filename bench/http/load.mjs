/**
 * A keep-alive HTTP load generator, kept running for the whole HTTP case so that its own JIT is warm.
 * Sends `{ ready: true }` at start. On `{ type: 'run', port, connections, warmupMillis, durationMillis }`
 * it opens `connections` concurrent request loops through one node:http Agent against
 * 127.0.0.1:`port`, ignores requests completing during the first `warmupMillis`, counts completed
 * requests for `durationMillis`, closes its connections and replies with the result.
 */

import http from 'node:http';

async function run({ port, connections, warmupMillis, durationMillis }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let counting = false;
  let stopped = false;
  let completed = 0;
  let errors = 0;
  let non200 = 0;

  const oneRequest = () =>
    new Promise((resolve) => {
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
  const loop = async () => {
    while (!stopped) await oneRequest();
  };

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
  return { completed, seconds, requestsPerSecond: completed / seconds, errors, non200 };
}

process.on('message', async (message) => {
  if (message?.type === 'run') process.send(await run(message));
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });

/**
 * Debian's `wrk` HTTP load generator: found on PATH, else installed with apt-get when running as root
 * (as in CI), else a reason to skip. Runs one burst and parses its summary.
 */

import { execFile, execFileSync } from 'node:child_process';

/** `{ path }` of a working wrk, or `{ skipped }` with the reason none can be had. */
export function findWrk() {
  const found = which('wrk');
  if (found) return { path: found };
  if (process.getuid?.() !== 0 || !which('apt-get'))
    return { skipped: 'wrk is not installed and apt-get cannot install it here (not root, or no apt)' };
  for (const steps of [
    [['install', '-y', '-qq', 'wrk']],
    [
      ['update', '-qq'],
      ['install', '-y', '-qq', 'wrk'],
    ],
  ]) {
    try {
      for (const step of steps)
        execFileSync('apt-get', step, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      const installed = which('wrk');
      if (installed) return { path: installed };
    } catch {
      // try the next way
    }
  }
  return { skipped: 'apt-get could not install wrk' };
}

function which(command) {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * One wrk burst: `threads` threads, `connections` keep-alive connections, `seconds` long, against
 * `url`. Resolves with `{ requests, seconds, requestsPerSecond, errors }` from wrk's summary.
 */
export function runWrk(wrk, url, { threads = 1, connections = 32, seconds = 2 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(wrk, [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, url], { timeout: (seconds + 30) * 1000 }, (error, stdout) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}`));
      const done = stdout.match(/(\d+) requests in ([\d.]+)(us|ms|s|m)/);
      const rate = stdout.match(/Requests\/sec:\s+([\d.]+)/);
      if (!done || !rate) return reject(new Error(`unexpected wrk output: ${stdout}`));
      const unit = { us: 1e-6, ms: 1e-3, s: 1, m: 60 }[done[3]];
      const socketErrors = stdout.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
      const non2xx = stdout.match(/Non-2xx or 3xx responses: (\d+)/);
      const errors = (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
      resolve({ requests: Number(done[1]), seconds: Number(done[2]) * unit, requestsPerSecond: Number(rate[1]), errors });
    });
  });
}

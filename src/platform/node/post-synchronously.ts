import type { Worker } from 'node:worker_threads';
import type { TlsOptions } from '../../transport/http-transport.js';

/**
 * One HTTP POST made synchronously: the main thread hands the bytes to a worker thread, which sends
 * them with `node:http(s)`, and waits for its answer with `Atomics.wait` on a `SharedArrayBuffer`, for
 * at most the given time. The only use is the `exit` event, where no asynchronous work can run on the
 * main thread any more.
 *
 * The worker is started when it is needed (at exit, when there is something to send), not kept warm:
 * an idle worker costs every process a thread and several megabytes for the rare abrupt end, while
 * starting one adds a few hundred milliseconds, once, to an exit that would otherwise lose spans (see
 * RELIABILITY.md). It runs with no `execArgv`, so a `--import`/`--require` preload (which may load
 * otelite itself) is not run again inside it, and nothing otelite instruments runs in it.
 */

/** What to send and where; the same settings the asynchronous transport uses. */
export interface SynchronousPost {
  readonly url: URL;
  /** Every request header except `content-length` (set here, after compression). */
  readonly headers: Readonly<Record<string, string>>;
  /** The encoded payload; gzipped in the worker when `compression` is `'gzip'`. */
  readonly payload: Uint8Array;
  readonly compression: 'gzip' | 'none';
  readonly tls?: TlsOptions;
}

/** How a synchronous POST ended. */
export type SynchronousPostOutcome =
  | { readonly kind: 'answered'; readonly statusCode: number }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'timed-out' };

/** Slot 0: the outcome (0 still waiting, then one of these); slot 1: the HTTP status code. */
const WAITING = 0;
const ANSWERED = 1;
const NETWORK_ERROR = 2;
const WORKER_ERROR = 3;

// The worker's whole program. Plain JavaScript in a string, so it runs the same from `dist/` and under
// any test transform, and needs no file of its own next to the bundle.
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.state);
let reported = false;
const report = (outcome, statusCode) => {
  if (reported) return;
  reported = true;
  Atomics.store(flag, 1, statusCode);
  Atomics.store(flag, 0, outcome);
  Atomics.notify(flag, 0);
};
try {
  const url = new URL(workerData.url);
  const secure = url.protocol === 'https:';
  const { request } = require(secure ? 'node:https' : 'node:http');
  const payload = workerData.compression === 'gzip' ? require('node:zlib').gzipSync(workerData.payload) : workerData.payload;
  const options = { method: 'POST', headers: { ...workerData.headers, 'content-length': String(payload.length) } };
  if (secure && workerData.tls) Object.assign(options, workerData.tls);
  const req = request(url, options, (res) => {
    res.on('error', () => report(${ANSWERED}, res.statusCode || 0));
    res.on('end', () => report(${ANSWERED}, res.statusCode || 0));
    res.resume();
  });
  req.on('error', () => report(${NETWORK_ERROR}, 0));
  req.end(payload);
} catch {
  report(${WORKER_ERROR}, 0);
}
`;

/**
 * Posts `request` and blocks the calling thread until it is answered, fails, or `timeoutMillis`
 * passes. Never throws.
 *
 * @example
 * ```ts
 * process.on('exit', () => {
 *   const outcome = postSynchronously({ url, headers, payload, compression: 'none' }, 2000);
 *   // outcome.kind: 'answered' (with statusCode), 'failed' or 'timed-out'
 * });
 * ```
 */
export function postSynchronously(request: SynchronousPost, timeoutMillis: number): SynchronousPostOutcome {
  const state = new SharedArrayBuffer(8);
  const flag = new Int32Array(state);
  let worker: Worker;
  try {
    // Loaded here, at exit, the one time it is needed, rather than with otelite.
    const { Worker: WorkerThread } = process.getBuiltinModule('node:worker_threads');
    worker = new WorkerThread(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: {
        state,
        url: request.url.href,
        headers: { ...request.headers },
        payload: request.payload,
        compression: request.compression,
        tls: request.tls,
      },
    });
    // Outside `exit` (a caller in the middle of a program), the worker must not keep the process alive either.
    worker.unref();
    worker.on('error', () => undefined);
  } catch (error) {
    return { kind: 'failed', reason: `could not start the sending thread: ${error instanceof Error ? error.message : String(error)}` };
  }
  Atomics.wait(flag, 0, WAITING, timeoutMillis);
  const outcome = Atomics.load(flag, 0);
  if (outcome === WAITING) {
    void worker.terminate().catch(() => undefined);
    return { kind: 'timed-out' };
  }
  if (outcome === ANSWERED) return { kind: 'answered', statusCode: Atomics.load(flag, 1) };
  return { kind: 'failed', reason: outcome === NETWORK_ERROR ? 'the request failed (network error)' : 'the sending thread failed' };
}

/** Forking helpers shared by run.mjs and the multi-process HTTP case. */

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../child.mjs', import.meta.url));

/**
 * Runs one side of a case in a fresh process (bench/child.mjs) and resolves with what it sends back.
 * Rejects on an error report, a crash or after `timeoutMillis`. `execPath` runs it on another Node binary.
 */
export function runSide(caseId, side, settings, { execArgv = [], execPath, timeoutMillis = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [caseId, side, JSON.stringify(settings)], {
      execArgv,
      execPath,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    let message;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${caseId}/${side} timed out after ${timeoutMillis} ms`));
    }, timeoutMillis);
    child.on('message', (m) => {
      message = m;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (message?.ok) resolve(message.result);
      else if (message) reject(new Error(`${caseId}/${side}: ${message.error}`));
      else reject(new Error(`${caseId}/${side} exited (${signal ?? code}) without a result\n${stderr}`));
    });
  });
}

/**
 * Forks a long-lived helper process (receiver, server, load generator) and resolves with the child and
 * the first message it sends (its "ready" report). `execPath` runs it on another Node binary. With
 * `captureStdout`, the child's standard output is kept whole (what V8's tracing flags print) and read
 * with `stdout()`; otherwise it goes to this process's.
 */
export function startHelper(file, args, { execArgv = [], env, execPath, timeoutMillis = 20_000, captureStdout = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(file, args, {
      execArgv,
      execPath,
      env: env ?? process.env,
      stdio: ['ignore', captureStdout ? 'pipe' : 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    let stdout = '';
    if (captureStdout) {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not report ready within ${timeoutMillis} ms\n${stderr}`));
    }, timeoutMillis);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${signal ?? code}) before it was ready\n${stderr}`));
    };
    child.once('exit', onExit);
    child.once('message', (ready) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (ready?.error) {
        child.kill('SIGKILL');
        reject(new Error(ready.error));
      } else resolve({ child, ready, stderr: () => stderr, stdout: () => stdout });
    });
  });
}

/** Sends `message` to a helper and resolves with its next reply. */
export function ask(child, message, timeoutMillis = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no reply to ${JSON.stringify(message)} within ${timeoutMillis} ms`));
    }, timeoutMillis);
    const onMessage = (reply) => {
      clearTimeout(timer);
      resolve(reply);
    };
    child.once('message', onMessage);
    child.send(message);
  });
}

/** Kills a helper and waits for it to exit. */
export function stopHelper(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * The inline-cache states (V8's feedback: monomorphic, polymorphic, megamorphic) that the saturated
 * server's hot functions end up with, per variant, side by side: whether a tracer makes a load or store
 * site in Node's own HTTP, stream, event and async_hooks code (or in its own code) polymorphic or
 * megamorphic where another variant leaves it monomorphic. It answers, without sampling noise, what
 * `perf` cannot tell apart from inlining and sampling differences: which sites turned megamorphic.
 *
 *   node bench/experiments/ic-states.mjs [variants] [seconds]
 *   BENCH_NODES=24.22.3 node bench/experiments/ic-states.mjs floor,otelite 3
 *
 * Each variant of bench/saturated/server.cjs (default `floor,otelite`) runs under
 * `--allow-natives-syntax --expose-internals` with this file imported first (`--import`), which
 * captures the first request's response (at `http.server.response.finish`, before any tracer's
 * subscriber), its socket, server and parser. After a `wrk -t1 -c32` burst, the server prints V8's
 * `%DebugPrint` of every function it can reach: the prototype methods of the HTTP, stream, socket and
 * event classes, the functions of Node's internal HTTP, stream, timer and async_hooks modules, the
 * socket's and server's listeners, the parser's callbacks, the channels' subscribers, and the
 * prototypes of any object a tracer keeps on the response under a symbol (with a `span`: its span's
 * and tracer's). Functions Node keeps private (`parserOnIncoming`, `resOnFinish`) are not reachable.
 * Prints the count of polymorphic and megamorphic sites per variant, then every site whose state differs
 * between variants (functions named by where they were found, sites by feedback slot number).
 * `IC_STATES_SHOW=<text>` also lists, per variant, every site not monomorphic in the functions whose label
 * contains the text (`kept on response`: the tracer's per-request object and its span; `subscriber`).
 * `BENCH_OTELITE_DIST` picks the build.
 */

import { fileURLToPath } from 'node:url';
import { startHelper, stopHelper } from '../lib/fork.mjs';
import { experimentNode } from '../lib/node-binaries.mjs';
import { OTELITE_DIST } from '../lib/otelite.mjs';
import { findWrk, runWrk } from '../lib/wrk.mjs';

const SELF = fileURLToPath(import.meta.url);
const RECEIVER = fileURLToPath(new URL('../http/receiver.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../saturated/server.cjs', import.meta.url));
const DUMP_BEGIN = '@@ic-states function ';
const DUMP_END = '@@ic-states end';

if (process.env.IC_STATES_IN_SERVER === '1') {
  await installInServer();
} else {
  await main();
}

/** In the server process: capture one request's objects; on `{ type: 'ic-states' }`, print the functions' feedback. */
async function installInServer() {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const diagnosticsChannel = require('node:diagnostics_channel');
  const { writeSync } = require('node:fs');
  // Parsed here, where the flag is on; this file itself must parse without it.
  const debugPrint = new Function('f', '%DebugPrint(f)');
  let sample;
  const onFinish = (message) => {
    if (sample !== undefined) return;
    const { request, response, socket, server } = message;
    const kept = [];
    for (const key of Object.getOwnPropertySymbols(response)) {
      const value = response[key];
      if (value !== null && typeof value === 'object') kept.push(value);
    }
    sample = { request, response, socket: socket ?? request.socket, server, kept };
    diagnosticsChannel.unsubscribe('http.server.response.finish', onFinish);
  };
  diagnosticsChannel.subscribe('http.server.response.finish', onFinish);
  process.on('message', (message) => {
    if (message?.type !== 'ic-states') return;
    for (const [label, fn] of reachableFunctions(require, sample)) {
      // Written synchronously, as %DebugPrint writes (a pipe's asynchronous writes would come after it).
      writeSync(1, `${DUMP_BEGIN}${label}\n`);
      debugPrint(fn);
    }
    writeSync(1, `${DUMP_END}\n`);
  });
}

/** `[label, function]` of every function reachable from Node's modules and the sampled request, once each. */
function reachableFunctions(require, sample) {
  const found = [];
  const seen = new Set();
  const add = (label, fn) => {
    // %DebugPrint of net.Socket crashed Node 20.20.2 in an otelite server: left out.
    if (typeof fn !== 'function' || seen.has(fn) || label === 'Socket.constructor') return;
    seen.add(fn);
    found.push([label, fn]);
  };
  const addPrototype = (label, prototype) => {
    if (prototype === null || prototype === Object.prototype) return;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
      add(`${label}.${key}`, descriptor.value);
      add(`${label}.get ${key}`, descriptor.get);
      add(`${label}.set ${key}`, descriptor.set);
    }
  };
  const addPrototypeChain = (label, object) => {
    for (let prototype = Object.getPrototypeOf(object); prototype !== null && prototype !== Object.prototype; ) {
      addPrototype(`${label}:${prototype.constructor?.name ?? '?'}`, prototype);
      prototype = Object.getPrototypeOf(prototype);
    }
  };
  const http = require('node:http');
  const net = require('node:net');
  const stream = require('node:stream');
  const events = require('node:events');
  addPrototype('OutgoingMessage', http.OutgoingMessage.prototype);
  addPrototype('ServerResponse', http.ServerResponse.prototype);
  addPrototype('IncomingMessage', http.IncomingMessage.prototype);
  addPrototype('Readable', stream.Readable.prototype);
  addPrototype('Writable', stream.Writable.prototype);
  addPrototype('Duplex', stream.Duplex.prototype);
  addPrototype('EventEmitter', events.EventEmitter.prototype);
  addPrototype('Socket', net.Socket.prototype);
  const modules = [
    '_http_server',
    '_http_common',
    '_http_outgoing',
    '_http_incoming',
    'async_hooks',
    'diagnostics_channel',
    'timers',
    'internal/async_hooks',
    'internal/timers',
    'internal/process/task_queues',
    'internal/fixed_queue',
    'internal/stream_base_commons',
    'internal/streams/destroy',
    'internal/streams/end-of-stream',
    'internal/streams/readable',
    'internal/streams/writable',
  ];
  for (const name of modules) {
    let exports;
    try {
      exports = require(name);
    } catch {
      continue; // not in this Node version
    }
    for (const key of Object.keys(exports)) {
      const value = exports[key];
      if (typeof value !== 'function') continue;
      add(`${name}:${key}`, value);
      if (value.prototype !== undefined) addPrototype(`${name}:${key}.prototype`, value.prototype);
    }
  }
  for (const name of ['http.server.request.start', 'http.server.response.finish']) {
    const subscribers = require('node:diagnostics_channel').channel(name)._subscribers ?? [];
    for (const subscriber of subscribers) add(`subscriber ${name}:${subscriber.name}`, subscriber);
  }
  if (sample === undefined) return found;
  for (const [owner, emitter] of [
    ['server', sample.server],
    ['socket', sample.socket],
  ]) {
    if (emitter === undefined || emitter === null) continue;
    for (const event of emitter.eventNames()) {
      for (const listener of emitter.rawListeners(event)) add(`${owner} listener ${String(event)}:${listener.name}`, listener);
    }
  }
  const parser = sample.socket?.parser;
  if (parser !== undefined && parser !== null) {
    for (let index = 0; index < 8; index++) add(`parser[${index}]:${parser[index]?.name}`, parser[index]);
  }
  for (const object of sample.kept) {
    addPrototypeChain('kept on response', object);
    if (object.span !== null && typeof object.span === 'object') addPrototypeChain('its span', object.span);
  }
  return found;
}

/** `Map<"label #slot kind", state>` from a server's `%DebugPrint` output. */
function parseStates(output) {
  const states = new Map();
  let label;
  for (const line of output.split('\n')) {
    if (line.startsWith(DUMP_BEGIN)) {
      label = line.slice(DUMP_BEGIN.length);
      continue;
    }
    const match = /^ - slot #(\d+) (\w+) ([A-Z_]+)/.exec(line);
    if (match !== null && label !== undefined) states.set(`${label} #${match[1]} ${match[2]}`, match[3]);
  }
  return states;
}

async function statesOf(node, variant, receiverBase, wrk, seconds) {
  const server = await startHelper(SERVER, [variant, receiverBase, OTELITE_DIST], {
    execPath: node.path,
    execArgv: ['--allow-natives-syntax', '--expose-internals', '--import', SELF],
    env: { ...process.env, IC_STATES_IN_SERVER: '1' },
    captureStdout: true,
  });
  const { child, ready } = server;
  try {
    await runWrk(wrk.path, `http://127.0.0.1:${ready.port}/`, { seconds });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${variant}: no IC states after 60 s`)), 60_000);
      child.stdout.on('data', () => {
        if (server.stdout().includes(DUMP_END)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.send({ type: 'ic-states' });
    });
    return parseStates(server.stdout());
  } finally {
    await stopHelper(child);
  }
}

async function main() {
  const [variantsArg, secondsArg] = process.argv.slice(2);
  const variants = (variantsArg ?? 'floor,otelite').split(',');
  const seconds = Number(secondsArg) || 3;
  const node = experimentNode();
  const wrk = findWrk();
  if (wrk.skipped || node.skipped) throw new Error(wrk.skipped ?? node.skipped);
  const receiver = await startHelper(RECEIVER, []);
  const byVariant = new Map();
  try {
    const base = `http://127.0.0.1:${receiver.ready.port}`;
    for (const variant of variants) byVariant.set(variant, await statesOf(node, variant, base, wrk, seconds));
  } finally {
    await stopHelper(receiver.child);
  }
  console.log(`Node ${node.version}, after ${seconds} s of wrk -t1 -c32: feedback slots by state`);
  for (const [variant, states] of byVariant) {
    const count = (state) => [...states.values()].filter((value) => value === state).length;
    console.log(
      `${variant.padEnd(20)} sites ${String(states.size).padStart(6)}  polymorphic ${String(count('POLYMORPHIC')).padStart(4)}  megamorphic ${String(count('MEGAMORPHIC')).padStart(4)}  generic calls ${String(count('GENERIC')).padStart(4)}`,
    );
  }
  const interesting = new Set(['POLYMORPHIC', 'MEGAMORPHIC', 'GENERIC']);
  const sites = new Set([...byVariant.values()].flatMap((states) => [...states.keys()]));
  const rows = [];
  for (const site of sites) {
    const values = variants.map((variant) => byVariant.get(variant).get(site) ?? '-');
    if (new Set(values).size > 1 && values.some((value) => interesting.has(value))) rows.push([site, values]);
  }
  rows.sort((a, b) => a[0].localeCompare(b[0]));
  console.log(`\nsites not monomorphic in some variant whose states differ (${variants.join(' | ')}; - : function not reached):`);
  for (const [site, values] of rows) console.log(`${values.map((value) => value.slice(0, 11).padEnd(12)).join('')} ${site}`);
  const show = process.env.IC_STATES_SHOW;
  if (show === undefined || show === '') return;
  for (const [variant, states] of byVariant) {
    const shown = [...states].filter(([site]) => site.includes(show));
    const functions = new Set(shown.map(([site]) => site.slice(0, site.lastIndexOf(' #'))));
    console.log(`\n${variant}: ${functions.size} functions, ${shown.length} sites matching "${show}"; those not monomorphic:`);
    for (const [site, state] of shown) if (interesting.has(state)) console.log(`${state.padEnd(12)} ${site}`);
  }
}

/**
 * One cold start of what otelite's startup stands on and cannot avoid: `require('@opentelemetry/api')`
 * (the peer dependency, from this project's node_modules, the copy otelite loads) and `node:http` (its
 * transport and instrumentation), timed like bench/startup/otelite.mjs, from this module's first line.
 * The startup case subtracts it from otelite's figure: otelite's own share. `node:https` is left out:
 * otelite loads it only for an `https:` endpoint, which the startup script does not use.
 * Prints `{ readyMillis, cpuMillis, sinceProcessStartMillis }`.
 *
 *   node bench/startup/baseline.mjs <otelite-dist>   (the argument is ignored)
 */
const start = performance.now();
const cpuStart = process.cpuUsage();
// As otelite's Node entry loads them: the API through require() (its CommonJS build, the copy every
// CommonJS library shares; an ES import of it costs ~5 ms more here), node:http from
// process.getBuiltinModule (an ES import builds the module's facade, which on Node 22+ reads its lazy
// WebSocket getters and so loads undici, node:tls and more: ~20 ms that otelite does not pay).
const { createRequire } = process.getBuiltinModule('node:module');
const api = createRequire(import.meta.url)('@opentelemetry/api');
const http = process.getBuiltinModule('node:http');
if (typeof api.trace?.getTracer !== 'function' || typeof http.request !== 'function') throw new Error('not loaded');
const ready = performance.now();
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ readyMillis: ready - start, cpuMillis: (cpu.user + cpu.system) / 1000, sinceProcessStartMillis: ready }));
process.exit(0);

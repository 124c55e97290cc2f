/**
 * One cold start of what otelite's startup stands on and cannot avoid: `import('@opentelemetry/api')`
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
const api = await import('@opentelemetry/api');
const http = await import('node:http');
if (typeof api.trace?.getTracer !== 'function' || typeof http.request !== 'function') throw new Error('not loaded');
const ready = performance.now();
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ readyMillis: ready - start, cpuMillis: (cpu.user + cpu.system) / 1000, sinceProcessStartMillis: ready }));
process.exit(0);

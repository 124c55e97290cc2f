/**
 * One cold start of otelite: `import` of the built entry + `init()` exporting OTLP/protobuf, timed from
 * this module's first line to ready. Prints `{ readyMillis, cpuMillis, sinceProcessStartMillis }`.
 *
 *   node bench/startup/otelite.mjs <otelite-dist>
 */
const start = performance.now();
const cpuStart = process.cpuUsage();
const { join } = await import('node:path');
const { pathToFileURL } = await import('node:url');
const otelite = await import(pathToFileURL(join(process.argv[2], 'src', 'index.js')).href);
otelite.init({ endpoint: 'http://127.0.0.1:4318', serviceName: 'otelite-bench', shutdownHooks: false });
const ready = performance.now();
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ readyMillis: ready - start, cpuMillis: (cpu.user + cpu.system) / 1000, sinceProcessStartMillis: ready }));
process.exit(0);

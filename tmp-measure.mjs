import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const t0 = performance.now(); const c0 = process.cpuUsage();
const { parseConfiguration } = createRequire(import.meta.url)('#otelite/configuration-parser');
const t1 = performance.now();
const text = readFileSync('bench/startup/otelite-config.yaml', 'utf8');
const r = parseConfiguration(text, (n) => process.env[n]);
const t2 = performance.now(); const c = process.cpuUsage(c0);
console.log(JSON.stringify({ load: +(t1 - t0).toFixed(2), parse: +(t2 - t1).toFixed(2), cpu: (c.user + c.system) / 1000, ok: r.ok }));

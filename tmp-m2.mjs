import { createRequire } from 'node:module';
const req = createRequire(import.meta.url);
const c0 = process.cpuUsage();
req('/tmp/cfg/tiny.mjs');
const c1 = process.cpuUsage(c0);
const c2s = process.cpuUsage();
const m = req('#otelite/configuration-parser');
const c2 = process.cpuUsage(c2s);
const c3s = process.cpuUsage();
m.parseConfiguration('file_format: "1.1"\n', () => undefined);
const c3 = process.cpuUsage(c3s);
const c4s = process.cpuUsage();
m.parseConfiguration(require_text(), () => undefined);
const c4 = process.cpuUsage(c4s);
function require_text() { return req('node:fs').readFileSync('bench/startup/otelite-config.yaml','utf8'); }
const ms = (c) => ((c.user + c.system) / 1000).toFixed(1);
console.log('tiny esm require', ms(c1), 'parser load', ms(c2), 'first parse', ms(c3), 'second parse', ms(c4));

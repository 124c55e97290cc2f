// Where this line's packages resolve from: the app's own imports, and otelite's import of its peer.
const { createRequire } = require('node:module');

const names = (process.env.COMPAT_PROBE ?? '').split(',').filter(Boolean);
const fromApp = Object.fromEntries(names.map((name) => [name, require.resolve(name)]));
const otelite = require.resolve('otelite');
const fromOtelite = createRequire(otelite).resolve('@opentelemetry/api');
console.log(JSON.stringify({ fromApp, otelite, fromOtelite }));

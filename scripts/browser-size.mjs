#!/usr/bin/env node
// The size of otelite in a browser bundle, as an application would ship it: `init` (core, batch
// processor, OTLP exporter over fetch, fetch instrumentation, stack context manager) from the `browser`
// export condition, minified by esbuild, then gzipped; and the same for the workerd entry. Needs
// `npm run build` first (the web-standard entries stay tsc's unbundled ESM there, so the figures are what an
// application's bundler makes of them). The browser section of docs/runtimes.md quotes the first line.
// usage: node scripts/browser-size.mjs [--json]
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cases = {
  'init (core + OTLP/fetch exporter + fetch spans)': { contents: "export { init } from 'otelite';", conditions: [] },
  'core only (provider + in-memory exporter)': {
    contents: "export { TracerProvider, SimpleSpanProcessor, InMemorySpanExporter } from 'otelite';",
    conditions: [],
  },
  'workerd: init + traceFetchHandler': { contents: "export { init, traceFetchHandler } from 'otelite';", conditions: ['workerd'] },
};
const results = {};
for (const [name, { contents, conditions }] of Object.entries(cases)) {
  const output = await build({
    conditions,
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['@opentelemetry/api'],
    metafile: true,
    logLevel: 'silent',
  });
  const code = output.outputFiles[0].contents;
  const protobuf = Object.entries(output.metafile.outputs)[0][1].inputs;
  let protobufBytes = 0;
  for (const [file, input] of Object.entries(protobuf)) if (file.includes('@bufbuild/protobuf')) protobufBytes += input.bytesInOutput;
  results[name] = {
    minifiedBytes: code.length,
    gzippedBytes: gzipSync(code, { level: 9 }).length,
    protobufRuntimeMinifiedBytes: protobufBytes,
  };
}
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else
  for (const [name, r] of Object.entries(results))
    console.log(
      `${name}: ${(r.minifiedBytes / 1024).toFixed(1)} KiB minified, ${(r.gzippedBytes / 1024).toFixed(1)} KiB gzipped (@bufbuild/protobuf: ${(r.protobufRuntimeMinifiedBytes / 1024).toFixed(1)} KiB of the minified)`,
    );

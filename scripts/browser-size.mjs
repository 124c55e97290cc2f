#!/usr/bin/env node
// The size of otelite in a browser bundle, as an application ships it. The first case is a page as users
// write it: `init()` (core, batch processor, OTLP exporter over fetch, fetch spans, stack context
// manager) and a traced click handler that calls `fetch`, with `@opentelemetry/api` bundled (it ships in
// the page too), from the `browser` export condition, minified by esbuild for production
// (`process.env.NODE_ENV` defined), then gzipped; the same page's otelite share is the second line
// (`@opentelemetry/api` left external). Then the core alone and the workerd entry. Needs `npm run build`
// first (the web-standard entries stay tsc's unbundled ESM there, so the figures are what an
// application's bundler makes of them). The pages are bundled by esbuild and again by Vite. The browser
// section of docs/runtimes.md quotes these lines.
// usage: node scripts/browser-size.mjs [--json]
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const page = `
import { init } from 'otelite';
import { trace } from '@opentelemetry/api';

init({ serviceName: 'shop-web', endpoint: 'https://collector.example.com' });
const tracer = trace.getTracer('shop-web');
document.querySelector('#buy')?.addEventListener('click', () =>
  tracer.startActiveSpan('buy', async (span) => {
    try {
      await fetch('/api/cart', { method: 'POST' });
    } finally {
      span.end();
    }
  }),
);
`;
const cases = {
  'page: init() + a traced fetch, @opentelemetry/api bundled': { contents: page, conditions: undefined, external: [] },
  'the same page, otelite only (@opentelemetry/api external)': { contents: page, conditions: undefined, external: ['@opentelemetry/api'] },
  'core only (provider + in-memory exporter)': {
    contents: "export { TracerProvider, SimpleSpanProcessor, InMemorySpanExporter } from 'otelite';",
    conditions: undefined,
    external: ['@opentelemetry/api'],
  },
  'workerd: init + traceFetchHandler': {
    contents: "export { init, traceFetchHandler } from 'otelite';",
    conditions: ['workerd'],
    external: ['@opentelemetry/api'],
  },
};
// `conditions` undefined keeps esbuild's defaults (`browser`, `module`, `import`), as a page's bundler
// resolves packages; setting any list would drop `module` and pull @opentelemetry/api's CommonJS build.
const results = {};
for (const [name, { contents, conditions, external }] of Object.entries(cases)) {
  const output = await build({
    conditions,
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    external,
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
// The same page built by Vite (Rolldown, its default minifier), the bundler most pages are built with:
// a production `vite build` of the page as its only input, the figure being the entry chunk gzipped.
const { build: viteBuild } = await import('vite');
const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
const { join } = await import('node:path');
for (const [name, external] of [
  ['page, built by Vite: init() + a traced fetch, @opentelemetry/api bundled', []],
  ['the same page built by Vite, otelite only (@opentelemetry/api external)', ['@opentelemetry/api']],
]) {
  // Inside the project, so that `otelite` resolves to this checkout through its own exports.
  const dir = mkdtempSync(join(root, 'node_modules', '.browser-size-'));
  try {
    writeFileSync(join(dir, 'page.js'), page);
    const built = await viteBuild({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
      build: { write: false, modulePreload: false, rollupOptions: { input: join(dir, 'page.js'), external } },
    });
    const chunks = (Array.isArray(built) ? built[0] : built).output.filter((output) => output.type === 'chunk');
    if (chunks.length !== 1) throw new Error(`expected one chunk from Vite, got ${chunks.map((chunk) => chunk.fileName).join(', ')}`);
    const code = Buffer.from(chunks[0].code);
    results[name] = { minifiedBytes: code.length, gzippedBytes: gzipSync(code, { level: 9 }).length, protobufRuntimeMinifiedBytes: 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else
  for (const [name, r] of Object.entries(results))
    console.log(
      `${name}: ${(r.minifiedBytes / 1024).toFixed(1)} KiB minified, ${(r.gzippedBytes / 1024).toFixed(1)} KiB gzipped (@bufbuild/protobuf: ${(r.protobufRuntimeMinifiedBytes / 1024).toFixed(1)} KiB of the minified)`,
    );

#!/usr/bin/env node
// The size of otelite in a browser page, measured the way an application gets it: this checkout is packed
// (`npm pack`, so only what the package ships and its `exports` count), the tarball is installed into a
// scratch app under the temp directory together with the newest `@opentelemetry/api` within otelite's
// peer range (with `--offline`, or when the registry cannot be reached, the version the devDependencies
// pin, from npm's cache), and a page as users write it is built there with the bundlers' defaults:
//
//   - esbuild's CLI as typed: `esbuild page.js --bundle --minify` (its default format for a browser
//     bundle, an IIFE; minifying defines `process.env.NODE_ENV` as "production");
//   - `vite build` with the page behind an `index.html` and no config file (the JS of the output,
//     including Vite's module-preload polyfill).
//
// The page: `init()` (core, batch processor, OTLP exporter over `fetch`, fetch spans, stack context
// manager) and a traced click handler that calls `fetch`, with `@opentelemetry/api` bundled (it ships in
// the page too). Sizes are of the minified JS, gzipped at level 9. The figure that counts is the largest
// of the user-like builds. Then otelite's share (the API left external) and, with the esbuild API on the
// same installed files, the core alone and the workerd entry. The scratch app is `"type": "module"`,
// as Vite's templates write it; `--commonjs-app` adds the same builds in an app whose package.json says
// `"type": "commonjs"` (what `npm init -y` writes with npm 11), where both bundlers treat the page as
// CommonJS despite its `import`s and wrap every module it reaches. Needs `npm run build` first. The browser
// section of docs/runtimes.md quotes these lines.
// usage: node scripts/browser-size.mjs [--json] [--offline] [--commonjs-app] [--keep]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
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
const html = '<!doctype html>\n<button id="buy">Buy</button>\n<script type="module" src="/page.js"></script>\n';
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const figures = (bytes) => ({ minifiedBytes: bytes.length, gzippedBytes: gzip(bytes) });
const run = (command, argv, cwd) => execFileSync(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const esbuildBin = join(root, 'node_modules', 'esbuild', 'bin', 'esbuild');
const viteBin = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

const scratch = mkdtempSync(join(tmpdir(), 'otelite-browser-size-'));
const results = {};
try {
  const tarball = join(scratch, run(npm, ['pack', '--silent', '--pack-destination', scratch], root).trim().split('\n').pop());
  const peerRange = readJson(join(root, 'package.json')).peerDependencies['@opentelemetry/api'];
  const pinned = readJson(join(root, 'node_modules', '@opentelemetry', 'api', 'package.json')).version;

  /** A scratch app with the tarball and the API installed; returns its directory and the API version. */
  const makeApp = (name, type) => {
    const app = join(scratch, name);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name, private: true, type }, null, 2)}\n`);
    writeFileSync(join(app, 'page.js'), page);
    writeFileSync(join(app, 'index.html'), html);
    const install = (api, offline) =>
      run(npm, ['install', '--no-audit', '--no-fund', ...(offline ? ['--offline'] : []), tarball, `@opentelemetry/api@${api}`], app);
    let source = `newest in the peer range ${peerRange}`;
    if (args.has('--offline')) {
      install(pinned, true);
      source = `the devDependencies' pin, offline`;
    } else
      try {
        install(peerRange, false);
      } catch {
        install(pinned, true);
        source = `the devDependencies' pin, registry not reached`;
      }
    const api = readJson(join(app, 'node_modules', '@opentelemetry', 'api', 'package.json')).version;
    return { app, api: `${api} (${source})` };
  };

  /** `esbuild page.js --bundle --minify` as typed, in the app; more flags for the share. */
  const esbuildCli = (app, flags = []) => {
    const out = join(app, 'out', 'esbuild.js');
    run(esbuildBin, ['page.js', '--bundle', '--minify', ...flags, `--outfile=${out}`, '--log-level=error'], app);
    return figures(readFileSync(out));
  };

  /** `vite build` in the app, optionally with a config leaving the API external; all JS of the output. */
  const viteBuild = (app, external) => {
    const outDir = join(app, 'out', 'vite');
    const config = join(app, 'vite.config.js');
    if (external) writeFileSync(config, "export default { build: { rollupOptions: { external: ['@opentelemetry/api'] } } };\n");
    try {
      run(process.execPath, [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], app);
    } finally {
      rmSync(config, { force: true });
    }
    const assets = join(outDir, 'assets');
    const scripts = readdirSync(assets).filter((file) => file.endsWith('.js'));
    if (scripts.length !== 1) throw new Error(`expected one script from vite build, got ${scripts.join(', ')}`);
    return figures(readFileSync(join(assets, scripts[0])));
  };

  const apps = [['page-app', 'module', '']];
  if (args.has('--commonjs-app')) apps.push(['page-app-commonjs', 'commonjs', ', app "type": "commonjs"']);
  let firstApp;
  for (const [name, type, label] of apps) {
    const { app, api } = makeApp(name, type);
    firstApp ??= { app, api };
    results[`page, esbuild CLI --bundle --minify (iife)${label}`] = { ...esbuildCli(app), api };
    results[`page, vite build (index.html, no config)${label}`] = { ...viteBuild(app, false), api };
    results[`the same page, otelite only: esbuild CLI --format=esm --external:@opentelemetry/api${label}`] = esbuildCli(app, [
      '--format=esm',
      '--external:@opentelemetry/api',
    ]);
    results[`the same page, otelite only: vite build, @opentelemetry/api external${label}`] = viteBuild(app, true);
  }

  // The core alone and the workerd entry, with the esbuild API on the same installed files.
  for (const [name, contents, conditions] of [
    [
      'core only (provider + in-memory exporter), esbuild',
      "export { TracerProvider, SimpleSpanProcessor, InMemorySpanExporter } from 'otelite';",
    ],
    ['workerd: init + traceFetchHandler, esbuild', "export { init, traceFetchHandler } from 'otelite';", ['workerd']],
  ]) {
    const output = await build({
      stdin: { contents, resolveDir: firstApp.app, loader: 'js' },
      conditions,
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      external: ['@opentelemetry/api'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.values(output.metafile.outputs)[0].inputs;
    let protobuf = 0;
    for (const [file, input] of Object.entries(inputs)) if (file.includes('@bufbuild/protobuf')) protobuf += input.bytesInOutput;
    results[name] = { ...figures(output.outputFiles[0].contents), protobufRuntimeMinifiedBytes: protobuf };
  }
} finally {
  if (args.has('--keep')) console.error(`scratch apps kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}

if (args.has('--json')) console.log(JSON.stringify(results));
else
  for (const [name, r] of Object.entries(results))
    console.log(
      `${name}: ${(r.gzippedBytes / 1024).toFixed(1)} KiB gzipped (${r.gzippedBytes} B), ${(r.minifiedBytes / 1024).toFixed(1)} KiB minified` +
        (r.api ? `; @opentelemetry/api ${r.api}` : '') +
        (r.protobufRuntimeMinifiedBytes !== undefined ? `; @bufbuild/protobuf ${r.protobufRuntimeMinifiedBytes} B of it` : ''),
    );

/**
 * Bundles every file package.json's `exports` map and `bin` point at, in place in dist/ (after `tsc`
 * emitted them): one module per entry plus chunks shared between entries (dist/src/chunks/), so an
 * `import 'otelite'` loads a handful of files instead of ~170 small modules, and one copy of every
 * internal module still backs every entry. `@opentelemetry/api` (the peer dependency, shared with the
 * application) stays external, loaded with `require()` (see `apiThroughRequire`); `@bufbuild/protobuf` is bundled in (only the parts otelite uses), which
 * saves its ~55 modules at load. The Node entry imports the schema fallback encoder dynamically (see
 * src/index.ts), so the generated schema and that runtime land in chunks only that import reaches
 * (chunks/schema-fallback-encoder-*.js and what it imports), loaded by the first encoding, not by
 * `import 'otelite'`; test/package/startup.test.ts checks what the entry loads. The unbundled files tsc
 * emitted stay next to the entries, with the `.d.ts` files, for the types. Run by `npm run build`.
 *
 * The web-standard entries (the `browser`, `workerd`/`worker` and `default` conditions, all under
 * dist/src/platform/{browser,workerd,web}/) are NOT bundled: they stay tsc's one-module-per-file ESM,
 * so an application's own bundler tree-shakes otelite (a pre-bundled entry would hand it one opaque
 * module with everything in it). Nothing they import is an entry that gets bundled in place.
 *
 *   node scripts/bundle.mjs
 */

import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Every `./dist/src/...js` target in the exports map (all conditions) and bin. */
function entryFiles() {
  const files = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (/^\.\/dist\/src\/.*\.(js|mjs)$/.test(value)) files.add(value.slice(2));
    } else if (value !== null && typeof value === 'object') {
      for (const nested of Object.values(value)) visit(nested);
    }
  };
  visit(manifest.exports);
  visit(manifest.bin);
  visit(manifest.main);
  return [...files];
}

/** Entries left as tsc emitted them (see above). */
const UNBUNDLED = /^dist\/src\/platform\/(browser|edge|workerd|web)\//;

const entries = entryFiles().filter((file) => !UNBUNDLED.test(file));
const missing = entries.filter((file) => !existsSync(`${root}/${file}`));
if (missing.length > 0) {
  console.error(`bundle: not built by tsc: ${missing.join(', ')}`);
  process.exit(1);
}

rmSync(`${root}/dist/src/chunks`, { recursive: true, force: true }); // chunks of an earlier build

const API = '@opentelemetry/api';

/**
 * `@opentelemetry/api` stays the application's (it is not bundled), but the bundles load it with
 * `require()` (through `createRequire`) instead of `import`: the package is CommonJS, and an `import` of
 * it makes Node's ESM loader lex its index and every file it re-exports for named exports first, which
 * on this project's bench machine was 15–20 ms of a 90 ms start. `require()` returns the same module
 * instance the application's own `import` or `require` of the package gets (one CommonJS cache), and
 * copies of the API share their global registrations anyway. The named exports are those of the API
 * version installed at build time (the peer range's floor or later); otelite imports only names 1.9.0
 * has.
 */
const apiThroughRequire = {
  name: 'otelite-api-through-require',
  setup(build) {
    const names = Object.keys(createRequire(`${root}/package.json`)(API)).filter(
      (name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name),
    );
    build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({ path: API, namespace: 'otelite-api' }));
    build.onLoad({ filter: /.*/, namespace: 'otelite-api' }, () => ({
      loader: 'js',
      resolveDir: root,
      contents: [
        "import { createRequire } from 'node:module';",
        `const api = createRequire(import.meta.url)(${JSON.stringify(API)});`,
        `export const { ${names.join(', ')} } = api;`,
        'export default api;',
      ].join('\n'),
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: 'dist/src',
  outbase: 'dist/src',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(manifest.peerDependencies ?? {}).filter((name) => name !== API),
  plugins: [apiThroughRequire],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  // Whitespace and syntax only: V8 scans every byte of a module when it compiles it at import, and this
  // took ~8.5 M instructions (~9 % of otelite's own share) off `import` + `init()` on Node 20 (callgrind,
  // BENCHMARKS.md); identifiers stay, so class and function names (stack traces, `util.inspect`) are as written.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  sourcesContent: false, // the maps point at the tsc output shipped beside them
  logLevel: 'warning',
});

/**
 * The package-private `imports` targets (the configuration parser, which the Node platform loads with
 * `require()` only when OTEL_CONFIG_FILE names a file) are built apart: each one self-contained (no
 * chunk shared with the entries above: it holds no SDK state), minified, with the `yaml` package's
 * ES module build bundled in (its Node build is CommonJS and requires `process`, which an ES module
 * bundle cannot).
 */
const privateEntries = Object.values(manifest.imports ?? {})
  .filter((target) => typeof target === 'string' && /^\.\/dist\/src\/.*\.js$/.test(target))
  .map((target) => target.slice(2));
const yamlModuleBuild = {
  name: 'otelite-yaml-module-build',
  setup(build) {
    const target = createRequire(`${root}/package.json`)
      .resolve('yaml/package.json')
      .replace(/package\.json$/, 'browser/index.js');
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: target }));
  },
};
const yamlFolder = createRequire(`${root}/package.json`)
  .resolve('yaml/package.json')
  .replace(/package\.json$/, '');
const yamlPackage = JSON.parse(readFileSync(`${yamlFolder}package.json`, 'utf8'));
const yamlLicence = readFileSync(`${yamlFolder}LICENSE`, 'utf8');
await build({
  absWorkingDir: root,
  entryPoints: privateEntries,
  outdir: 'dist/src',
  outbase: 'dist/src',
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'node20',
  minify: true,
  plugins: [yamlModuleBuild],
  legalComments: 'none',
  // The bundled `yaml` package's licence (ISC) travels with its code.
  banner: { js: `/*! Includes yaml ${yamlPackage.version}: ${yamlLicence.trim().replaceAll('*/', '* /')} */` },
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});

// The trace viewer's page (src/viewer-page/, served by `otelite receive`): one browser bundle and its two
// static files in dist/src/viewer-page/. No SDK entry imports it; test/platform/web-bundle.test.ts checks.
const page = 'dist/src/viewer-page';
rmSync(`${root}/${page}`, { recursive: true, force: true });
mkdirSync(`${root}/${page}`, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/viewer-page/main.ts'],
  outfile: `${page}/viewer.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'viewer.css']) copyFileSync(`${root}/src/viewer-page/${file}`, `${root}/${page}/${file}`);

/**
 * Bundles every file package.json's `exports` map and `bin` point at, in place in dist/ (after `tsc`
 * emitted them): one module per entry plus chunks shared between entries (dist/src/chunks/), so an
 * `import 'otelite'` loads two files (the entry and one chunk, see `oneNodeChunk`) instead of ~170 small
 * modules, and one copy of every internal module still backs every entry. `@opentelemetry/api` (the peer dependency, shared with the
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
import { relative, resolve } from 'node:path';
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

/**
 * One chunk for everything the Node entry imports. esbuild's code splitting puts a module in the chunk
 * of the set of entries that reach it, so the Node entry's modules were spread over four chunks (the
 * parts `otelite/otlp`, `otelite/register`, the Bun and Deno entries, the CLI, the receiver and the
 * schema fallback each share with it), and `import 'otelite'` loaded five files. Two files (this
 * layout) cost 5.5 M instructions less on Node 20 and 10 M less on Node 24 for `import` + `init()`
 * (≈ 1.2 and 2.3 ms; callgrind, BENCHMARKS.md "Startup, accounted").
 * So every entry that shares a module with the Node entry (the Node entry too) is built through a
 * wrapper that also reaches all of the Node entry's modules (`otelite-core` below, never run: nothing
 * imports a name from it): those modules then have one set of entries, hence one chunk, still one copy
 * of each (one `installPlatform`, one set of failure counts, one exit registry), and dist/src/index.js
 * only re-exports from it. The price: an entry that used part of those modules (`otelite/otlp`, the
 * receiver, the CLI) now loads all of them, the Node entry's top-level code too (it installs the Node
 * platform and its defaults: registrations, nothing starts), as the Bun, Deno and register entries,
 * which import the Node entry, always did. Entries that share nothing with it (`otelite/proto`) are
 * built as they are.
 */
const NODE_ENTRY = 'dist/src/index.js';

/**
 * The modules a bundle of `file` holds, as esbuild names them in a metafile, and the files it imports
 * dynamically (left out of it, relative to the project).
 */
async function moduleGraph(file) {
  const dynamicImports = [];
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    external: Object.keys(manifest.peerDependencies ?? {}).filter((name) => name !== API),
    plugins: [
      apiThroughRequire,
      {
        name: 'otelite-no-dynamic-imports',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind !== 'dynamic-import') return undefined;
            dynamicImports.push(relative(root, resolve(args.resolveDir, args.path)));
            return { path: args.path, external: true };
          });
        },
      },
    ],
    logLevel: 'silent',
  });
  return { modules: new Set(Object.keys(metafile.inputs)), dynamicImports };
}

const nodeEntry = await moduleGraph(NODE_ENTRY);
const nodeModules = nodeEntry.modules;
/** Whether a bundle of `file` shares a module with the Node entry's (so must be built through the wrapper). */
const sharesWithNodeEntry = async (file) => [...(await moduleGraph(file)).modules].some((module) => nodeModules.has(module));
const wrapped = new Set();
// The Node entry's dynamic imports (the schema fallback encoder) are entries of the split build too.
for (const file of [...entries, ...nodeEntry.dynamicImports]) if (await sharesWithNodeEntry(file)) wrapped.add(file);

const oneNodeChunk = {
  name: 'otelite-one-node-chunk',
  setup(build) {
    const modulePath = (module) => (module.startsWith('otelite-api:') ? API : `${root}/${module}`);
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.namespace === 'otelite-entry' || (args.kind !== 'entry-point' && args.kind !== 'dynamic-import')) return undefined;
      const file = relative(root, resolve(args.kind === 'entry-point' ? root : args.resolveDir, args.path));
      return wrapped.has(file) ? { path: `${root}/${file}`, namespace: 'otelite-entry' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'otelite-entry' }, (args) => {
      // esbuild keeps an entry's hashbang (the CLI's): the wrapper is the entry now, so it carries it.
      const hashbang = /^#!.*\n/.exec(readFileSync(args.path, 'utf8'))?.[0] ?? '';
      return {
        loader: 'js',
        resolveDir: root,
        contents: `${hashbang}export * from ${JSON.stringify(args.path)};\nimport 'otelite-core';\n`,
      };
    });
    build.onResolve({ filter: /^otelite-core$/ }, () => ({ path: 'otelite-core', namespace: 'otelite-core' }));
    build.onLoad({ filter: /.*/, namespace: 'otelite-core' }, () => ({
      loader: 'js',
      resolveDir: root,
      contents: [...nodeModules].map((module) => `export * from ${JSON.stringify(modulePath(module))};`).join('\n'),
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: entries.map((file) => ({ in: file, out: file.replace(/^dist\/src\//, '').replace(/\.js$/, '') })),
  outdir: 'dist/src',
  outbase: 'dist/src',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(manifest.peerDependencies ?? {}).filter((name) => name !== API),
  plugins: [apiThroughRequire, oneNodeChunk],
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

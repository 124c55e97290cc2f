/**
 * How far could a leaner Node entry take otelite's own share of a cold start (issue 26: ≤ 10 ms of
 * CPU for `import` + `init()` above the baseline)? This experiment builds, from the built entry
 * (dist/src/index.js and its chunks, so `npm run build` first), two throwaway one-file entries in a
 * temporary folder, and counts the instructions of a cold start of each with callgrind:
 *
 * - `one file`: the entry and its chunks bundled into one module, minified as the shipped bundles are
 *   (whitespace and syntax), the schema fallback left out (a dynamic import nothing here reaches);
 * - `floor`: that module with the body of every function that did not run during `import` + `init()`
 *   (V8 coverage, `NODE_V8_COVERAGE`, taken with the Node under test) emptied, then minified the same
 *   way. It holds only the code the default start executes, so no split of the entry can load less;
 * - `floor, full minify`: the floor with identifiers renamed too.
 *
 * Three scripts in fresh processes, as in BENCHMARKS.md "Startup, accounted": *base* loads the API
 * with `require()` and `node:http`, *import* adds `await import(entry)`, *init* adds the startup
 * case's `init()`. Each runs `runs` times under `valgrind --tool=callgrind` (whole process, all
 * threads); the figure is the minimum total. Own share = *init* − *base*.
 *
 *   nice -n 10 node bench/experiments/startup-floor.mjs [node binary=this one] [runs=5] [shipped]
 *   nice -n 10 node bench/experiments/startup-floor.mjs "$(scripts/cached-node.sh 24.22.3)"
 *   BENCH_OTELITE_DIST=<a copy of dist/> nice -n 10 node bench/experiments/startup-floor.mjs
 *
 * With `shipped`, only the built entry is counted (a before/after of the build). Prints M instructions per variant and keeps nothing (the temporary folder is removed). No target;
 * the figures go to BENCHMARKS.md.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const node = process.argv[2] ?? process.execPath;
const runs = Number(process.argv[3] ?? 5);
const shippedOnly = process.argv[4] === 'shipped'; // only the built entry, for a before/after of the build
// The built output to start from (BENCH_OTELITE_DIST, as for the bench: e.g. a copy of dist/ kept
// while the tree changes; it must sit where `@opentelemetry/api` resolves from).
const dist = resolve(process.env.BENCH_OTELITE_DIST ?? join(root, 'dist'));
const entry = join(dist, 'src/index.js');
if (!existsSync(entry)) throw new Error(`${entry} is not built: npm run build`);
const ts = createRequire(import.meta.url)('typescript');

const work = mkdtempSync(join(tmpdir(), 'otelite-startup-floor-'));
try {
  // The entry loads the API with require() from its own folder: this project's copy, through a link.
  mkdirSync(join(work, 'node_modules/@opentelemetry'), { recursive: true });
  symlinkSync(join(root, 'node_modules/@opentelemetry/api'), join(work, 'node_modules/@opentelemetry/api'));
  // The three scripts, as in bench/startup/: the API from this project's node_modules.
  const prelude = [
    "const { createRequire } = process.getBuiltinModule('node:module');",
    `const api = createRequire(${JSON.stringify(join(root, 'package.json'))})('@opentelemetry/api');`,
    "const http = process.getBuiltinModule('node:http');",
  ];
  const load = 'const otelite = await import(process.argv[2]);';
  const start = "otelite.init({ endpoint: 'http://127.0.0.1:4318', serviceName: 'otelite-bench', shutdownHooks: false });";
  const scripts = { base: prelude, import: [...prelude, load], init: [...prelude, load, start] };
  for (const [name, lines] of Object.entries(scripts)) writeFileSync(join(work, `${name}.mjs`), `${lines.join('\n')}\nprocess.exit(0);\n`);

  // One file: the entry and its chunks, the schema fallback (dynamic import) left where it is.
  const oneFile = join(work, 'one-file.mjs');
  await build({
    entryPoints: [entry],
    outfile: oneFile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    ignoreAnnotations: true, // the chunks' bare imports stay (package.json's sideEffects would drop them)
    logLevel: 'warning',
    plugins: [
      {
        name: 'schema-fallback-external',
        setup(b) {
          b.onResolve({ filter: /schema-fallback-encoder/ }, (args) => ({
            path: pathToFileURL(join(args.resolveDir, args.path)).href,
            external: true,
          }));
        },
      },
    ],
  });

  // Which functions of it run during import + init() on this Node.
  const coverage = join(work, 'coverage');
  mkdirSync(coverage);
  execFileSync(node, [join(work, 'init.mjs'), oneFile], { env: { ...process.env, NODE_V8_COVERAGE: coverage } });
  const started = new Set();
  for (const file of readdirSync(coverage)) {
    for (const script of JSON.parse(readFileSync(join(coverage, file), 'utf8')).result) {
      if (script.url !== pathToFileURL(oneFile).href) continue;
      for (const fn of script.functions) if (fn.ranges[0].count > 0) started.add(fn.ranges[0].startOffset);
    }
  }
  if (started.size === 0) throw new Error('no coverage of the one-file entry');

  // The floor: every function whose body never started emptied (its nested functions go with it).
  const text = readFileSync(oneFile, 'utf8');
  const source = ts.createSourceFile('one-file.mjs', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits = [];
  let kept = 0;
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const from = node.getStart(source);
      const body = node.body.getStart(source);
      // V8 starts a function's range at its name, its parameters or the `function`/`async` keyword.
      const ran = [...started].some((offset) => offset >= from && offset <= body);
      if (!ran) {
        edits.push([body, node.body.end, ts.isBlock(node.body) ? '{}' : '(void 0)']);
        return;
      }
      kept++;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let stripped = text;
  for (const [from, to, replacement] of edits.sort((a, b) => b[0] - a[0])) {
    stripped = stripped.slice(0, from) + replacement + stripped.slice(to);
  }
  const floor = join(work, 'floor.mjs');
  const floorMin = join(work, 'floor-min.mjs');
  const transformed = (options) => transform(stripped, { format: 'esm', target: 'node20', legalComments: 'none', ...options });
  writeFileSync(floor, (await transformed({ minifyWhitespace: true, minifySyntax: true })).code);
  writeFileSync(floorMin, (await transformed({ minify: true })).code);
  for (const file of [oneFile, floor, floorMin]) execFileSync(node, [join(work, 'init.mjs'), file]); // each still starts

  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const kb = (file) => `${(statSync(file).size / 1024).toFixed(0)} KB`;
  console.log(`node ${nodeVersion}, ${runs} runs each, min of callgrind totals (M instructions)`);
  console.log(`functions run: ${kept}, emptied: ${edits.length}`);

  const count = (script, argument) => {
    let min = Number.POSITIVE_INFINITY;
    for (let run = 0; run < runs; run++) {
      const out = join(work, `callgrind.${run}`);
      execFileSync(
        'valgrind',
        ['--tool=callgrind', `--callgrind-out-file=${out}`, '--dump-instr=no', '--collect-jumps=no', node, join(work, script), ...argument],
        { stdio: 'ignore' },
      );
      const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(out, 'utf8'))?.[1]);
      rmSync(out);
      if (!Number.isFinite(total)) throw new Error(`no callgrind total for ${script}`);
      min = Math.min(min, total);
    }
    return min / 1e6;
  };

  const base = count('base.mjs', []);
  console.log(`base: ${base.toFixed(1)}`);
  const variants = [
    ['shipped entry (index.js + chunks)', entry],
    ['one file', oneFile],
    ['floor', floor],
    ['floor, full minify', floorMin],
  ].slice(0, shippedOnly ? 1 : undefined);
  for (const [name, file] of variants) {
    const imported = count('import.mjs', [file]) - base;
    const initialised = count('init.mjs', [file]) - base;
    const size = file === entry ? '' : `, ${kb(file)}`;
    console.log(
      `${name}${size}: own share ${initialised.toFixed(1)} (import ${imported.toFixed(1)}, init() ${(initialised - imported).toFixed(1)})`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

#!/usr/bin/env node
// Lists the modules of src/ without a test counterpart: src/a/b.ts is covered by test/a/b.test.ts, and
// by nothing else (tests mirror src/). `--check` exits 1 when any is listed. Index files (re-exports
// only) are skipped.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function walk(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const untested = [];
for (const file of walk(join(root, 'src'))) {
  if (!file.endsWith('.ts') || file.endsWith('.d.ts') || file.endsWith('/index.ts')) continue;
  const path = relative(join(root, 'src'), file).replace(/\.ts$/, '');
  if (!existsSync(join(root, 'test', `${path}.test.ts`))) untested.push(`src/${path}.ts`);
}
for (const path of untested) console.log(path);
console.error(`${untested.length} modules of src/ have no test counterpart.`);
if (process.argv.includes('--check') && untested.length > 0) process.exit(1);

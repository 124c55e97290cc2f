#!/usr/bin/env node
// Run before the test suites (npm test, test:compat, test:runtimes, test:jaeger), which use dist/ as
// `npm run build` left it and never build it themselves: exits 1 with a clear message when dist/ is
// missing, and warns when a file of src/ or gen/ is newer than the build (the suites would test old code).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtEntry = join(root, 'dist/src/index.js');

if (!existsSync(builtEntry)) {
  console.error('dist/ is not built: run `npm run build` first (the test scripts use the built package and do not build it).');
  process.exit(1);
}

function newest(directory) {
  let time = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

const builtAt = statSync(builtEntry).mtimeMs;
if (Math.max(newest(join(root, 'src')), newest(join(root, 'gen'))) > builtAt) {
  console.warn('warning: src/ or gen/ changed after the last `npm run build`; the suites that load dist/ test the older build.');
}

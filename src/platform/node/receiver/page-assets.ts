import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built page: three static files from dist/src/viewer-page/ (see scripts/bundle.mjs). */
export interface PageAssets {
  readonly html: Buffer;
  readonly script: Buffer;
  readonly style: Buffer;
}

const BUILT_FILE = 'viewer.js';

/**
 * Finds the built page by walking up from this module: the bundled receiver lives in dist/src/ or
 * dist/src/chunks/ (its page is in dist/src/viewer-page/), tsc's unbundled copy deeper under dist/src/,
 * and the sources (run by the tests) under src/ next to dist/. Undefined when the page was not built.
 */
export function findPageDirectory(start: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let directory = start;
  for (;;) {
    for (const candidate of [join(directory, 'viewer-page'), join(directory, 'dist', 'src', 'viewer-page')]) {
      if (existsSync(join(candidate, BUILT_FILE))) return candidate;
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** Reads the page's files once; undefined when they are not there (the receiver then says so on `GET /`). */
export function loadPageAssets(directory: string | undefined = findPageDirectory()): PageAssets | undefined {
  if (directory === undefined) return undefined;
  try {
    return {
      html: readFileSync(join(directory, 'index.html')),
      script: readFileSync(join(directory, BUILT_FILE)),
      style: readFileSync(join(directory, 'viewer.css')),
    };
  } catch {
    return undefined;
  }
}

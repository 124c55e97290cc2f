/**
 * Loads otelite from its BUILT output (`dist/`, or the folder in `BENCH_OTELITE_DIST`, e.g. a temp
 * outDir when the tree is mid-change), and says which parts a case needs are still missing.
 */

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The folder holding the built `src/` and `gen/`. */
export const OTELITE_DIST = resolve(process.env.BENCH_OTELITE_DIST ?? fileURLToPath(new URL('../../dist/', import.meta.url)));

/**
 * Imports a built otelite module by its path under `src/` without the extension (`'index'`,
 * `'export/otlp/encoding/binary-encoder'`). Resolves to `{ module }` or `{ error }` (a short reason).
 */
export async function importOtelite(path = 'index') {
  const file = join(OTELITE_DIST, 'src', `${path}.js`);
  if (!existsSync(file)) return { error: `dist/src/${path}.js not built` };
  try {
    return { module: await import(pathToFileURL(file).href) };
  } catch (error) {
    return { error: `dist/src/${path}.js fails to load (${firstLine(error)})` };
  }
}

/**
 * What is missing for a case, or `undefined` when nothing is: `needs` maps a module path (as for
 * {@link importOtelite}) to the export names the case uses.
 */
export async function missingOtelite(needs) {
  const reasons = [];
  for (const [path, names] of Object.entries(needs)) {
    const { module, error } = await importOtelite(path);
    if (error) {
      reasons.push(error);
      continue;
    }
    const absent = names.filter((name) => module[name] === undefined);
    if (absent.length > 0) reasons.push(`${absent.join(', ')} (${path === 'index' ? 'otelite' : path})`);
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The first line of an error's message. */
export function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

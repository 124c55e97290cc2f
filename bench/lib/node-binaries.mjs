/**
 * The Node.js binaries a multi-runtime case runs its servers on: this process's Node, plus Node 24
 * from scripts/cached-node.sh (installed into ~/.cache/otelite on first use). `BENCH_NODES` overrides
 * the list with comma-separated versions (`20` means this process's Node) or binary paths.
 */

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CACHED_NODE = fileURLToPath(new URL('../../scripts/cached-node.sh', import.meta.url));
export const NODE_24 = '24.22.3';

/**
 * The one Node an experiment runs its server on: the first of `BENCH_NODES`, this process's Node when it
 * is unset (an entry of {@link nodeBinaries}: check `skipped`).
 */
export function experimentNode(env = process.env) {
  return nodeBinaries({ ...env, BENCH_NODES: env.BENCH_NODES ?? 'current' })[0];
}

/** `[{ label, path, version }]`, or entries with `{ label, skipped }` where a binary cannot be had. */
export function nodeBinaries(env = process.env) {
  const wanted = (env.BENCH_NODES ?? `current,${NODE_24}`)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return wanted.map((entry) => {
    if (entry === 'current' || entry === process.versions.node.split('.')[0]) return describe(process.execPath);
    try {
      const path = entry.includes('/')
        ? entry
        : execFileSync(CACHED_NODE, [entry], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      return describe(path);
    } catch (error) {
      return { label: `Node ${entry}`, skipped: String(error?.message ?? error).split('\n')[0] };
    }
  });
}

function describe(path) {
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  return { label: `Node ${version}`, path, version };
}

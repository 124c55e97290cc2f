import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, readSources } from '../support/import-graph.js';

// The layers of ARCHITECTURE.md, bottom to top: every import in src/ (type-only ones too) points to a
// module of its own layer or of a layer below. A module's layer is that of the longest prefix below that
// its path starts with. Within a layer imports go either way, but no two files and no two folders may
// import each other, directly or round a loop (the cycle checks further down).
const LAYERS: readonly (readonly string[])[] = [
  ['src/config/', 'src/diagnostics/', 'src/internal/', 'src/version.ts'],
  ['src/context/', 'src/transport/'],
  ['src/platform.ts'],
  ['src/resource/', 'src/sampling/', 'src/propagation/', 'src/trace/'],
  ['src/export/otlp/wire/'],
  ['src/export/otlp/encoding/'],
  ['src/export/'],
  ['src/processing/', 'src/instrumentation/', 'src/configuration/'],
  ['src/init.ts', 'src/init-environment.ts', 'src/environment-readers.ts', 'src/core-exports.ts', 'src/otlp.ts', 'src/proto.ts'],
  ['src/platform/', 'src/index.ts'],
  ['src/platform/node/receiver/', 'src/platform/node/cli/', 'src/viewer-page/'],
];

const root = join(import.meta.dirname, '../..');

/** The index in {@link LAYERS} of `file`'s layer (longest matching prefix), or -1 for none. */
function layerOf(file: string, layers: readonly (readonly string[])[] = LAYERS): number {
  let best = -1;
  let bestLength = 0;
  layers.forEach((prefixes, layer) => {
    for (const prefix of prefixes) {
      if ((file === prefix || (prefix.endsWith('/') && file.startsWith(prefix))) && prefix.length > bestLength) {
        best = layer;
        bestLength = prefix.length;
      }
    }
  });
  return best;
}

/** Every import of `graph` that points up a layer, and every file in no layer. */
function upwardImports(graph: Map<string, string[]>, layers: readonly (readonly string[])[] = LAYERS): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file, layers);
    if (from === -1) found.push(`${file} is in no layer`);
    for (const target of targets) {
      const to = layerOf(target, layers);
      if (to > from) found.push(`${file} imports ${target} (layer ${to} above ${from})`);
    }
  }
  return found;
}

/** Entry points (package.json `exports` and `bin`), as their src/ paths: each is a unit of its own for folder cycles. */
function entryPoints(): Set<string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const targets = JSON.stringify([manifest.exports, manifest.bin]).match(/\.\/dist\/src\/[^"]+?\.js/g) ?? [];
  return new Set(targets.map((target) => target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')));
}

/**
 * The folder graph: a file's unit is its folder, except files directly in src/ and entry points, which
 * are units of their own (an entry point imports the platform it installs and is imported by nothing
 * below it; src/index.ts and src/init.ts sit at different layers).
 */
function folderCycles(graph: Map<string, string[]>, entries: Set<string>): string[][] {
  const unitOf = (file: string): string => (posix.dirname(file) === 'src' || entries.has(file) ? file : posix.dirname(file));
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    if (!edges.has(from)) edges.set(from, new Set());
    for (const target of targets) if (unitOf(target) !== from) edges.get(from)?.add(unitOf(target));
  }
  return cycles(edges.keys(), (unit) => edges.get(unit) ?? []);
}

describe('the layers: every import points down', () => {
  it('finds what it is meant to find (the checker itself, on planted violations)', () => {
    const planted = importGraph({
      'src/trace/span.ts': [
        "import type { Platform } from '../platform/node/node-platform.js';",
        "import { init } from '../init.js';",
        "import { reportError } from '../diagnostics/report.js';",
        "/** {@link} only: import { x } from '../processing/x.js'; */",
        "export { y } from './tracer.js';",
      ].join('\n'),
      'src/trace/tracer.ts': "const load = () => import('../export/otlp/encoding/binary-encoder.js');",
      'src/diagnostics/report.ts': "import type { Span } from '../trace/span.js';",
      'src/platform.ts': "export type { HttpTransport } from './transport/http-transport.js';",
      'src/stray/thing.ts': '',
    });
    expect(upwardImports(planted)).toEqual([
      'src/trace/span.ts imports src/platform/node/node-platform.ts (layer 9 above 3)',
      'src/trace/span.ts imports src/init.ts (layer 8 above 3)',
      'src/trace/tracer.ts imports src/export/otlp/encoding/binary-encoder.ts (layer 5 above 3)',
      'src/diagnostics/report.ts imports src/trace/span.ts (layer 3 above 0)',
      'src/stray/thing.ts is in no layer',
    ]);
    // Longest prefix wins: the receiver sits above the platform folder that holds it.
    expect(layerOf('src/platform/node/receiver/receiver.ts')).toBe(10);
    expect(layerOf('src/platform/node/node-platform.ts')).toBe(9);
    expect(layerOf('src/platform.ts')).toBe(2);
    expect(layerOf('src/export/otlp/wire/hex-id.ts')).toBe(4);
    expect(layerOf('src/export/otlp/otlp-trace-exporter.ts')).toBe(6);

    const loop = importGraph({
      'src/trace/a.ts': "import { b } from './b.js';",
      'src/trace/b.ts': "import type { C } from '../sampling/c.js';",
      'src/sampling/c.ts': "import { a } from '../trace/a.js';",
      'src/sampling/d.ts': "import { e } from '../resource/e.js';",
      'src/resource/e.ts': '',
    });
    expect(cycles(loop.keys(), (file) => loop.get(file) ?? [])).toEqual([['src/sampling/c.ts', 'src/trace/a.ts', 'src/trace/b.ts']]);
    expect(folderCycles(loop, new Set())).toEqual([['src/sampling', 'src/trace']]);
    // Files directly in src/ and entry points are units of their own, not part of a folder.
    const entry = importGraph({
      'src/platform/node/register.ts': "import '../../index.js';",
      'src/index.ts': "import { nodePlatform } from './platform/node/node-platform.js';",
      'src/platform/node/node-platform.ts': '',
    });
    expect(folderCycles(entry, new Set(['src/platform/node/register.ts']))).toEqual([]);
    expect(folderCycles(entry, new Set())).toEqual([['src/index.ts', 'src/platform/node']]);
  });

  it('holds in src/: no upward import, no file cycle, no folder cycle', () => {
    const graph = importGraph(readSources(root));
    expect(graph.size).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
    expect(upwardImports(graph)).toEqual([]);
    expect(cycles(graph.keys(), (file) => graph.get(file) ?? [])).toEqual([]);
    const entries = entryPoints();
    expect(entries).toContain('src/platform/node/register.ts');
    expect(folderCycles(graph, entries)).toEqual([]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every repository path that ARCHITECTURE.md, README.md and CONTRIBUTING.md name exists: a file or
// folder moved or renamed without its documentation fails here. A path is a token that starts with
// one of the repository's folders (`src/`, `test/`, `scripts/`, ...) or, inside backticks, contains a
// `/` and ends in a source extension; `{a,b}` alternatives are expanded; globs and built output
// (`dist/`) are not checked. A path given from inside `src/` (`platform/node/...`) may omit `src/`.

const root = join(import.meta.dirname, '../..');
const DOCUMENTS = ['ARCHITECTURE.md', 'README.md', 'CONTRIBUTING.md'];
const TOP = '(?:src|test|scripts|bench|api|gen|docs|examples|\\.ci|\\.github)/';

/** `a/{b,c}/d` → `a/b/d`, `a/c/d` (one level of braces, any number of groups). */
function expand(path: string): string[] {
  const match = /\{([^{}]*)\}/.exec(path);
  if (match === null) return [path];
  return match[1]
    .split(',')
    .flatMap((choice) => expand(path.slice(0, match.index) + choice.trim() + path.slice(match.index + match[0].length)));
}

/** The repository paths `text` names. */
function namedPaths(text: string): string[] {
  const found = new Set<string>();
  const bare = new RegExp(`(?<![\\w./~@-])${TOP}[\\w./{},*<>$-]*`, 'g');
  for (const match of text.matchAll(bare)) found.add(match[0]);
  for (const match of text.matchAll(/`([^`\s]+)`/g)) {
    const token = match[1] as string;
    if (token.includes('/') && !token.startsWith('@') && /\.(ts|mts|mjs|cjs|js|json|md|sh|yml)$/.test(token)) found.add(token);
  }
  return [...found]
    .map((path) => path.replace(/[.,;:)]+$/, ''))
    .filter((path) => !/[*<>$]/.test(path) && !path.includes('://') && !path.startsWith('dist/') && !path.startsWith('~'))
    .flatMap(expand);
}

function exists(path: string): boolean {
  const clean = path.replace(/^\.\//, '').replace(/#.*$/, '');
  return [clean, `src/${clean}`].some((candidate) => existsSync(join(root, candidate)));
}

describe('documented paths', () => {
  it('finds the paths a document names (the checker itself)', () => {
    const sample = [
      'See `src/platform/node/{cli,receiver}/` and src/export/otlp/wire/hex-id.ts, then `platform/node/node-platform.ts`.',
      'Not checked: `dist/src/index.js`, gen/**/*_wire.ts, `@opentelemetry/instrumentation/hook.mjs`, https://example.com/src/x.ts, `~/.cache/otelite/`.',
      'Gone: src/strings/detach-string.ts.',
    ].join('\n');
    const paths = namedPaths(sample);
    expect(paths.sort()).toEqual(
      [
        'platform/node/node-platform.ts',
        'src/export/otlp/wire/hex-id.ts',
        'src/platform/node/cli/',
        'src/platform/node/receiver/',
        'src/strings/detach-string.ts',
      ].sort(),
    );
    expect(paths.filter((path) => !exists(path))).toEqual(['src/strings/detach-string.ts']);
  });

  for (const document of DOCUMENTS) {
    it(`${document}: every path it names exists`, () => {
      const paths = namedPaths(readFileSync(join(root, document), 'utf8'));
      expect(paths.length).toBeGreaterThan(document === 'CONTRIBUTING.md' ? 1 : 5);
      expect(paths.filter((path) => !exists(path))).toEqual([]);
    });
  }
});

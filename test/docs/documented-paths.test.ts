import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every repository path that ARCHITECTURE.md, README.md, CONTRIBUTING.md and the guides in docs/ name
// exists: a file or
// folder moved or renamed without its documentation fails here. A path is a token that starts with
// one of the repository's folders (`src/`, `test/`, `scripts/`, ...) or, inside backticks, contains a
// `/` and ends in a source extension; `{a,b}` alternatives are expanded; globs and built output
// (`dist/`) are not checked. A path given from inside `src/` (`platform/node/...`) may omit `src/`.
// Paths are from the repository's root in every document, the guides included. Every relative markdown
// link in README.md and docs/*.md resolves too: its file exists, and its `#anchor` is a heading there.

const root = join(import.meta.dirname, '../..');
const DOCUMENTS = ['ARCHITECTURE.md', 'README.md', 'CONTRIBUTING.md'];
const GUIDES = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => `docs/${name}`);
const LINKED = ['README.md', ...GUIDES];
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

/** `text` without its fenced code blocks and inline code, where `[a](b)` and `# x` are not markdown. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of `text`'s headings (outside code blocks), numbered as GitHub numbers repeats. */
function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const withoutCode = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(match[1] as string);
    let anchor = base;
    for (let n = 1; found.has(anchor); n += 1) anchor = `${base}-${n}`;
    found.add(anchor);
  }
  return found;
}

/** The relative link targets of `text` (`[x](target)`, `![x](target)`), web and mail links left out. */
function relativeLinks(text: string): string[] {
  const links: string[] = [];
  for (const match of prose(text).matchAll(/\]\(([^()\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1] as string;
    if (!/^[a-z][a-z+.-]*:/i.test(target)) links.push(target);
  }
  return links;
}

/** The links of `document` that lead nowhere: a missing file, or an anchor no heading of it has. */
function brokenLinks(document: string, text: string): string[] {
  return relativeLinks(text).filter((link) => {
    const [file, anchor] = link.split('#') as [string, string | undefined];
    const target = file === '' ? join(root, document) : join(root, dirname(document), decodeURI(file));
    if (!existsSync(target)) return true;
    if (anchor === undefined || !target.endsWith('.md')) return false;
    return !anchors(readFileSync(target, 'utf8')).has(anchor);
  });
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

  it('finds the links and anchors a document has (the checker itself)', () => {
    const sample = [
      '# The guide',
      '## Zero-code start (`otelite/register`)',
      '## Migrating from OTEL_* variables',
      '```sh',
      '# not a heading, [not](a-link.md)',
      '```',
      'See [start](#zero-code-start-oteliteregister), [vars](#migrating-from-otel_-variables), [gone](#nowhere),',
      '![shot](images/viewer-list.png), [cfg](configuration.md#init-options), [x](missing.md), `[y](z.md)`,',
      '[web](https://example.com/a.md) and [bench](../BENCHMARKS.md).',
    ].join('\n');
    expect([...anchors(sample)]).toEqual(['the-guide', 'zero-code-start-oteliteregister', 'migrating-from-otel_-variables']);
    expect(relativeLinks(sample)).toEqual([
      '#zero-code-start-oteliteregister',
      '#migrating-from-otel_-variables',
      '#nowhere',
      'images/viewer-list.png',
      'configuration.md#init-options',
      'missing.md',
      '../BENCHMARKS.md',
    ]);
    const guide = 'docs/getting-started.md';
    const broken = relativeLinks(sample).filter((link) => !link.startsWith('#'));
    expect(brokenLinks(guide, broken.map((link) => `[l](${link})`).join(' '))).toEqual(['missing.md']);
  });

  for (const document of DOCUMENTS) {
    it(`${document}: every path it names exists`, () => {
      const paths = namedPaths(readFileSync(join(root, document), 'utf8'));
      expect(paths.length).toBeGreaterThan(document === 'CONTRIBUTING.md' ? 1 : 5);
      expect(paths.filter((path) => !exists(path))).toEqual([]);
    });
  }

  it('docs/*.md: every path the guides name exists', () => {
    expect(GUIDES).toContain('docs/getting-started.md');
    const missing: string[] = [];
    let named = 0;
    for (const guide of GUIDES) {
      const paths = namedPaths(readFileSync(join(root, guide), 'utf8'));
      named += paths.length;
      for (const path of paths) if (!exists(path)) missing.push(`${guide}: ${path}`);
    }
    expect(named).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  for (const document of LINKED) {
    it(`${document}: every relative link resolves`, () => {
      const text = readFileSync(join(root, document), 'utf8');
      if (document === 'README.md') expect(relativeLinks(text).length).toBeGreaterThan(8);
      expect(brokenLinks(document, text)).toEqual([]);
    });
  }
});

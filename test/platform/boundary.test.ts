import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, specifiers } from '../support/import-graph.js';

// The boundary of ARCHITECTURE.md, checked statically: outside src/platform/node/ (and src/platform/bun/,
// whose Bun-only modules run where Node's built-ins exist), no module imports a Node built-in (`node:*` or a bare built-in name) or uses the `process` global, and the core (all of
// src/ except the entry points and src/platform/) never loads a module of src/platform/node/ at run time.

const root = join(import.meta.dirname, '../..');
const nodePlatform = 'src/platform/node/';
/** Bun implements Node's built-ins; its own modules may use them. */
const bunPlatform = 'src/platform/bun/';
const builtins = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/** The text with comments removed and string/template contents blanked (quotes kept). */
function code(text: string): string {
  let out = '';
  let index = 0;
  const templateDepth: number[] = [];
  let braces = 0;
  while (index < text.length) {
    const char = text[index] as string;
    const next = text[index + 1];
    if (char === '/' && next === '/') {
      while (index < text.length && text[index] !== '\n') index++;
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 2;
      out += ' ';
    } else if (char === "'" || char === '"') {
      out += char;
      index++;
      while (index < text.length && text[index] !== char && text[index] !== '\n') index += text[index] === '\\' ? 2 : 1;
      out += char;
      index++;
    } else if (char === '`' || (char === '}' && templateDepth.at(-1) === braces)) {
      if (char === '}') templateDepth.pop();
      out += '`';
      index++;
      while (index < text.length && text[index] !== '`' && !(text[index] === '$' && text[index + 1] === '{'))
        index += text[index] === '\\' ? 2 : 1;
      if (text[index] === '$') {
        templateDepth.push(braces);
        index += 2;
        out += '${';
      } else {
        out += '`';
        index++;
      }
    } else {
      if (char === '{') braces++;
      if (char === '}') braces--;
      out += char;
      index++;
    }
  }
  return out;
}

/** The Node entry point and the platforms built on Node's parts; only they may load src/platform/node/. */
const NODE_BASED = ['src/index.ts', 'src/platform/bun/', 'src/platform/deno/', 'src/platform/workerd/index.ts'];
/** What the Workers entry point may load from src/platform/node/: nothing (it finds AsyncLocalStorage at run time). */
const WORKERD_ALLOWED: string[] = [];

interface Violation {
  file: string;
  what: string;
}

/** The boundary violations of one file's text, `file` being its path from the repository root. */
function violations(file: string, text: string): Violation[] {
  const result: Violation[] = [];
  if (file.startsWith(nodePlatform) || file.startsWith(bunPlatform)) return result;
  for (const { specifier, typeOnly } of specifiers(text)) {
    if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0] as string)) {
      result.push({ file, what: `imports ${specifier}` });
    }
    if (
      !typeOnly &&
      !NODE_BASED.some((allowed) => file.startsWith(allowed)) &&
      specifier.startsWith('.') &&
      join(file, '..', specifier).startsWith(nodePlatform.slice(0, -1))
    ) {
      result.push({ file, what: `loads ${specifier} from the core` });
    }
  }
  const stripped = code(text);
  for (const match of stripped.matchAll(/(?<![.\w$])process\b(?!\s*\??:)/g)) {
    const line = stripped.slice(0, match.index).split('\n').length;
    result.push({ file, what: `uses process (line ${line})` });
  }
  return result;
}

describe('the platform boundary', () => {
  it('finds what it is meant to find (the checker itself)', () => {
    const sample = [
      "import { hostname } from 'node:os';",
      "import type { IncomingMessage } from 'http';",
      "export { x } from '../platform/node/x.js';",
      'const e = process.env.OTEL_X;',
      'const f = globalThis.process?.env; // process.env in a comment',
      "const g = 'process.env in a string'; const h = `process ${process.pid}`;",
      "/* import 'node:fs' */",
    ].join('\n');
    expect(violations('src/trace/sample.ts', sample).map((violation) => violation.what)).toEqual([
      'imports node:os',
      'imports http',
      'loads ../platform/node/x.js from the core',
      'uses process (line 4)',
      'uses process (line 6)',
    ]);
    expect(violations('src/platform/node/sample.ts', sample)).toEqual([]);
    expect(violations('src/index.ts', "export { y } from './platform/node/y.js';")).toEqual([]);
    expect(violations('src/platform/web/index.ts', "export { y } from '../node/y.js';")).toEqual([
      { file: 'src/platform/web/index.ts', what: 'loads ../node/y.js from the core' },
    ]);
    expect(violations('src/init.ts', "import type { Y } from './platform/node/y.js';")).toEqual([]);
  });

  it('holds in src/: Node built-ins and process only in src/platform/node/', () => {
    const files = sourceFiles(root, 'src').map((file) => join(root, file));
    const outside = files.filter((path) => !relative(root, path).startsWith(nodePlatform));
    expect(outside.length).toBeGreaterThan(40);
    expect(files.length - outside.length).toBeGreaterThan(15);
    const found = files.flatMap((path) => violations(relative(root, path).replaceAll('\\', '/'), readFileSync(path, 'utf8')));
    expect(found).toEqual([]);
  });

  it('keeps the web entry points (browser, workerd, default) free of Node: nothing they load reaches src/platform/node/ or names a node: module, not even in import() (a Worker without nodejs_compat would not load)', () => {
    for (const entry of ['src/platform/web/index.ts', 'src/platform/browser/index.ts', 'src/platform/workerd/index.ts']) {
      const seen = new Set<string>();
      const nodeModules: string[] = [];
      const pending = [entry];
      while (pending.length > 0) {
        const file = pending.pop() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        for (const { specifier, typeOnly } of specifiers(readFileSync(join(root, file), 'utf8'))) {
          if (!typeOnly && specifier.startsWith('node:')) nodeModules.push(`${file}: ${specifier}`);
          if (typeOnly || !specifier.startsWith('.')) continue;
          const target = relative(root, join(root, file, '..', specifier))
            .replaceAll('\\', '/')
            .replace(/\.js$/, '.ts');
          if (target.startsWith('src/')) pending.push(target);
        }
      }
      expect(seen.size).toBeGreaterThan(30);
      expect([...seen].filter((file) => file.startsWith(nodePlatform) && !WORKERD_ALLOWED.includes(file))).toEqual([]);
      expect(nodeModules).toEqual([]);
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/*
 * The import graph of src/, read from the text of every module: each static `import`/`export ... from`,
 * side-effect `import '...'`, dynamic `import('...')` and `require('...')`, type-only ones included.
 * Used by the boundary and layer tests (test/platform/).
 */

/** One module specifier a file loads, with whether the statement is type-only. */
export interface Specifier {
  specifier: string;
  typeOnly: boolean;
}

/** Module specifiers in `text` (comments removed first, so a `{@link}` or an example loads nothing). */
export function specifiers(text: string): Specifier[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^\s*\/\/.*$/gm, '');
  const found: Specifier[] = [];
  const statement =
    /\b(import|export)\s+(type\s+)?[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]/g;
  for (const match of withoutComments.matchAll(statement)) {
    const specifier = match[3] ?? match[4] ?? match[5];
    if (specifier !== undefined) found.push({ specifier, typeOnly: match[2] !== undefined });
  }
  return found;
}

/** Every `.ts` file under `folder`, as paths relative to `root` with `/` separators. */
export function sourceFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(root, path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** The file a relative specifier of `from` names (`.js` read as the `.ts` source), or undefined for a package. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
}

/** The graph of `files` (paths from the repository root): each file's relative imports that stay in src/. */
export function importGraph(files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of Object.entries(files)) {
    const targets = new Set<string>();
    for (const { specifier } of specifiers(text)) {
      const target = resolveRelative(file, specifier);
      if (target?.startsWith('src/')) targets.add(target);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** Reads src/ under `root` into `importGraph`'s input. */
export function readSources(root: string): Record<string, string> {
  return Object.fromEntries(sourceFiles(root, 'src').map((file) => [file, readFileSync(join(root, file), 'utf8')]));
}

/**
 * The strongly connected components with more than one node (or a node importing itself) of the graph
 * `edges` describes: each is a cycle, or several cycles sharing nodes. Tarjan's algorithm, iterative.
 */
export function cycles(nodes: Iterable<string>, edges: (node: string) => Iterable<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; targets: Iterator<string> }[] = [];
    const visit = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, targets: edges(node)[Symbol.iterator]() });
    };
    visit(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; targets: Iterator<string> };
      const next = frame.targets.next();
      if (!next.done) {
        const target = next.value;
        if (!index.has(target)) visit(target);
        else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && [...edges(frame.node)].includes(frame.node);
        if (component.length > 1 || selfLoop) found.push(component.sort());
      }
    }
  }
  return found;
}

/** `path` relative to `root`, with `/` separators. */
export function fromRoot(root: string, path: string): string {
  return relative(root, path).replaceAll('\\', '/');
}

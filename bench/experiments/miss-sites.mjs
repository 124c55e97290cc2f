/**
 * Where otelite's optimized code misses the (simulated) L1 data cache, instruction by instruction, with
 * the source each instruction came from. Reads what one `count-variants` run leaves behind when asked
 * for per-instruction costs and the optimized code:
 *
 *   COUNT_KEEP=1 NODE_OPTIONS=--perf-basic-prof \
 *   BENCH_CALLGRIND_ARGS="--cache-sim=yes --I1=65536,8,64 --D1=49152,12,64 --LL=2097152,16,64 --dump-instr=yes" \
 *   BENCH_NODE_ARGS="--print-opt-code --redirect-code-traces --redirect-code-traces-to=/tmp/code.asm" \
 *   node bench/experiments/count-variants.mjs full
 *   node bench/experiments/miss-sites.mjs <kept dir>/full.<pid>.3-01 /tmp/code.asm [min misses per request, default 0.3]
 *
 * The callgrind file is window B's main thread (1,024 requests); the server's perf map
 * (/tmp/perf-<pid>.map) names its JIT code; the code file holds V8's disassembly of every optimized
 * function with its source positions, which the bundle's source maps turn into src/ lines. For each of
 * otelite's optimized functions (the dist the server ran, `BENCH_OTELITE_DIST` or dist/) it prints the
 * L1 data misses per request, then each instruction missing at least the minimum: reads and writes per
 * request, the instruction, and the source line. A position inside a function V8 inlined from another
 * script (Node's own) is shown against the bundle all the same: read such lines with care.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { OTELITE_DIST } from '../lib/otelite.mjs';

const [callgrindFile, codeFile, minimum = '0.3'] = process.argv.slice(2);
if (callgrindFile === undefined || codeFile === undefined) {
  console.error(
    'usage: node bench/experiments/miss-sites.mjs <callgrind file of window B, main thread> <code file> [min misses per request]',
  );
  process.exit(2);
}
const REQUESTS = 1024;
const least = Number(minimum) * REQUESTS;

/** Self costs per instruction address: [D1mr, D1mw, Ir]. */
function instructionCosts(file) {
  const costs = new Map();
  let events = [];
  let positions = 1;
  const last = [0, 0];
  let skipNext = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('events:')) events = line.split(/\s+/).slice(1);
    else if (line.startsWith('positions:')) positions = line.split(/\s+/).length - 1;
    else if (line.startsWith('calls=')) skipNext = true;
    else if (/^[0-9+\-*]/.test(line)) {
      const parts = line.split(' ');
      for (let k = 0; k < positions; k++) {
        const token = parts[k];
        if (token === '*') continue;
        // Absolute, or relative to the line before (`+N`, `-N`, `+0xN`), in decimal unless `0x`.
        const relative = token[0] === '+' || token[0] === '-';
        const digits = relative ? token.slice(1) : token;
        const value = digits.startsWith('0x') ? Number.parseInt(digits.slice(2), 16) : Number(digits);
        last[k] = relative ? last[k] + (token[0] === '-' ? -value : value) : value;
      }
      if (skipNext) {
        skipNext = false;
        continue;
      }
      const value = (name) => Number(parts[positions + events.indexOf(name)] ?? 0) || 0;
      const entry = costs.get(last[0]) ?? [0, 0, 0];
      entry[0] += value('D1mr');
      entry[1] += value('D1mw');
      entry[2] += value('Ir');
      costs.set(last[0], entry);
    }
  }
  return costs;
}

/** V8's optimized code blocks: name, instructions by address, source positions by pc offset. */
function codeBlocks(file) {
  const blocks = new Map();
  for (const text of readFileSync(file, 'utf8').split('--- Optimized code ---').slice(1)) {
    const lines = text.split('\n');
    const name = /^name = (.*)$/m.exec(text)?.[1] ?? '?';
    const instructions = new Map();
    for (const line of lines) {
      const match = /^0x([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+(.*)$/.exec(line);
      if (match) instructions.set(Number.parseInt(match[1], 16), match[2].trim());
    }
    if (instructions.size === 0) continue;
    const start = Math.min(...instructions.keys());
    const size = Number(/^Instructions \(size = (\d+)\)/m.exec(text)?.[1]);
    const table = [];
    const at = lines.findIndex((line) => line.startsWith('Source positions:'));
    for (let k = at + 2; at !== -1 && k < lines.length; k++) {
      const match = /^\s+([0-9a-f]+)\s+(\d+)\s*$/.exec(lines[k]);
      if (!match) break;
      table.push([Number.parseInt(match[1], 16), Number(match[2])]);
    }
    // Code space is reused: the same start may hold several compilations over a run.
    blocks.set(`${start}:${size}`, { name, instructions, table });
  }
  return blocks;
}

/** Decodes a source map's mappings into, per generated line, [column, source, line] segments. */
function decodeMappings(map) {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines = [];
  let source = 0;
  let originalLine = 0;
  for (const generated of map.mappings.split(';')) {
    const segments = [];
    let column = 0;
    for (const segment of generated.split(',')) {
      if (segment === '') continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = digits.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length >= 4) {
        source += values[1];
        originalLine += values[2];
        segments.push([column, source, originalLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** Where a character offset of a bundle chunk comes from: `src/...:line` and that line's text. */
function originOf(chunkPath, offset, cache) {
  let entry = cache.get(chunkPath);
  if (entry === undefined) {
    const text = readFileSync(chunkPath, 'utf8');
    const map = JSON.parse(readFileSync(`${chunkPath}.map`, 'utf8'));
    const starts = [0];
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) starts.push(k + 1);
    entry = { map, starts, mappings: decodeMappings(map), sources: new Map() };
    cache.set(chunkPath, entry);
  }
  let line = entry.starts.length - 1;
  while (line > 0 && entry.starts[line] > offset) line--;
  const column = offset - entry.starts[line];
  let found;
  for (const segment of entry.mappings[line] ?? []) if (segment[0] <= column) found = segment;
  if (found === undefined) return '?';
  const sourcePath = join(dirname(chunkPath), entry.map.sources[found[1]]);
  let sourceLines = entry.sources.get(sourcePath);
  if (sourceLines === undefined) {
    try {
      sourceLines = readFileSync(sourcePath, 'utf8').split('\n');
    } catch {
      sourceLines = [];
    }
    entry.sources.set(sourcePath, sourceLines);
  }
  const shown = relative(process.cwd(), sourcePath);
  return `${shown}:${found[2] + 1}  ${(sourceLines[found[2]] ?? '').trim().slice(0, 90)}`;
}

const pid = /\.(\d+)\.\d+-\d+$/.exec(basename(callgrindFile))?.[1];
// The last code at each address is what ran in window B (the map lists earlier code there too).
const byStart = new Map();
for (const line of readFileSync(`/tmp/perf-${pid}.map`, 'utf8').split('\n')) {
  if (line === '') continue;
  const [address, size, ...name] = line.split(' ');
  const start = Number.parseInt(address, 16);
  byStart.set(start, { start, size: Number.parseInt(size, 16), name: name.join(' ') });
}
const perfMap = [...byStart.values()];
const chunks = join(OTELITE_DIST, 'src', 'chunks');
const chunkFiles = new Set(readdirSync(chunks).filter((file) => file.endsWith('.js')));
const costs = instructionCosts(callgrindFile);
const blocks = codeBlocks(codeFile);
const cache = new Map();
let total = 0;
const rows = [];
for (const entry of perfMap) {
  const match = /^JS:\*'?(\S*) file:\/\/(\S+\/src\/chunks\/([^/:]+\.js)):/.exec(entry.name);
  if (!match || !chunkFiles.has(match[3])) continue;
  const block = blocks.get(`${entry.start}:${entry.size}`);
  let misses = 0;
  const sites = [];
  for (const [address, [reads, writes]] of costs) {
    if (address < entry.start || address >= entry.start + entry.size) continue;
    misses += reads + writes;
    if (reads + writes < least) continue;
    const pc = address - entry.start;
    let position;
    for (const [offset, at] of block?.table ?? []) if (offset <= pc) position = at;
    const origin = position === undefined ? '?' : originOf(join(chunks, match[3]), position, cache);
    sites.push([address, reads, writes, block?.instructions.get(address) ?? '?', origin]);
  }
  if (misses === 0) continue;
  total += misses;
  rows.push({ name: match[1] || '(anonymous)', misses, sites: sites.sort((a, b) => a[0] - b[0]) });
}
rows.sort((a, b) => b.misses - a.misses);
console.log(`otelite's optimized code: ${(total / REQUESTS).toFixed(1)} L1 data misses per request`);
for (const { name, misses, sites } of rows) {
  console.log(
    `\n${name}: ${(misses / REQUESTS).toFixed(1)} per request${sites.length === 0 ? '' : ' (reads, writes, instruction, source)'}`,
  );
  for (const [, reads, writes, instruction, origin] of sites) {
    console.log(
      `  ${(reads / REQUESTS).toFixed(2).padStart(5)} ${(writes / REQUESTS).toFixed(2).padStart(5)}  ${instruction.slice(0, 40).padEnd(40)}  ${origin}`,
    );
  }
}

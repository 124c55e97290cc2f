/**
 * Prints the top frames of a V8 CPU profile by self time (or, with --inclusive, by time including
 * callees, each frame counted once per sample), to name a hot spot:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/child.mjs <case> <side>
 *   node bench/profile-top.mjs /tmp/prof/<file>.cpuprofile [count] [--inclusive]
 */

import { readFileSync } from 'node:fs';

const inclusive = process.argv.includes('--inclusive');
const [file, countArg] = process.argv.slice(2).filter((a) => a !== '--inclusive');
if (!file) {
  console.error('usage: node bench/profile-top.mjs <file.cpuprofile> [count]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const interval = (profile.endTime - profile.startTime) / Math.max(profile.samples.length, 1);
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const frameName = ({ functionName, url, lineNumber }) => {
  const where = url ? `${url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};
const selfByFrame = new Map();
let total = 0;
if (inclusive) {
  // Walk the call tree; a frame's samples are those of its node and every node below it, counted once
  // per sample even when the frame recurses.
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const walk = (node, onStack) => {
    const name = frameName(node.callFrame);
    let subtree = hits.get(node.id) ?? 0;
    const entered = !onStack.has(name);
    if (entered) onStack.add(name);
    for (const child of node.children ?? []) subtree += walk(byId.get(child), onStack);
    if (entered) {
      onStack.delete(name);
      selfByFrame.set(name, (selfByFrame.get(name) ?? 0) + subtree);
    }
    return subtree;
  };
  total = walk(profile.nodes[0], new Set());
} else {
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    total += count;
    const key = frameName(node.callFrame);
    selfByFrame.set(key, (selfByFrame.get(key) ?? 0) + count);
  }
}
const top = [...selfByFrame.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg) || 25);
console.log(`${total} samples, ~${(interval / 1000).toFixed(2)} ms each`);
for (const [frame, count] of top) console.log(`${((100 * count) / total).toFixed(1).padStart(5)}%  ${frame}`);

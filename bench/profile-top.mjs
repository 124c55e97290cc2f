/**
 * Prints the top frames of a V8 CPU profile by self time, to name a hot spot:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/child.mjs <case> <side>
 *   node bench/profile-top.mjs /tmp/prof/<file>.cpuprofile [count]
 */

import { readFileSync } from 'node:fs';

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.mjs <file.cpuprofile> [count]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const interval = (profile.endTime - profile.startTime) / Math.max(profile.samples.length, 1);
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const selfByFrame = new Map();
let total = 0;
for (const node of profile.nodes) {
  const count = hits.get(node.id) ?? 0;
  total += count;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  selfByFrame.set(key, (selfByFrame.get(key) ?? 0) + count);
}
const top = [...selfByFrame.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg) || 25);
console.log(`${total} samples, ~${(interval / 1000).toFixed(2)} ms each`);
for (const [frame, count] of top) console.log(`${((100 * count) / total).toFixed(1).padStart(5)}%  ${frame}`);

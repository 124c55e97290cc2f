/**
 * CPU time of another process, read from /proc/<pid>/stat (user + system), so the measured process
 * does no bookkeeping of its own. Resolution is one clock tick (usually 10 ms); over a burst of a few
 * seconds of CPU that is well under 1%.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond;

/** Microseconds of CPU `pid` has used, or `undefined` where /proc is not available. */
export function processCpuMicros(pid) {
  return cpuMicros(`/proc/${pid}/stat`);
}

/**
 * Microseconds of CPU the main thread of `pid` has used (`/proc/<pid>/task/<pid>/stat`: the thread
 * whose id is the process id), without V8's and libuv's helper threads; `undefined` without /proc.
 */
export function mainThreadCpuMicros(pid) {
  return cpuMicros(`/proc/${pid}/task/${pid}/stat`);
}

function cpuMicros(file) {
  let stat;
  try {
    stat = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces) in parentheses: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond;
}

/**
 * Reading what `valgrind --tool=callgrind --separate-threads=yes` wrote for one process: per thread,
 * the total instructions and the inclusive instructions of chosen C++ functions of the node binary
 * (V8's garbage collector and compilers have symbols; JIT-compiled JavaScript has none, so JavaScript
 * is what is left of the main thread once those are taken out).
 */

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether callgrind (valgrind) and callgrind_control/callgrind_annotate are installed. */
export function findCallgrind() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    return { skipped: 'valgrind (callgrind) not installed: apt-get install -y valgrind' };
  }
  // callgrind_annotate --version prints its version and exits with 255, so only its presence is checked.
  try {
    execFileSync('callgrind_annotate', ['--version'], { stdio: 'ignore' });
    return {};
  } catch (error) {
    if (error?.status === 255) return {};
    return { skipped: 'callgrind_annotate not found (it comes with valgrind)' };
  }
}

/** Turns instrumentation of a process run with `--instr-atstart=no` on or off. */
export function instrument(pid, on) {
  execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(pid)], { stdio: 'ignore', timeout: 120_000 });
}

/**
 * Dumps the counts gathered since the last dump (or since instrumentation went on) into
 * `<out-file>.<n>-<thread>` and zeroes them. callgrind_control returns once the process has dumped
 * (it goes through vgdb, which interrupts the process even when it waits in a syscall), so two dumps
 * taken while the server is idle enclose exactly the work between them, whenever instrumentation
 * actually went on.
 */
export function dump(pid) {
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore', timeout: 120_000 });
}

/**
 * Main-thread garbage collection: every collection (scavenge, mark-compact, minor mark-sweep) goes
 * through Heap::CollectGarbage (whose inclusive cost takes in the embedder's GC callbacks too);
 * incremental marking steps on allocation and main-thread sweeping tasks run outside it.
 */
const MAIN_GC = [
  /^v8::internal::Heap::CollectGarbage\(/,
  /^v8::internal::IncrementalMarking::AdvanceOnAllocation\(/,
  /^v8::internal::IncrementalMarkingJob::Task::RunInternal\(/,
  /^v8::internal::Sweeper::IncrementalSweeperTask::RunInternal\(/,
];
/** Called once per request the server parses (one keep-alive request per read, no pipelining). */
const MARKER = /^llhttp_execute$/;
/**
 * V8's runtime fallback for an object literal with computed keys that the compiled code could not
 * build inline. On Node 24, `process.nextTick` (whose queue entry is such a literal) takes it ~20 times
 * per request while its Maglev code runs, not when its Turbofan code runs: which tier a process settled
 * in shows here (see BENCHMARKS.md, "the Node 24 anomaly").
 */
const SLOW_LITERAL = /^v8::internal::Runtime_DefineKeyedOwnPropertyInLiteral\(/;
/** JIT compilation (lazy, baseline, Maglev, Turbofan), main thread or helper threads. */
const COMPILE = [
  /^v8::internal::Runtime_(CompileLazy|CompileOptimized\w*|CompileBaseline|InstallBaselineCode|CompileTurbofan\w*|CompileMaglev\w*)\(/,
  /^v8::internal::OptimizingCompileDispatcher::(CompileTask::RunInternal|InstallOptimizedFunctions)\(/,
  /^v8::internal::maglev::MaglevConcurrentDispatcher::(JobTask::Run|FinalizeFinishedJobs)\(/,
  /^v8::internal::baseline::ConcurrentBaselineCompiler::\w+::Run\(/,
];

/**
 * How many times functions whose name matches `pattern` were called in one callgrind file (the
 * `calls=` lines under a matching `cfn=`): a marker that the window counted the requests it should.
 */
export function countCalls(file, pattern) {
  const names = new Map();
  let callee = '';
  let calls = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const named = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named) {
      if (named[2] !== undefined) names.set(named[1], named[2]);
      if (line.startsWith('cfn=')) callee = names.get(named[1]) ?? '';
    } else if (line.startsWith('calls=') && pattern.test(callee)) calls += Number(line.slice(6).split(' ')[0]);
  }
  return calls;
}

/** `{ total, inclusive: Map<function, Ir> }` of one callgrind file. */
function readThread(file) {
  const text = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const total = Number(/^([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS/m.exec(text)?.[1].replaceAll(',', '') ?? 0);
  const inclusive = new Map();
  for (const match of text.matchAll(/^\s*([\d,]+) \([\s\d.]+%\)\s+\?*[^:\n]*:(.*?)(?: \[[^\]]*\])?$/gm)) {
    const name = match[2].trim();
    if (!inclusive.has(name)) inclusive.set(name, Number(match[1].replaceAll(',', '')));
  }
  return { total, inclusive };
}

const sumMatching = (inclusive, patterns) => {
  let sum = 0;
  for (const [name, cost] of inclusive) if (patterns.some((pattern) => pattern.test(name))) sum += cost;
  return sum;
};

/**
 * The instructions of one process, from its per-thread files `<prefix>-NN` (thread 01 is the main
 * thread): main thread total, its GC and JIT compile parts, other threads' total and compile part.
 */
export function readProcess(directory, prefix) {
  const files = readdirSync(directory)
    .filter((name) => name.startsWith(`${prefix}-`))
    .sort();
  const result = {
    mainTotal: 0,
    mainGc: 0,
    mainCompile: 0,
    otherTotal: 0,
    otherCompile: 0,
    markerCalls: 0,
    slowLiteralCalls: 0,
    threads: files.length,
    perThread: {},
  };
  for (const name of files) {
    const file = join(directory, name);
    if (readFileSync(file, 'utf8').length === 0) continue;
    const { total, inclusive } = readThread(file);
    result.perThread[name.slice(name.lastIndexOf('-') + 1)] = total;
    if (name.endsWith('-01')) {
      result.mainTotal = total;
      result.mainGc = sumMatching(inclusive, MAIN_GC);
      result.mainCompile = sumMatching(inclusive, COMPILE);
      result.markerCalls = countCalls(file, MARKER);
      result.slowLiteralCalls = countCalls(file, SLOW_LITERAL);
    } else {
      result.otherTotal += total;
      result.otherCompile += sumMatching(inclusive, COMPILE);
    }
  }
  return result;
}

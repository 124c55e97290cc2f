#!/usr/bin/env node
// Jaeger v2 for otelite's backend suite: built from its Go module with the machine's Go (cached
// outside the repository), configured in memory on free loopback ports, started, stopped by PID.
//
//   node test/e2e/backends/jaeger.mjs build    # build (or reuse) the binary; prints where and how long
//   node test/e2e/backends/jaeger.mjs start    # run one in memory and print its URLs; Ctrl-C stops it
//   node test/e2e/backends/jaeger.mjs test     # build, then the suite (npm run test:jaeger does this)
//
// Without `go` on the PATH, `build` and `test` print "SKIPPED jaeger e2e: go not found" and succeed.
// Nothing of Jaeger is committed: its source comes from the Go module proxy into a temporary folder,
// and the binary lives in ~/.cache/otelite/jaeger-<version>/ (OTELITE_CACHE moves ~/.cache/otelite).
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Jaeger release the suite runs against. */
export const JAEGER_VERSION = 'v1.76.0';
const JAEGER_MODULE = 'github.com/jaegertracing/jaeger';
const LOOPBACK = '127.0.0.1';
/** How long a start may take on a loaded 2-core machine before it counts as failed. */
const READY_TIMEOUT_MILLIS = 90_000;
/** How long SIGTERM gets before SIGKILL. */
const STOP_TIMEOUT_MILLIS = 20_000;
/** Lines of build or Jaeger output shown when something fails. */
const TAIL_LINES = 40;

/** The folder that holds the cached binary. */
export function jaegerCacheDirectory() {
  const cacheRoot = process.env.OTELITE_CACHE || join(homedir(), '.cache', 'otelite');
  return join(cacheRoot, `jaeger-${JAEGER_VERSION}`);
}

/** The `go` command on the PATH, or undefined. */
export function findGo() {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, 'go');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The last `count` lines of `text`. */
function tail(text, count = TAIL_LINES) {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function formatDuration(millis) {
  const seconds = Math.round(millis / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${(millis / 1000).toFixed(1)} s`;
}

/** Runs a command to completion; resolves with its exit code and combined output. */
function run(command, args, options) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output += chunk.toString();
      // Bounded: only the end of a long build log is ever shown.
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolvePromise({ code: -1, output: `${output}\n${error.message}` }));
    child.once('close', (code, signal) => resolvePromise({ code: code ?? -1, output: signal ? `${output}\nkilled by ${signal}` : output }));
  });
}

/** Makes every file and folder under `root` writable by its owner (module cache files are read-only). */
function makeWritable(root) {
  chmodSync(root, 0o755);
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else if (entry.isFile()) chmodSync(path, 0o644);
  }
}

/**
 * Builds `github.com/jaegertracing/jaeger/cmd/jaeger` at {@link JAEGER_VERSION}, or reuses the cached
 * binary. Jaeger's go.mod has `replace` directives, so `go install module@version` refuses it; the
 * module is downloaded through the proxy, copied to a temporary folder and built there as the main
 * module. Resolves with `{ binary, skipped }`: `skipped` is a reason when there is no `go`. Rejects with
 * the build's last lines when the build fails.
 */
export async function buildJaeger({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const directory = jaegerCacheDirectory();
  const binary = join(directory, 'jaeger');
  if (existsSync(binary)) {
    log(`jaeger e2e: reusing the cached Jaeger ${JAEGER_VERSION} (${binary})`);
    return { binary, skipped: undefined };
  }
  const go = findGo();
  if (go === undefined) return { binary: undefined, skipped: 'go not found' };

  const started = Date.now();
  const environment = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  log(`jaeger e2e: building Jaeger ${JAEGER_VERSION} with ${go} into ${directory} (minutes on a small machine)...`);
  const download = await run(go, ['mod', 'download', '-json', `${JAEGER_MODULE}@${JAEGER_VERSION}`], { env: environment, cwd: tmpdir() });
  let moduleFolder;
  try {
    const answer = JSON.parse(download.output.slice(download.output.indexOf('{')));
    if (answer.Error) throw new Error(answer.Error);
    moduleFolder = answer.Dir;
  } catch (error) {
    throw new Error(`jaeger e2e: could not download ${JAEGER_MODULE}@${JAEGER_VERSION} (${error.message}):\n${tail(download.output)}`);
  }
  const source = mkdtempSync(join(tmpdir(), 'otelite-jaeger-source-'));
  try {
    cpSync(moduleFolder, source, { recursive: true });
    makeWritable(source);
    mkdirSync(directory, { recursive: true });
    const partial = `${binary}.partial-${process.pid}`;
    const build = await run(go, ['build', '-trimpath', '-o', partial, './cmd/jaeger'], { env: environment, cwd: source });
    if (build.code !== 0) {
      rmSync(partial, { force: true });
      throw new Error(
        `jaeger e2e: the build of Jaeger ${JAEGER_VERSION} failed (exit ${build.code}); its last lines:\n${tail(build.output)}`,
      );
    }
    renameSync(partial, binary); // atomic: a present binary is always a complete one
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  log(`jaeger e2e: built Jaeger ${JAEGER_VERSION} in ${formatDuration(Date.now() - started)} (${binary})`);
  return { binary, skipped: undefined };
}

/** A free TCP port on 127.0.0.1 (bound to port 0, then released). */
function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** Distinct free loopback ports, one per name. */
async function allocatePorts(names) {
  const ports = new Set();
  while (ports.size < names.length) ports.add(await freePort());
  return Object.fromEntries([...ports].map((port, index) => [names[index], port]));
}

const endpoint = (port) => `${LOOPBACK}:${port}`;

/**
 * The collector's own telemetry: no metrics (their default is a Prometheus listener on port 8888), logs
 * to the log file. Shared by every role below.
 */
const TELEMETRY = [
  '  telemetry:',
  '    resource:',
  '      service.name: jaeger',
  '    metrics:',
  '      level: none',
  '    logs:',
  '      level: info',
];

/**
 * The configuration of one Jaeger, by role. Every listener is named and bound to 127.0.0.1; what the
 * defaults would add (the OTLP gRPC receiver unless asked for, Jaeger and Zipkin receivers, the
 * collector's metrics, zpages, pprof, expvar, remote sampling, jaeger_query's own tracing) is left out.
 * No pipeline has processors, so a 200 from the OTLP receiver means the spans are in storage.
 *
 * - `all-in-one`: OTLP/HTTP → memory storage, the query API (v3 and the UI's), a health check.
 * - `storage`: memory storage served to other Jaegers: writes through an OTLP gRPC receiver, reads
 *   through the `remote_storage` extension; the query API; a health check.
 * - `collector`: OTLP/HTTP → the `storage` Jaeger at `storagePorts` (gRPC storage backend), a health
 *   check. Stopping it is a collector outage: the stored spans stay in the storage Jaeger.
 */
export function jaegerConfiguration({ role, ports, storagePorts }) {
  const lines = ['service:'];
  const extensions = ['jaeger_storage', 'healthcheckv2'];
  if (role !== 'collector') extensions.push('jaeger_query');
  if (role === 'storage') extensions.push('remote_storage');
  lines.push(
    `  extensions: [${extensions.join(', ')}]`,
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp]',
    '      exporters: [jaeger_storage_exporter]',
    ...TELEMETRY,
    'extensions:',
    '  healthcheckv2:',
    '    use_v2: true',
    '    http:',
    `      endpoint: ${endpoint(ports.health)}`,
    '  jaeger_storage:',
    '    backends:',
    '      store:',
  );
  if (role === 'collector') {
    lines.push(
      '        grpc:',
      `          endpoint: ${endpoint(storagePorts.remoteStorage)}`,
      '          tls:',
      '            insecure: true',
      '          writer:',
      `            endpoint: ${endpoint(storagePorts.otlpGrpc)}`,
      '            tls:',
      '              insecure: true',
    );
  } else {
    lines.push('        memory:', '          max_traces: 100000');
    lines.push(
      '  jaeger_query:',
      '    enable_tracing: false',
      '    storage:',
      '      traces: store',
      '    http:',
      `      endpoint: ${endpoint(ports.queryHttp)}`,
      '    grpc:',
      `      endpoint: ${endpoint(ports.queryGrpc)}`,
    );
  }
  if (role === 'storage') lines.push('  remote_storage:', `    endpoint: ${endpoint(ports.remoteStorage)}`, '    storage: store');
  lines.push('receivers:', '  otlp:', '    protocols:');
  if (role === 'storage') lines.push('      grpc:', `        endpoint: ${endpoint(ports.otlpGrpc)}`);
  else lines.push('      http:', `        endpoint: ${endpoint(ports.otlpHttp)}`);
  lines.push('exporters:', '  jaeger_storage_exporter:', '    trace_storage: store', '');
  return lines.join('\n');
}

/** The ports each role listens on. */
const ROLE_PORTS = {
  'all-in-one': ['otlpHttp', 'queryHttp', 'queryGrpc', 'health'],
  storage: ['otlpGrpc', 'remoteStorage', 'queryHttp', 'queryGrpc', 'health'],
  collector: ['otlpHttp', 'health'],
};

const sleep = (millis) => new Promise((resolvePromise) => setTimeout(resolvePromise, millis));

/** Whether `url` answers 200 within a second. */
async function answersOk(url, init) {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** PIDs this module started and has not seen exit: killed if the calling process ends first. */
const running = new Set();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts one Jaeger ({@link jaegerConfiguration}) and resolves once it is ready: the health check
 * answers 200, and so do the query API and the OTLP/HTTP receiver (an empty request) where the role
 * has them.
 *
 * `role` is `'all-in-one'` (default), `'storage'` or `'collector'` (which needs `storage`, a running
 * storage Jaeger). `ports` reuses the ports of an earlier instance (a restart); by default free ones
 * are taken. Resolves with `{ pid, role, ports, otlpUrl, queryUrl, stop(), logTail(), exited }`;
 * `stop()` sends SIGTERM to the PID, waits for the exit, and sends SIGKILL after 20 s.
 */
export async function startJaeger({ binary, role = 'all-in-one', storage, ports, workDirectory } = {}) {
  if (!binary) throw new Error('startJaeger needs the binary that buildJaeger() resolved with');
  if (role === 'collector' && storage?.role !== 'storage')
    throw new Error("a 'collector' Jaeger needs storage: a running 'storage' Jaeger");
  const chosenPorts = ports ?? (await allocatePorts(ROLE_PORTS[role]));
  const folder = workDirectory ?? mkdtempSync(join(tmpdir(), `otelite-jaeger-${role}-`));
  const configFile = join(folder, 'config.yaml');
  writeFileSync(configFile, jaegerConfiguration({ role, ports: chosenPorts, storagePorts: storage?.ports }));
  const logFile = join(folder, 'jaeger.log');
  const logDescriptor = openSync(logFile, 'a');
  const child = spawn(binary, ['--config', configFile], { cwd: folder, stdio: ['ignore', logDescriptor, logDescriptor] });
  closeSync(logDescriptor);
  const { pid } = child;
  running.add(pid);
  let exit;
  const exited = new Promise((resolvePromise) => {
    child.once('exit', (code, signal) => {
      running.delete(pid);
      exit = { code, signal };
      resolvePromise(exit);
    });
  });
  const logTail = () => {
    try {
      return tail(readFileSync(logFile, 'utf8'));
    } catch {
      return '(no log)';
    }
  };
  const otlpUrl = chosenPorts.otlpHttp === undefined ? undefined : `http://${LOOPBACK}:${chosenPorts.otlpHttp}`;
  const queryUrl = chosenPorts.queryHttp === undefined ? undefined : `http://${LOOPBACK}:${chosenPorts.queryHttp}`;
  const stop = async () => {
    if (exit === undefined) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, STOP_TIMEOUT_MILLIS);
      await exited;
      clearTimeout(timer);
    }
    return exit;
  };

  const deadline = Date.now() + READY_TIMEOUT_MILLIS;
  const emptyRequest = { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(0) };
  for (;;) {
    if (exit !== undefined) {
      throw new Error(
        `jaeger e2e: Jaeger (${role}) exited before it was ready (code ${exit.code}, signal ${exit.signal}); its log:\n${logTail()}`,
      );
    }
    if (
      (await answersOk(`http://${LOOPBACK}:${chosenPorts.health}/status`)) &&
      (queryUrl === undefined || (await answersOk(`${queryUrl}/api/v3/services`))) &&
      (otlpUrl === undefined || (await answersOk(`${otlpUrl}/v1/traces`, emptyRequest)))
    ) {
      break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jaeger e2e: Jaeger (${role}) was not ready after ${READY_TIMEOUT_MILLIS / 1000} s; its log:\n${logTail()}`);
    }
    await sleep(100);
  }
  return { pid, role, ports: chosenPorts, otlpUrl, queryUrl, workDirectory: folder, stop, logTail, exited };
}

/** `/proc/net/tcp{,6}` hex address → text: IPv4 is one little-endian word, IPv6 four. */
function decodeHost(hex, family) {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((pair) => Number.parseInt(pair, 16)));
  if (family === 4) return bytes.join('.');
  const groups = [];
  for (let index = 0; index < 16; index += 2) groups.push(((bytes[index] << 8) | bytes[index + 1]).toString(16));
  return `[${groups.join(':')}]`;
}

/** The listening TCP sockets of a process, as `host:port` (Linux /proc; undefined where there is none). */
export function listeningAddresses(pid) {
  const inodes = new Set();
  try {
    for (const descriptor of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${descriptor}`));
        if (match) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return undefined;
  }
  const addresses = [];
  for (const [file, family] of [
    ['/proc/net/tcp', 4],
    ['/proc/net/tcp6', 6],
  ]) {
    let table;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of table.trim().split('\n').slice(1)) {
      const columns = row.trim().split(/\s+/);
      const [localAddress, state, inode] = [columns[1], columns[3], columns[9]];
      if (state !== '0A' || !inodes.has(inode)) continue; // 0A: LISTEN
      const [hexHost, hexPort] = localAddress.split(':');
      addresses.push(`${decodeHost(hexHost, family)}:${Number.parseInt(hexPort, 16)}`);
    }
  }
  return addresses.sort();
}

async function main(command, rest) {
  if (command === 'build' || command === 'test') {
    let built;
    try {
      built = await buildJaeger();
    } catch (error) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (built.skipped !== undefined) {
      process.stdout.write(`SKIPPED jaeger e2e: ${built.skipped}\n`);
      return 0;
    }
    if (command === 'build') return 0;
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const suite = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.jaeger.config.ts', ...rest], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, OTELITE_JAEGER_BINARY: built.binary },
    });
    return suite.status ?? 1;
  }
  if (command === 'start') {
    const built = await buildJaeger();
    if (built.skipped !== undefined) {
      process.stderr.write(`jaeger e2e: cannot start Jaeger: ${built.skipped}\n`);
      return 1;
    }
    const jaeger = await startJaeger({ binary: built.binary });
    process.stdout.write(
      `Jaeger ${JAEGER_VERSION} (pid ${jaeger.pid}) is ready.\n` +
        `  OTLP/HTTP: ${jaeger.otlpUrl}   (init({ endpoint: '${jaeger.otlpUrl}' }))\n` +
        `  query API and UI: ${jaeger.queryUrl}\n` +
        `  log: ${jaeger.workDirectory}\n` +
        'Ctrl-C stops it.\n',
    );
    await new Promise((resolvePromise) => {
      process.once('SIGINT', resolvePromise);
      process.once('SIGTERM', resolvePromise);
    });
    const exit = await jaeger.stop();
    process.stdout.write(`Jaeger stopped (${exit.signal ?? `exit code ${exit.code}`}).\n`);
    return 0;
  }
  process.stderr.write('usage: node test/e2e/backends/jaeger.mjs build | start | test [vitest arguments]\n');
  return 2;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv[2], process.argv.slice(3));
}

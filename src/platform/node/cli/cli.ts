#!/usr/bin/env node
/**
 * The `otelite` command line. `otelite receive` runs the embedded OTLP/HTTP receiver and prints the
 * traces it receives as trees until interrupted.
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_RECEIVER_HOST, DEFAULT_RECEIVER_PORT, startReceiver } from '../receiver/index.js';
import type { TraceTreeSink } from '../receiver/index.js';
import { loadTraceFile } from './load-traces.js';
import { openBrowser } from './open-browser.js';
import { DEFAULT_MAX_STORED_SPANS } from '../receiver/trace-store.js';

/** The streams and stop signal {@link runCli} works with; the `otelite` binary passes the process's own. */
export interface CliIo {
  /** Where trees and the startup line go. */
  stdout: TraceTreeSink;
  /** Where usage errors and failures go. */
  stderr: { write(text: string): unknown };
  /** Aborting it stops `receive`: pending traces print, the server closes, and the exit code is 0. */
  signal?: AbortSignal;
}

/** The usage text `otelite --help` prints. */
export const USAGE = `Usage: otelite <command> [options]

Commands:
  receive              Run an OTLP/HTTP trace receiver with a web trace viewer on the same port,
                       and print received traces as trees until interrupted (Ctrl-C)

Options for receive:
  -p, --port <port>    Port to listen on (default ${DEFAULT_RECEIVER_PORT}; 0 picks a free port)
      --host <host>    Interface to listen on (default ${DEFAULT_RECEIVER_HOST}: this machine only)
      --no-ui          Do not serve the web viewer
      --open           Open the viewer in a browser (when this machine has a way to)
      --json           Print one JSON line per completed trace instead of a tree
      --load <file>    Show the traces saved in an OTLP/JSON file (repeatable)
      --max-spans <n>  Spans the viewer keeps; the oldest traces go first (default ${DEFAULT_MAX_STORED_SPANS})

  -h, --help           Show this help

Point an exporter at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://${DEFAULT_RECEIVER_HOST}:${DEFAULT_RECEIVER_PORT}
`;

/** Exit code of a usage error (unknown command or option, bad value). */
const EXIT_USAGE = 2;

/**
 * Runs the `otelite` command line with `argv` (the arguments after the program name) and resolves with
 * the exit code: 0 on success, 1 when the receiver cannot start, 2 on a usage error (usage on stderr).
 * `receive` resolves only once `io.signal` aborts.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * const done = runCli(['receive', '--port', '0'], { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
 * // ... later
 * stop.abort();
 * process.exitCode = await done;
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'no-ui': { type: 'boolean' },
        open: { type: 'boolean' },
        json: { type: 'boolean' },
        load: { type: 'string', multiple: true },
        'max-spans': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help === true || command === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (command === undefined) return usageError(io, 'missing command');
  if (command !== 'receive') return usageError(io, `unknown command '${command}'`);
  if (rest.length > 0) return usageError(io, `unexpected argument '${rest[0]}'`);

  let port = DEFAULT_RECEIVER_PORT;
  if (values.port !== undefined) {
    port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
    if (!(port <= 65_535)) return usageError(io, `--port must be a number from 0 to 65535, got '${values.port}'`);
  }
  let maxSpans = DEFAULT_MAX_STORED_SPANS;
  if (values['max-spans'] !== undefined) {
    maxSpans = /^\d{1,9}$/.test(values['max-spans']) ? Number(values['max-spans']) : 0;
    if (maxSpans < 1) return usageError(io, `--max-spans must be a whole number from 1, got '${values['max-spans']}'`);
  }
  if (values['no-ui'] === true && values.open === true) return usageError(io, '--open needs the viewer, which --no-ui turns off');
  const host = values.host ?? DEFAULT_RECEIVER_HOST;
  return receive(
    {
      port,
      host,
      ui: values['no-ui'] !== true,
      open: values.open === true,
      json: values.json === true,
      load: values.load ?? [],
      maxSpans,
    },
    io,
  );
}

interface ReceiveSettings {
  port: number;
  host: string;
  ui: boolean;
  open: boolean;
  json: boolean;
  load: string[];
  maxSpans: number;
}

async function receive(settings: ReceiveSettings, io: CliIo): Promise<number> {
  const { port, host } = settings;
  let receiver;
  try {
    receiver = await startReceiver({
      port,
      host,
      print: io.stdout,
      printFormat: settings.json ? 'json' : 'tree',
      ui: settings.ui,
      maxStoredSpans: settings.maxSpans,
      maxRetainedSpans: 0, // the viewer's store keeps what the page shows; receiver.spans() is unused here
    });
  } catch (error) {
    io.stderr.write(`otelite: cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  // With --json, stdout carries only the trace lines; what a person reads goes to stderr.
  const say = settings.json ? io.stderr : io.stdout;
  say.write(`otelite receiver listening on ${receiver.url} (send OTLP/HTTP traces to ${receiver.tracesUrl}; Ctrl-C to stop)\n`);
  if (receiver.uiUrl !== undefined) say.write(`trace viewer: ${receiver.uiUrl}\n`);
  for (const file of settings.load) {
    try {
      const { requests } = await loadTraceFile(file, receiver.tracesUrl);
      say.write(`loaded ${file} (${requests} request${requests === 1 ? '' : 's'})\n`);
    } catch (error) {
      io.stderr.write(`otelite: cannot load ${error instanceof Error ? error.message : String(error)}\n`);
      await receiver.close();
      return 1;
    }
  }
  if (settings.open && receiver.uiUrl !== undefined && !(await openBrowser(receiver.uiUrl))) {
    say.write(`(no browser to open here: open ${receiver.uiUrl} yourself)\n`);
  }
  await new Promise<void>((resolve) => {
    if (io.signal === undefined) return; // runs until the process ends
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await receiver.close(); // prints what is still pending first
  return 0;
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`otelite: ${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}

/** True when this file is the program being run (also through the npm bin symlink), not an import. */
function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A closed pipe (`otelite receive | head`) ends the run instead of crashing it.
  process.stdout.on('error', onSignal);
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: stop.signal }).then((code) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.exitCode = code;
  });
}

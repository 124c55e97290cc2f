// otelite's demo: two traced services and a receiver that prints their traces, all on this machine.
//
//   npm run demo           (builds dist/, then runs this file)
//   npm run demo -- --ui   (the same, then keeps the receiver and its web trace viewer running; Ctrl-C ends it)
//
// 1. An embedded OTLP receiver starts on a free port (the same one `npx otelite receive` runs).
// 2. Two services start as child processes, each with one line of setup: init({ serviceName, endpoint }).
//    "frontend" answers /checkout/:item by asking "backend" for /inventory/:item with fetch.
// 3. This script sends a few requests to the frontend, one of which fails in the backend.
// 4. Both services are stopped with SIGTERM; otelite flushes their pending spans on the way out.
// 5. The receiver's traces are printed as trees: one trace per request, across both services.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatTraceTree, startReceiver } from 'otelite/receiver';

const DEADLINE_MILLIS = 14_000;
const deadline = setTimeout(() => {
  process.stderr.write('demo: gave up after 14 s; something is stuck.\n');
  process.exit(1);
}, DEADLINE_MILLIS);
deadline.unref();

const color = process.stdout.isTTY === true && process.stdout.hasColors?.() === true;
const bold = (text) => (color ? `\x1b[1m${text}\x1b[22m` : text);
const say = (text = '') => process.stdout.write(`${text}\n`);

/** Starts one service as a child process and resolves with it and the port it listens on. */
function startService(name, args) {
  const file = fileURLToPath(new URL(`./demo/${name}.mjs`, import.meta.url));
  const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ name, child, exited, port: message.port }));
    child.once('exit', (code) => reject(new Error(`the ${name} service exited early (code ${code})`)));
  });
}

const ui = process.argv.includes('--ui');
const receiver = await startReceiver({ port: 0, print: false, ui });
say(bold('otelite demo'));
say(`An OTLP receiver is listening on ${receiver.url}; both services export their spans to it.`);

const backend = await startService('backend', [receiver.url]);
const backendUrl = `http://127.0.0.1:${backend.port}`;
const frontend = await startService('frontend', [receiver.url, backendUrl]);
const frontendUrl = `http://127.0.0.1:${frontend.port}`;
say(`Started "backend" on ${backendUrl} and "frontend" on ${frontendUrl}, each with init({ serviceName, endpoint }).`);
say();

say(bold('Requests to the frontend (it calls the backend with fetch):'));
for (const item of ['42', '7', 'unicorn']) {
  const response = await fetch(`${frontendUrl}/checkout/${item}`);
  say(`  GET /checkout/${item.padEnd(8)} → ${response.status}  ${(await response.text()).trim()}`);
}
say();

// SIGTERM, as a process manager would send it. Neither service has shutdown code of its own: init()'s
// hooks send the spans still waiting in the batch queue, then let the signal end the process.
for (const service of [frontend, backend]) service.child.kill('SIGTERM');
const endings = await Promise.all([frontend.exited, backend.exited]);
const how = endings.every((ending) => ending.signal === 'SIGTERM')
  ? 'both ended by the signal, as they would have without otelite'
  : `they ended with ${endings.map((ending) => ending.signal ?? `exit code ${ending.code}`).join(' and ')}`;
say(`Stopped both services with SIGTERM (${how}); otelite sent their pending spans on the way out.`);
say();

const traces = receiver.traces();
const spanCount = receiver.stats().spans;
say(bold(`The receiver got ${spanCount} spans in ${traces.size} traces:`));
say();
for (const spans of traces.values()) say(formatTraceTree(spans, { color }));

say(bold('How to read this'));
say('  • Each request is one trace, across both processes: the frontend SERVER span, its CLIENT span');
say('    for the fetch, and the backend SERVER span under it, linked by the traceparent header.');
say('  • The unicorn request failed: the backend answered 500 and the frontend 502, so both');
say('    server spans and the fetch span are marked ERROR with error.type set.');
say('  • No collector was needed: `npx otelite receive` runs this same receiver on port 4318.');
say('    To send to a real OpenTelemetry Collector or Jaeger, see docs/getting-started.md.');

clearTimeout(deadline);
if (ui) {
  say();
  say(bold(`The trace viewer: ${receiver.uiUrl}`));
  say('  Open it to find the unicorn request, open its trace and read the failed spans. The receiver keeps');
  say('  running (point more services at it with OTEL_EXPORTER_OTLP_ENDPOINT=' + receiver.url + '); Ctrl-C stops it.');
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
await receiver.close();

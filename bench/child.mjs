/**
 * One side of one case in a fresh process: `node bench/child.mjs <case> <side> [settings-json]`,
 * forked by run.mjs with an IPC channel. Sends `{ ok, result | error }` and exits, so no JIT state,
 * heap or global registration (context manager, tracer provider, patched modules) outlives the run.
 * Run by hand (no IPC channel) it prints the result instead, e.g. for profiling:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/child.mjs span-lifecycle otelite
 */

const [caseId, side, settingsJson] = process.argv.slice(2);

function finish(message) {
  if (process.send) process.send(message, () => process.exit(0));
  else {
    console.log(JSON.stringify(message, null, 2));
    process.exit(message.ok ? 0 : 1);
  }
}

try {
  const { default: benchCase } = await import(`./cases/${caseId}.mjs`);
  const result = await benchCase.sides[side](JSON.parse(settingsJson ?? '{}'));
  finish({ ok: true, result });
} catch (error) {
  finish({ ok: false, error: String(error?.stack ?? error) });
}

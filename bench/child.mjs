/**
 * One side of one case in a fresh process: `node bench/child.mjs <case> <side> <settings-json>`,
 * forked by run.mjs with an IPC channel. Sends `{ ok, result | error }` and exits, so no JIT state,
 * heap or global registration (context manager, tracer provider, patched modules) outlives the run.
 */

const [caseId, side, settingsJson] = process.argv.slice(2);

function finish(message) {
  process.send(message, () => process.exit(0));
}

try {
  const { default: benchCase } = await import(`./cases/${caseId}.mjs`);
  const result = await benchCase.sides[side](JSON.parse(settingsJson ?? '{}'));
  finish({ ok: true, result });
} catch (error) {
  finish({ ok: false, error: String(error?.stack ?? error) });
}

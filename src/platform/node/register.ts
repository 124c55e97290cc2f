/**
 * `otelite/register`: the zero-code start. Loaded before the application,
 *
 * ```sh
 * node --import otelite/register app.mjs      # ES modules
 * node --require otelite/register app.cjs     # CommonJS
 * ```
 *
 * it starts the SDK with `init()` from the `OTEL_*` variables alone, before any of the application's
 * modules load. When `@opentelemetry/instrumentation` can be found (from the working directory, or next
 * to otelite), it also registers that package's ES module loader hook (`hook.mjs`, built on
 * import-in-the-middle) with `module.register`, so contrib instrumentations (Express, pg, ...) set up
 * with `registerInstrumentations` can patch ES modules too, as they already can CommonJS ones.
 * It acts in the main thread only (preloads also run in Node's module-hooks thread and in worker
 * threads). Nothing here throws: a hook that cannot be registered is reported through `diag`.
 * @packageDocumentation
 */
import { diag } from '@opentelemetry/api';
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { reportError } from '../../diagnostics/report.js';
// Through the Node entry point, which installs the Node platform (context manager, transport, exit hooks).
import { init } from '../../index.js';

/** The module (of `@opentelemetry/instrumentation`) whose loader hooks make ES modules patchable. */
const INSTRUMENTATION_HOOK_SPECIFIER = '@opentelemetry/instrumentation/hook.mjs';

/**
 * Registers `@opentelemetry/instrumentation`'s ES module loader hook when that package is installed and
 * this Node has `module.register`; returns the hook's URL, or `undefined` when it was not registered.
 */
function registerInstrumentationLoaderHook(): string | undefined {
  try {
    const register = (nodeModule as { register?: (specifier: string, parentUrl?: string | URL) => void }).register;
    if (typeof register !== 'function') return undefined;
    const hook = resolveHook();
    if (hook === undefined) {
      diag.debug(
        `otelite/register: ${INSTRUMENTATION_HOOK_SPECIFIER} not found; ES modules are not patchable by contrib instrumentations.`,
      );
      return undefined;
    }
    register(hook);
    return hook;
  } catch (error) {
    reportError('register', error, 'registering the ES module loader hook');
    return undefined;
  }
}

/** The URL of the hook, found from the working directory first (the application's own packages), then from otelite. */
function resolveHook(): string | undefined {
  const bases = [pathToFileURL(`${process.cwd()}/`).href, import.meta.url];
  for (const base of bases) {
    try {
      return pathToFileURL(nodeModule.createRequire(base).resolve(INSTRUMENTATION_HOOK_SPECIFIER)).href;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

// Preloads also run in Node's module-hooks thread (and in worker threads, which inherit `execArgv`):
// the SDK and the hook belong to the main thread only.
// init() first, so that its OTEL_LOG_LEVEL logger reports a hook that cannot be registered.
if (isMainThread) {
  init();
  registerInstrumentationLoaderHook();
}

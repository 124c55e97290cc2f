import { diag } from '@opentelemetry/api';

/**
 * The one module that touches the environment. Every component parses its own `OTEL_*` variables next
 * to its own code, but reads them through {@link readEnvironmentVariable}, which never throws:
 *
 * - Node.js and Bun: `process.env`.
 * - Deno: `Deno.env.get`. Without `--allow-env` (or without access to one variable) Deno throws
 *   `NotCapable`; that variable is then unset, and the first refusal is reported once through `diag`.
 * - Browsers and Workers without `nodejs_compat`: there is no environment; every variable is unset.
 *
 * A platform entry point (or a test) may install another source with {@link setEnvironmentSource}.
 */

/**
 * Where variables come from: the raw value of one variable, `undefined` when it is unset. It may throw
 * (a runtime that refuses access); {@link readEnvironmentVariable} turns that into "unset".
 */
export type EnvironmentSource = (name: string) => string | undefined;

/** The globals of the runtimes that have an environment, all optional: none of them exists everywhere. */
interface RuntimeGlobals {
  readonly Deno?: { readonly env?: { get?(name: string): string | undefined } };
  readonly process?: { readonly env?: Readonly<Record<string, string | undefined>> };
}

/** The runtime's own environment, looked up on each read (tests and hosts may replace `process.env`). */
function runtimeEnvironment(name: string): string | undefined {
  const runtime = globalThis as RuntimeGlobals;
  const deno = runtime.Deno?.env;
  if (deno !== undefined && typeof deno.get === 'function') return deno.get(name);
  const variables = runtime.process?.env;
  return variables !== undefined && variables !== null ? variables[name] : undefined;
}

let source: EnvironmentSource = runtimeEnvironment;
let refusalReported = false;

/**
 * The raw value of the environment variable `name`, or `undefined` when it is unset, when the runtime
 * has no environment, or when the runtime refuses access (reported once through `diag.warn`). Never
 * throws.
 *
 * @example
 * ```ts
 * const raw = readEnvironmentVariable('OTEL_BSP_MAX_QUEUE_SIZE'); // '4096', or undefined
 * ```
 */
export function readEnvironmentVariable(name: string): string | undefined {
  try {
    const value = source(name);
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    if (!refusalReported) {
      refusalReported = true;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      try {
        diag.warn(`otelite: the environment cannot be read (${reason}); OTEL_* variables are treated as unset.`);
      } catch {
        // A broken logger must not break configuration.
      }
    }
    return undefined;
  }
}

/**
 * Replaces the source {@link readEnvironmentVariable} reads from and returns the previous one; with
 * no argument, the runtime's own environment is used again. For platform entry points and tests.
 *
 * @example
 * ```ts
 * const previous = setEnvironmentSource((name) => ({ OTEL_SERVICE_NAME: 'checkout' })[name]);
 * // ... build components ...
 * setEnvironmentSource(previous);
 * ```
 */
export function setEnvironmentSource(replacement?: EnvironmentSource): EnvironmentSource {
  const previous = source;
  source = typeof replacement === 'function' ? replacement : runtimeEnvironment;
  return previous;
}

import { warnOnce } from '../diagnostics/report.js';

/** Environment variables by name, as `process.env` holds them. */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

interface DenoNamespace {
  env: { get(name: string): string | undefined };
  permissions?: { querySync?(descriptor: { name: 'env'; variable: string }): { state: string } };
}

const NO_VARIABLES: EnvironmentVariables = Object.freeze({});
let cached: EnvironmentVariables | undefined;
let deniedReported = false;

/**
 * The environment variables of this runtime, read without ever throwing or prompting: `process.env`
 * where there is one (Node, Bun, Workers with `nodejs_compat`), `Deno.env` in Deno for the variables
 * the program may read (one without permission reads as unset, which is reported once), nothing in a
 * browser.
 *
 * @example
 * ```ts
 * const level = environmentVariables().OTEL_LOG_LEVEL;
 * ```
 */
export function environmentVariables(): EnvironmentVariables {
  if (cached !== undefined) return cached;
  const global = globalThis as { Deno?: DenoNamespace; process?: { env?: EnvironmentVariables } };
  try {
    if (global.Deno !== undefined && typeof global.Deno.env?.get === 'function') {
      cached = denoVariables(global.Deno);
    } else {
      const env = global.process?.env;
      cached = env !== null && typeof env === 'object' ? env : NO_VARIABLES;
    }
  } catch {
    cached = NO_VARIABLES;
  }
  return cached;
}

/** `Deno.env` read one permitted variable at a time; a variable without permission is unset. */
function denoVariables(deno: DenoNamespace): EnvironmentVariables {
  const read = (name: string): string | undefined => {
    try {
      const state = deno.permissions?.querySync?.({ name: 'env', variable: name }).state ?? 'granted';
      if (state !== 'granted') {
        if (!deniedReported) {
          deniedReported = true;
          warnOnce(`otelite: no permission to read environment variables (such as ${name}); they are treated as unset. Run with --allow-env to use OTEL_* settings.`);
        }
        return undefined;
      }
      return deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  return new Proxy(NO_VARIABLES, {
    get: (_target, name) => (typeof name === 'string' ? read(name) : undefined),
  });
}

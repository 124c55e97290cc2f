import { warnOnce } from '../diagnostics/report.js';
import { readEnvironmentVariable, type EnvironmentSource } from './environment-variable.js';

/**
 * Typed readers for `OTEL_*` variables, shared by the components that parse their own. Each reads one
 * variable from `environment` (default: the runtime's, through {@link readEnvironmentVariable}),
 * treats a blank value as unset, and turns an invalid value into the fallback with one warning that
 * names the variable and the fallback. None throws.
 */

/** The trimmed value of `name`, `undefined` when unset or blank. */
export function readStringVariable(environment: EnvironmentSource, name: string): string | undefined {
  let raw: string | undefined;
  try {
    raw = environment === readEnvironmentVariable ? readEnvironmentVariable(name) : environment(name);
  } catch {
    raw = undefined;
  }
  const value = typeof raw === 'string' ? raw.trim() : undefined;
  return value ? value : undefined;
}

/** `true` or `false` (any case); `fallback` when unset, with a warning when neither. */
export function readBooleanVariable(environment: EnvironmentSource, name: string, fallback: boolean): boolean {
  const raw = readStringVariable(environment, name);
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  warnOnce(`${name}="${raw}" is not "true" or "false"; using ${fallback}.`);
  return fallback;
}

/**
 * A decimal integer of at least `minimum` (0 or 1), as a safe integer; `fallback` when unset, with a
 * warning when it is not one. `Infinity` as a fallback reads "no limit" in the warning.
 */
export function readIntegerVariable(environment: EnvironmentSource, name: string, fallback: number, minimum: 0 | 1): number {
  const raw = readStringVariable(environment, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    warnOnce(`${name}="${raw}" is not a non-negative integer; using ${describeNumber(fallback)}.`);
    return fallback;
  }
  if (value < minimum) {
    warnOnce(`${name}="${raw}" must be greater than 0; using ${describeNumber(fallback)}.`);
    return fallback;
  }
  return value;
}

/** One of `choices` (any case); `fallback` when unset, with a warning when another value. */
export function readChoiceVariable<T extends string>(environment: EnvironmentSource, name: string, choices: readonly T[], fallback: T): T {
  const raw = readStringVariable(environment, name);
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if ((choices as readonly string[]).includes(value)) return value as T;
  warnOnce(`${name}="${raw}" is not one of ${choices.join(', ')}; using ${fallback}.`);
  return fallback;
}

/**
 * A comma-separated list of names out of `known`, in order, each once; `none` alone (or anywhere)
 * means the empty list; `fallback` when unset. An unknown name is ignored with a warning that calls
 * it a `kind` (`'exporter'`, `'propagator'`).
 */
export function readNameListVariable<T extends string>(
  environment: EnvironmentSource,
  name: string,
  known: readonly T[],
  fallback: readonly T[],
  kind: string,
): T[] {
  const raw = readStringVariable(environment, name);
  if (raw === undefined) return [...fallback];
  const result: T[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim().toLowerCase();
    if (entry === 'none') return [];
    if ((known as readonly string[]).includes(entry)) {
      if (!result.includes(entry as T)) result.push(entry as T);
    } else if (entry) {
      warnOnce(`${name} names an unknown ${kind} "${entry}"; it is ignored (known: ${known.join(', ')}, none).`);
    }
  }
  return result;
}

/** An absolute `http:` or `https:` URL as written; `undefined` when unset or invalid (with a warning that never echoes it). */
export function readHttpUrlVariable(environment: EnvironmentSource, name: string): string | undefined {
  const raw = readStringVariable(environment, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    warnOnce(`${name} is not a valid URL; it is ignored.`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    warnOnce(`${name} must be an http: or https: URL; it is ignored.`);
    return undefined;
  }
  return raw;
}

function describeNumber(value: number): string {
  return value === Infinity ? 'no limit' : String(value);
}

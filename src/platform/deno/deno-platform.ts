import { traceFetchHandler } from '../../instrumentation/fetch/trace-fetch-handler.js';
import { instrumentFetch } from '../../instrumentation/fetch/instrument-fetch.js';
import { reportError, warnOnce } from '../../diagnostics/report.js';
import { nodePlatform } from '../node/node-platform.js';
import type { Disableable, Platform } from '../../platform.js';

interface DenoNamespace {
  version?: { deno?: string };
  pid?: number;
  serve?: (...args: unknown[]) => unknown;
  env?: { get(name: string): string | undefined };
  permissions?: { querySync?(descriptor: { name: 'env'; variable: string }): { state: string } };
}

/**
 * Deno: Node's parts where Deno implements them (AsyncLocalStorage, `node:http` server and client
 * channels, the `node:http` transport, exit hooks), plus `fetch` client spans through a
 * `globalThis.fetch` wrapper and `Deno.serve` server spans by wrapping its handler. The resource says
 * `process.runtime.name=deno`. With Deno's own OpenTelemetry on (`OTEL_DENO=true`), which owns the API
 * globals and traces HTTP itself, otelite says so once and turns on no HTTP instrumentation (no doubled spans).
 *
 * @example
 * ```ts
 * installPlatform(denoPlatform);
 * ```
 */
export const denoPlatform: Platform = Object.freeze<Platform>({
  ...nodePlatform,
  name: 'deno',
  resourceAttributes: () => {
    const attributes = nodePlatform.resourceAttributes();
    const pid = deno()?.pid;
    if (typeof pid === 'number') attributes['process.pid'] = pid;
    return {
      ...attributes,
      'process.runtime.name': 'deno',
      'process.runtime.version': deno()?.version?.deno ?? '',
      'process.runtime.description': 'Deno',
    };
  },
  instrumentHttp(options) {
    if (denoTelemetryActive()) {
      noticeDenoTelemetry();
      return undefined;
    }
    const parts: Disableable[] = [];
    const node = nodePlatform.instrumentHttp(options);
    if (node !== undefined) parts.push(node);
    // The same options: `propagateTraceHeaderUrls` limits the fetch wrapper's trace headers too.
    parts.push(instrumentFetch(options ?? {}), instrumentDenoServe());
    return {
      disable: () => {
        for (const part of parts) part.disable();
      },
    };
  },
});

const DENO_TELEMETRY_NOTICE =
  "otelite: Deno's built-in OpenTelemetry is on (OTEL_DENO=true). It owns the global tracer provider, context " +
  'manager and propagator and traces HTTP (Deno.serve, fetch, node:http) itself, so otelite leaves all of that ' +
  "to it: spans from trace.getTracer() go to Deno's exporter, only spans of sdk.tracerProvider to otelite's.";
let noticed = false;

/**
 * Says once that Deno's telemetry is in charge: through `diag`, and on the console too, since Deno
 * registers its own API globals (version 1.999.999) and no `diag` logger can then be installed.
 */
function noticeDenoTelemetry(): void {
  warnOnce(DENO_TELEMETRY_NOTICE);
  if (noticed) return;
  noticed = true;
  try {
    console.warn(DENO_TELEMETRY_NOTICE);
  } catch {
    // No console: the diag warning is all there is.
  }
}

function deno(): DenoNamespace | undefined {
  return (globalThis as { Deno?: DenoNamespace }).Deno;
}

/** Whether `OTEL_DENO=true` (read only with permission; without, Deno's telemetry cannot be on either). */
function denoTelemetryActive(): boolean {
  try {
    const namespace = deno();
    if (namespace?.permissions?.querySync?.({ name: 'env', variable: 'OTEL_DENO' }).state !== 'granted') return false;
    return namespace.env?.get('OTEL_DENO')?.trim().toLowerCase() === 'true';
  } catch {
    return false;
  }
}

/** Wraps `Deno.serve` so its handler (the function argument, or `options.handler`) gets server spans. */
function instrumentDenoServe(): Disableable {
  const namespace = deno();
  const original = namespace?.serve;
  if (namespace === undefined || typeof original !== 'function') return { disable() {} };
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    try {
      const last = args.length - 1;
      if (typeof args[0] === 'function') {
        args[0] = traceFetchHandler(args[0] as (request: Request) => Response);
      } else if (last >= 1 && typeof args[last] === 'function') {
        args[last] = traceFetchHandler(args[last] as (request: Request) => Response);
      } else if (args[0] !== null && typeof args[0] === 'object' && typeof (args[0] as { handler?: unknown }).handler === 'function') {
        const options = args[0] as { handler: (request: Request) => Response };
        args[0] = { ...options, handler: traceFetchHandler(options.handler) };
      }
    } catch (error) {
      reportError('instrumentation.fetch.server', error, 'Deno.serve');
    }
    return original.apply(this, args);
  };
  try {
    namespace.serve = wrapped;
  } catch (error) {
    reportError('instrumentation.fetch.server', error, 'replacing Deno.serve');
    return { disable() {} };
  }
  return {
    disable() {
      if (namespace.serve === wrapped) namespace.serve = original;
    },
  };
}

import { traceFetchHandler } from '../../instrumentation/fetch/trace-fetch-handler.js';
import { instrumentFetch } from '../../instrumentation/fetch/instrument-fetch.js';
import { reportError } from '../../diagnostics/report.js';
import { instrumentServerRequestEvents } from './server-request-events.js';
import { nodePlatform } from '../node/node-platform.js';
import type { Disableable, Platform } from '../../platform.js';

interface BunNamespace {
  version?: string;
  serve?: (options: { fetch?: unknown }, ...rest: unknown[]) => unknown;
}

/**
 * Bun: Node's parts where Bun implements them (AsyncLocalStorage, `node:http` client channels, the
 * `node:http` transport, exit hooks), plus what Bun lacks: `node:http` server spans through the servers'
 * `'request'` event, `fetch` client spans through a `globalThis.fetch` wrapper, and `Bun.serve` server
 * spans by wrapping the `fetch` handler it is given. The resource says `process.runtime.name=bun`.
 *
 * @example
 * ```ts
 * installPlatform(bunPlatform);
 * ```
 */
export const bunPlatform: Platform = Object.freeze<Platform>({
  ...nodePlatform,
  name: 'bun',
  resourceAttributes: () => ({
    ...nodePlatform.resourceAttributes(),
    'process.runtime.name': 'bun',
    'process.runtime.version': bun()?.version ?? '',
    'process.runtime.description': 'Bun',
  }),
  instrumentHttp(options) {
    const parts: Disableable[] = [];
    const node = nodePlatform.instrumentHttp(options);
    if (node !== undefined) parts.push(node);
    // The same options: `propagateTraceHeaderUrls` limits the fetch wrapper's trace headers too.
    parts.push(instrumentServerRequestEvents(), instrumentFetch(options ?? {}), instrumentBunServe());
    return {
      disable: () => {
        for (const part of parts) part.disable();
      },
    };
  },
});

function bun(): BunNamespace | undefined {
  return (globalThis as { Bun?: BunNamespace }).Bun;
}

/** Wraps `Bun.serve` so the `fetch` handler of every server started gets a server span. */
function instrumentBunServe(): Disableable {
  const namespace = bun();
  const original = namespace?.serve;
  if (namespace === undefined || typeof original !== 'function') return { disable() {} };
  const wrapped = function (this: unknown, options: { fetch?: unknown }, ...rest: unknown[]): unknown {
    let given = options;
    try {
      if (options !== null && typeof options === 'object' && typeof options.fetch === 'function') {
        given = { ...options, fetch: traceFetchHandler(options.fetch as (request: Request) => Response) };
      }
    } catch (error) {
      reportError('instrumentation.fetch.server', error, 'Bun.serve');
    }
    return original.call(this, given, ...rest);
  };
  namespace.serve = wrapped;
  return {
    disable() {
      if (namespace.serve === wrapped) namespace.serve = original;
    },
  };
}

import { reportError, warnOnce } from '../../../../diagnostics/report.js';
import { disableFetchInstrumentation, enableFetchInstrumentation } from './fetch-client.js';
import { resolveHttpInstrumentationSettings, type HttpInstrumentationOptions } from './http-instrumentation-options.js';
import { disableNodeClientInstrumentation, enableNodeClientInstrumentation } from './node-client.js';
import { watchForOpenTelemetryJsInstrumentations } from './opentelemetry-js-instrumentations.js';
import { disableServerInstrumentation, enableServerInstrumentation } from './server.js';

export type {
  HttpInstrumentationOptions,
  IncomingRequestInfo,
  OutgoingRequestInfo,
} from './http-instrumentation-options.js';
export { setHttpRoute } from './server.js';
export { traceHandler } from './server.js';
export { tracedFetch } from './fetch-client.js';

/** What `instrumentHttp` returns. */
export interface HttpInstrumentation {
  /**
   * Stops creating spans: unsubscribes every channel and puts the original `request`/`get` of
   * `node:http`/`node:https` back. Spans already started still end. Idempotent; afterwards
   * `instrumentHttp()` may be called again.
   */
  disable(): void;
}

let current: HttpInstrumentation | undefined;

/**
 * The process-wide slot holding the HTTP instrumentation that is on, shared by every copy of otelite in
 * the process (a bundler's copy next to the one in node_modules, as Next.js makes without
 * `serverExternalPackages`): only one traces HTTP, so no request gets a span from each.
 */
const PROCESS_SLOT = Symbol.for('otelite.http.instrumentation');

type ProcessSlot = { [PROCESS_SLOT]?: HttpInstrumentation };

/**
 * Traces HTTP with one call: a server span for every request `node:http`/`node:https` servers receive
 * (the handler runs with it active, its parent taken from the incoming `traceparent`), and a client
 * span for every `fetch` and `node:http`/`node:https` request, with the trace headers injected. It
 * subscribes to Node's `diagnostics_channel`s, so it covers CommonJS and ESM alike, needs no loader
 * flags, and covers modules loaded before it. Spans go to the global tracer provider (scope
 * `otelite/http`), contexts through the global propagator; register the SDK first or after, either works.
 *
 * The one patch: `request` and `get` of `node:http(s)` are wrapped (ESM named imports included) on
 * every Node version, and `disable()` undoes it. On Node versions without `http.client.request.created`
 * (before 22.14 / 23.2) every request's trace headers are set through the wrapper; on newer ones only
 * requests whose header block Node writes in the constructor (headers as an array, an `Expect` header)
 * use it, the rest pass straight through to the channel.
 *
 * Calling it again while enabled is harmless: it returns the same handle and the first call's options
 * stay in force (a warning says so). So is calling it from a second copy of otelite in the same process
 * (one a bundler copied into the application, next to the one in node_modules): that copy stands aside
 * with one warning, and the first copy's instrumentation traces every request once. The OTLP exporter's requests, and any made in a context with
 * tracing suppressed, are never traced. Every user callback is guarded.
 *
 * Next to opentelemetry-js's `@opentelemetry/instrumentation-http` or `-undici` (alone or through
 * `getNodeAutoInstrumentations()`), reporting into an otelite provider, it stands aside for the part
 * that package covers (`node:http(s)`, or `fetch`), with one warning naming it, so nothing is traced
 * twice; and trace headers always replace a value already on the request, never add a second one.
 *
 * @example
 * ```ts
 * new TracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] }).register();
 * const http = instrumentHttp({ ignoreIncomingRequest: (req) => req.url === '/health' });
 * // ... at shutdown
 * http.disable();
 * ```
 */
export function instrumentHttp(options?: HttpInstrumentationOptions): HttpInstrumentation {
  if (current !== undefined) {
    if (options !== undefined) warnOnce('instrumentHttp() is already enabled; the options of the later call are ignored.');
    return current;
  }
  const slot = globalThis as ProcessSlot;
  const other = slot[PROCESS_SLOT];
  if (other !== undefined) {
    warnOnce(
      'instrumentHttp(): another copy of otelite already traces HTTP in this process; this one stands aside (nothing is traced twice).',
    );
    return { disable() {} };
  }
  const settings = resolveHttpInstrumentationSettings(options);
  const handle: HttpInstrumentation = {
    disable() {
      if (current !== handle) return;
      current = undefined;
      if (slot[PROCESS_SLOT] === handle) slot[PROCESS_SLOT] = undefined;
      try {
        disableServerInstrumentation();
        disableFetchInstrumentation();
        disableNodeClientInstrumentation();
      } catch (error) {
        reportError('instrumentation.http', error, 'disable');
      }
    },
  };
  current = handle;
  slot[PROCESS_SLOT] = handle;
  try {
    watchForOpenTelemetryJsInstrumentations();
    enableServerInstrumentation(settings);
    enableFetchInstrumentation(settings);
    enableNodeClientInstrumentation(settings);
  } catch (error) {
    reportError('instrumentation.http', error, 'enable');
  }
  return handle;
}

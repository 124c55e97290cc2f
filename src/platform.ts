/**
 * The Platform contract: what the core asks of a runtime, the web-standard default, and the one
 * installed platform the core's defaults come from. Imports only `context/` and `transport/`; the
 * implementations live in `platform/<runtime>/`, each installed by its runtime's entry point.
 */
import type { Attributes, ContextManager } from '@opentelemetry/api';
import type { HttpTransportFactory } from './transport/http-transport.js';
import { StackContextManager } from './context/stack-context-manager.js';
import { createFetchTransport } from './transport/fetch-transport.js';

/** Something `init()` turned on and turns off again at `shutdown()`. */
export interface Disableable {
  disable(): void;
}

/** What `init()` asks a platform to flush on its way out (the running SDK). */
export interface FlushTarget {
  /** Flushes without holding the program open. Never rejects. */
  flushInBackground(): Promise<void>;
  /** Shuts the SDK down. Never rejects. */
  shutdown(): Promise<void>;
}

/** Hooks a platform installed; `remove()` takes them off again (idempotent). */
export interface RemovableHooks {
  remove(): void;
}

/**
 * The runtime-specific parts the core is handed: each platform (`src/platform/<name>/`) builds one and
 * its entry point installs it with {@link installPlatform}; the core never imports a platform itself.
 * Without one installed, the web-standard platform applies (no async context, `fetch`, nothing detected).
 */
export interface Platform {
  /** For diagnostics: `'node'`, `'bun'`, `'deno'`, `'workerd'`, `'browser'`, `'web'`. */
  readonly name: string;
  /** A new, enabled context manager, as `register()` installs it. */
  createContextManager(): ContextManager;
  /**
   * The platform's resource attributes under `OTEL_RESOURCE_ATTRIBUTES`/`OTEL_SERVICE_NAME`: its default
   * `service.name`, `telemetry.sdk.language` and the detected process, runtime and host facts.
   */
  resourceAttributes(): Attributes;
  /** The OTLP exporter's HTTP client. */
  readonly createTransport: HttpTransportFactory;
  /**
   * Turns on the automatic HTTP instrumentation `init()` asks for (`options` are `instrumentHttp`'s);
   * `undefined` where the platform has none.
   */
  instrumentHttp(options: object | undefined): Disableable | undefined;
  /** Flushes `sdk` when the program or page goes away; `undefined` where there is no such moment. */
  installShutdownHooks(sdk: FlushTarget): RemovableHooks | undefined;
  /**
   * On runtimes that stop a request's work with its response (edge): a span processor that calls `flush`
   * when a request's local root span ends and hands the flush to the current request's `waitUntil`;
   * `init()` adds it. Absent elsewhere (so other bundles carry none of it). Typed as `object` because this
   * layer sits below the span processors; it is a `SpanProcessor`.
   */
  requestFlushProcessor?(flush: () => Promise<void>): object;
}

/**
 * The web-standard platform, the core's own default: a {@link StackContextManager} (no async context),
 * the `fetch` transport, no detected resource facts (`telemetry.sdk.language=webjs`), no automatic
 * instrumentation and no exit hooks. The browser and Workers platforms build on it.
 *
 * @example
 * ```ts
 * installPlatform(webPlatform);
 * ```
 */
export const webPlatform: Platform = Object.freeze<Platform>({
  name: 'web',
  createContextManager: () => new StackContextManager().enable(),
  resourceAttributes: () => ({ 'service.name': 'unknown_service', 'telemetry.sdk.language': 'webjs' }),
  createTransport: (options) => createFetchTransport(options),
  instrumentHttp: () => undefined,
  installShutdownHooks: () => undefined,
});

let installed: Platform = webPlatform;

/**
 * Makes `platform` the one the core's defaults come from (`register()`'s context manager, the default
 * resource, the exporter's transport, `init()`'s instrumentation and exit hooks). Called once by each
 * platform's entry point; the last call wins.
 *
 * @example
 * ```ts
 * installPlatform(nodePlatform);
 * ```
 */
export function installPlatform(platform: Platform): void {
  installed = platform;
}

/**
 * The platform installed by the entry point that was loaded, else the web-standard one ({@link webPlatform}).
 *
 * @example
 * ```ts
 * const manager = currentPlatform().createContextManager();
 * ```
 */
export function currentPlatform(): Platform {
  return installed;
}

import { createFetchTransport } from '../export/otlp/fetch-transport.js';
import { StackContextManager } from '../context/stack-context-manager.js';
import type { Platform } from './platform.js';

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

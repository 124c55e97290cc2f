import type { Platform } from '../platform.js';
import { AsyncLocalStorageContextManager } from './async-local-storage-context-manager.js';
import { DEFAULT_SERVICE_NAME, detectResources } from './detectors.js';
import { createHttpTransport } from './http-transport.js';
import { instrumentHttp } from './instrumentation/http/index.js';
import { installShutdownHooks } from './shutdown-hooks.js';

/**
 * Node.js: an `AsyncLocalStorageContextManager`, the `node:http(s)` transport, the process and host
 * detectors, `diagnostics_channel` HTTP instrumentation and the `beforeExit`/signal flush hooks.
 *
 * @example
 * ```ts
 * installPlatform(nodePlatform);
 * ```
 */
export const nodePlatform: Platform = Object.freeze<Platform>({
  name: 'node',
  createContextManager: () => new AsyncLocalStorageContextManager().enable(),
  resourceAttributes: () => ({
    'service.name': DEFAULT_SERVICE_NAME,
    'telemetry.sdk.language': 'nodejs',
    ...detectResources().attributes,
  }),
  createTransport: createHttpTransport,
  instrumentHttp: (options: object | undefined) => instrumentHttp(options),
  installShutdownHooks: (sdk) => installShutdownHooks(sdk),
});

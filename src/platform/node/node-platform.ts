import type { Platform } from '../../platform.js';
import { AsyncLocalStorageContextManager } from './context/async-local-storage-context-manager.js';
import { DEFAULT_SERVICE_NAME, detectResources } from './detectors.js';
import { createHttpTransport } from './http-transport.js';
import { instrumentHttp } from './instrumentation/http/index.js';
import { installExitListener, installShutdownHooks } from './shutdown-hooks.js';

/**
 * Node.js: an `AsyncLocalStorageContextManager`, the `node:http(s)` transport, the process and host
 * detectors, `diagnostics_channel` HTTP instrumentation, the `beforeExit`/signal flush hooks and, with
 * the first transport, the `exit` listener (all from `shutdown-hooks.ts`).
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
  createTransport: (options) => {
    // Whoever gets a Node transport can also send at exit: the listener that does it goes in once.
    installExitListener();
    return createHttpTransport(options);
  },
  instrumentHttp: (options: object | undefined) => instrumentHttp(options),
  installShutdownHooks: (sdk) => installShutdownHooks(sdk),
});

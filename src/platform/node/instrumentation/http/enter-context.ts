import { context, type Context } from '@opentelemetry/api';
import { enterContext } from '../../async-local-storage-context-manager.js';
import { warnOnce } from '../../../../diagnostics/report.js';

/** Whether entering has been seen to change the global active context (checked once, not per request). */
let confirmed = false;

/**
 * Makes `requestContext` the active context for the rest of an incoming request's dispatch: the
 * `'request'` listener Node calls right after `http.server.request.start`, and everything it awaits or
 * schedules. A diagnostics-channel subscriber has no function to wrap, so this relies on otelite's
 * `AsyncLocalStorageContextManager` (the one `register()` installs), whose `enterWith` does it. With
 * another global context manager the span is still recorded, but handlers do not see it: one warning
 * says so, and `traceHandler` is the way out. Returns whether the context was entered.
 */
export function enterRequestContext(requestContext: Context): boolean {
  if (!enterContext(requestContext)) {
    confirmed = false;
  } else if (confirmed || context.active() === requestContext) {
    // Checked until it first holds: the manager entered is the global one.
    confirmed = true;
    return true;
  }
  warnOnce(
    'the global context manager is not an enabled otelite AsyncLocalStorageContextManager, so request handlers ' +
      "do not run inside their server span; register otelite's, or wrap handlers with traceHandler().",
  );
  return false;
}

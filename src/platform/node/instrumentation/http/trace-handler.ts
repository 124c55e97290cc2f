import { context } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handlerContextOf } from './server.js';

/**
 * Wraps a `node:http`/`node:https` request listener so each request gets a server span and the
 * listener runs with it active, whether or not `instrumentHttp()` is enabled:
 *
 * - with `instrumentHttp()` enabled, the request already has its span (or was ignored), and the
 *   listener runs in that span's context: no second span;
 * - without it, the wrapper starts the span itself (default options) and ends it when the response
 *   closes (status from the response; closed before finishing: status Error, `error.type` `aborted`).
 *
 * It also works with a global context manager other than otelite's, since it uses `context.with`.
 *
 * @example
 * ```ts
 * const server = http.createServer(traceHandler(async (req, res) => {
 *   const upstream = await fetch('http://inventory.internal/items'); // a child of the server span
 *   res.end(await upstream.text());
 * }));
 * ```
 */
export function traceHandler<Request extends IncomingMessage, Response extends ServerResponse>(
  listener: (request: Request, response: Response) => unknown,
): (request: Request, response: Response) => void {
  return function tracedListener(this: unknown, request: Request, response: Response): void {
    const handlerContext = handlerContextOf(request, response, 'traceHandler');
    if (handlerContext === null) {
      listener.call(this, request, response);
    } else {
      context.with(handlerContext, listener, this, request, response);
    }
  };
}

import { context } from '@opentelemetry/api';
import { Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { handlerContextOf } from '../node/instrumentation/http/server.js';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Server spans for `node:http`/`node:https` servers on runtimes that implement `node:http` but publish
 * no `http.server.request.start` channel (Bun): the servers' `emit` is wrapped so each `'request'`
 * event starts the span (as `traceHandler` does) and the listeners run with it active; the span ends
 * when the response closes. A request the channel already traced passes through unchanged, so on a
 * runtime that has the channel too nothing is doubled. `disable()` puts `emit` back.
 *
 * @example
 * ```ts
 * const events = instrumentServerRequestEvents();
 * // ... later
 * events.disable();
 * ```
 */
export function instrumentServerRequestEvents(): { disable(): void } {
  const restores: (() => void)[] = [];
  for (const Server of [HttpServer, HttpsServer]) {
    const prototype = Server?.prototype as { emit?: Emit } | undefined;
    if (prototype === undefined || typeof prototype.emit !== 'function') continue;
    const hadOwn = Object.hasOwn(prototype, 'emit');
    const original = prototype.emit;
    const wrapped: Emit = function (this: unknown, event, ...args) {
      if (event !== 'request') return original.call(this, event, ...args);
      const [request, response] = args as [IncomingMessage, ServerResponse];
      const handlerContext = handlerContextOf(request, response, 'request event');
      if (handlerContext === null) return original.call(this, event, ...args);
      return context.with(handlerContext, original, this, event, ...args);
    };
    prototype.emit = wrapped;
    restores.push(() => {
      if (prototype.emit !== wrapped) return;
      if (hadOwn) prototype.emit = original;
      else delete prototype.emit;
    });
  }
  let disabled = false;
  return {
    disable() {
      if (disabled) return;
      disabled = true;
      for (const restore of restores) restore();
    },
  };
}

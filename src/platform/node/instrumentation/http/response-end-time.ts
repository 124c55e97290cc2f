import type { ServerResponse } from 'node:http';
import { reportError } from '../../../../diagnostics/report.js';

/** Called with each response whose `end()` is called, before `end()` runs. */
type EndListener = (response: ServerResponse) => void;

interface EndPatch {
  readonly original: (...args: unknown[]) => unknown;
  readonly wrapper: (...args: unknown[]) => unknown;
}

let listener: EndListener | undefined;
/** The wrapped `end` methods, by the prototype that owns them (`http.ServerResponse.prototype`, a subclass's). */
const patches = new Map<object, EndPatch>();
/** The prototype of the last response seen, whose `end` is known to be wrapped. */
let lastPrototype: object | null | undefined;
/** The wrapper installed last: a response whose `end` is it needs nothing more (one property read). */
let lastWrapper: unknown;

/**
 * Makes `end()` of responses like `response` call `onEnd(response)` first, before any byte of the end
 * is written: the moment the application finished the response. (Node's `'finish'`, and its
 * `http.server.response.finish` channel, come from the socket's write callback, one or, with a busy
 * event loop, many turns later; `'prefinish'` comes after the write, so a preempted process could time
 * it after the client already has the answer.) The method is wrapped once, where the prototype chain
 * defines it, never on the response itself; per-response wrappers (compression middleware, ...) still
 * end up in it. `onEnd` replaces the listener of an earlier call. Never throws.
 *
 * @example
 * ```ts
 * noticeResponseEnds(response, (ended) => recordEndTime(ended));
 * ```
 */
export function noticeResponseEnds(response: ServerResponse, onEnd: EndListener): void {
  listener = onEnd;
  // The usual case, every response of the process alike: its `end` is the wrapper already. Cheaper
  // than reading its prototype (`Object.getPrototypeOf` of a response is a call into the runtime), and
  // small enough for the optimizing compiler to inline into the caller (the rest is a function of its own).
  try {
    if (lastWrapper === undefined || response.end !== lastWrapper) wrapEndOf(response);
  } catch (error) {
    reportError('instrumentation.http.server', error, 'wrapping ServerResponse.end');
  }
}

/** Wraps the `end` that `response` inherits, unless it is wrapped already. */
function wrapEndOf(response: ServerResponse): void {
  const prototype = Object.getPrototypeOf(response) as object | null;
  if (prototype === lastPrototype) return; // the usual case: every response of the process is alike
  lastPrototype = prototype;
  let owner = prototype;
  while (owner !== null && !Object.hasOwn(owner, 'end')) owner = Object.getPrototypeOf(owner) as object | null;
  if (owner === null || patches.has(owner)) return;
  const methods = owner as { end: (...args: unknown[]) => unknown };
  const original = methods.end;
  if (typeof original !== 'function') return;
  const wrapper = function end(this: ServerResponse): unknown {
    const notify = listener;
    if (notify !== undefined) {
      try {
        notify(this);
      } catch (error) {
        reportError('instrumentation.http.server', error, 'response end');
      }
    }
    // `arguments` passed straight on is not materialized (a rest parameter is an array per response).
    // `Reflect.apply`, not `original.apply`: with the latter, Node 20's V8 never optimizes this function
    // (it stays in its baseline tier, ~3× slower, for every response of the process).
    // biome-ignore lint/complexity/noArguments: the call's arguments as they are, without an allocation
    return Reflect.apply(original, this, arguments as unknown as unknown[]);
  };
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  methods.end = wrapper;
  lastWrapper = wrapper;
  patches.set(owner, { original, wrapper });
}

/** Puts back every `end` {@link noticeResponseEnds} wrapped (one wrapped again since keeps passing calls through). */
export function stopNoticingResponseEnds(): void {
  listener = undefined;
  for (const [owner, patch] of patches) {
    const methods = owner as { end: unknown };
    if (methods.end === patch.wrapper) methods.end = patch.original;
  }
  patches.clear();
  lastPrototype = undefined;
  lastWrapper = undefined;
}

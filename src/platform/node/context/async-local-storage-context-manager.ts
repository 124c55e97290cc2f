import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { AttachToken, type AttachSlot, type ContextToken, type LiveTokens } from '../../../context/attach-token.js';

type Listener = (...args: unknown[]) => unknown;
type EventName = string | symbol;
/** Per bound emitter: for each event, each original listener's wrapper. Weak in the listener. */
type ListenerWrappers = Map<EventName, WeakMap<Listener, Listener>>;

const ADD_METHODS = ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;

/** Every wrapper this module made, so a wrapper handed back to a patched method is not wrapped again. */
const wrappers = new WeakSet<Listener>();

/**
 * The storages of the enabled managers, most recently enabled last: {@link enterContext} enters into the
 * last one. A stack, not a single slot, so that disabling a manager the API refused to install (a second
 * `register()`) hands back to the one that is still global. Storages rather than managers: entering
 * calls Node's `enterWith` and nothing of a subclass, so that it cannot throw.
 */
const enabledStorages: AsyncLocalStorage<Context>[] = [];

/**
 * A `ContextManager` for Node.js built on one `AsyncLocalStorage`: the active context follows `await`,
 * promise chains, timers, `setImmediate`, `process.nextTick` and callbacks of Node's own async APIs, and
 * concurrent requests never see each other's context.
 *
 * - `with(context, fn, thisArg, ...args)` runs `fn` with `context` active (`AsyncLocalStorage.run`), passing
 *   `thisArg` and `args`, and returns what `fn` returns.
 * - `bind(context, target)`: for a function, returns a function that runs `target` with `context` active
 *   (same `this`, arguments and `length`); for an `EventEmitter`, makes listeners added from then on
 *   (`on`, `addListener`, `once`, `prependListener`, `prependOnceListener`) run in `context`, while
 *   `removeListener`, `off` and `removeAllListeners` keep working with the original listeners. An emitter
 *   is bound once: binding it again to another context changes nothing. Anything else is returned as is.
 * - `attach(context)` makes `context` active right away, for the rest of the current synchronous
 *   execution and for everything it continues into or schedules (the code after an `await` in the same
 *   async function, timers, callbacks), with `AsyncLocalStorage.enterWith`; the returned token's
 *   `dispose()` restores the context that was active before (see {@link AsyncLocalStorageContextManager.attach}).
 * - `enable()` may be called any number of times; `disable()` clears the active context (until the next
 *   `with`) and returns the manager.
 *
 * Register it once through the API; `init()` does this for you.
 *
 * @example
 * ```ts
 * import { context } from '@opentelemetry/api';
 * context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
 * ```
 */
export class AsyncLocalStorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  /** The emitters this manager bound; weak, so a bound emitter can still be collected. */
  readonly #emitters = new WeakMap<EventEmitter, ListenerWrappers>();
  /** The live tokens of {@link attach}, by the context each attached. */
  readonly #attachTokens: LiveTokens = new WeakMap();
  /** The storage as {@link AttachToken} reads and writes it. */
  readonly #attachSlot: AttachSlot = {
    read: () => this.#storage.getStore(),
    write: (context) => this.#storage.enterWith(context as Context),
  };

  /** The active context, or `ROOT_CONTEXT` outside of any `with`. */
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  /** Runs `fn` with `context` active; see the class description. */
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (thisArg === undefined || thisArg === null) return this.#storage.run(context, fn, ...args);
    return this.#storage.run(context, callWithThis, fn as unknown as Listener, thisArg, args) as ReturnType<F>;
  }

  /** Binds a function or an `EventEmitter` to `context`; see the class description. */
  bind<T>(context: Context, target: T): T {
    if (typeof target === 'function') return this.#bindFunction(context, target as unknown as Listener) as T;
    if (target instanceof EventEmitter) this.#bindEmitter(context, target);
    return target;
  }

  /**
   * Makes `context` the active context now, without a function to wrap (`context.attach` of
   * `@opentelemetry/api` 1.10 calls this): it stays active for the rest of the current synchronous
   * execution and in everything that execution continues into or schedules, including the code after an
   * `await` in the same async function, until the returned token's `dispose()` restores the context that
   * was active before. Tokens disposed in the reverse order of their attach restore each context in
   * turn; `with` inside or around an attached context keeps its own semantics.
   *
   * Misuse never throws and never changes a context attached later: a token disposed twice, or while a
   * context attached after it is still active, is reported once through `diag` (the later context stays
   * active; disposing it then restores the context from before both). A token disposed in an execution
   * its attach never reached (a callback that does not descend from the attaching code) has nothing to
   * restore there and changes nothing.
   *
   * Caveat (the API's own): `attach` in an async function before its first `await` runs in the caller's
   * execution, so the context stays active in the caller after the call returns, until disposed. Prefer
   * `with` for async code, and `attach` only to bridge callbacks that `with` cannot wrap.
   *
   * @example
   * ```ts
   * import { context, trace } from '@opentelemetry/api';
   * library.onStart((request) => {
   *   request.token = context.attach(trace.setSpan(context.active(), tracer.startSpan('call')));
   * });
   * library.onEnd((request) => request.token.dispose());
   * ```
   */
  attach(context: Context): ContextToken {
    return AttachToken.attach(this.#attachSlot, this.#attachTokens, context);
  }

  /**
   * Makes `context` active for the rest of the current synchronous execution and everything it
   * schedules (`AsyncLocalStorage.enterWith`), with no function to wrap. Only for instrumentation that is
   * notified rather than wrapping the code it affects, such as a diagnostics-channel subscriber of an
   * incoming HTTP request: the caller must be sure the current execution belongs to that context
   * (Node runs the request's listeners right after the channel). Everywhere else use `with`.
   */
  enterWith(context: Context): void {
    this.#storage.enterWith(context);
  }

  /**
   * Starts the storage tracking async work (an empty `run`: on Node 20 and 22 the storage's hooks start
   * with its first `run` or `enterWith`, and promises made before that share one context, which an
   * `attach` as the first use would change for all of them). Returns the manager.
   *
   * The `run` happens in a scope of its own that puts the caller's async context frame back as it was:
   * a bare `run` ends with an `enterWith` of the prior (no) store, which on Node 24 leaves a frame
   * holding this storage (as `undefined`) current, and every server, socket and timer made after
   * `init()` would then carry it, so that each request's context entry copies it (an iterator and its
   * results per request) instead of starting from no frame.
   */
  enable(): this {
    new AsyncResource('otelite.context-manager').runInAsyncScope(this.#storage.run, this.#storage, ROOT_CONTEXT, doNothing);
    removeEnabled(this.#storage);
    enabledStorages.push(this.#storage);
    return this;
  }

  /** Clears the active context and stops tracking until the next `with`. Returns the manager. */
  disable(): this {
    removeEnabled(this.#storage);
    this.#storage.disable();
    return this;
  }

  #bindFunction(context: Context, target: Listener): Listener {
    const manager = this;
    const bound = function (this: unknown, ...args: unknown[]): unknown {
      return manager.with(context, target, this, ...args);
    };
    Object.defineProperty(bound, 'length', { value: target.length, configurable: true });
    return bound;
  }

  #bindEmitter(context: Context, emitter: EventEmitter): void {
    if (this.#emitters.has(emitter)) return;
    const byEvent: ListenerWrappers = new Map();
    this.#emitters.set(emitter, byEvent);
    const manager = this;
    // biome-ignore lint/suspicious/noExplicitAny: the listener methods of any emitter, whatever their arguments
    const patchable = emitter as unknown as Record<string, (...args: any[]) => unknown>;

    for (const name of ADD_METHODS) {
      const original = patchable[name];
      if (typeof original !== 'function') continue;
      patchable[name] = function (this: unknown, event: EventName, listener: Listener) {
        return original.call(this, event, manager.#wrapperFor(context, byEvent, event, listener));
      };
    }
    for (const name of REMOVE_METHODS) {
      const original = patchable[name];
      if (typeof original !== 'function') continue;
      patchable[name] = function (this: unknown, event: EventName, listener: Listener) {
        return original.call(this, event, byEvent.get(event)?.get(listener) ?? listener);
      };
    }
    const removeAll = patchable.removeAllListeners;
    if (typeof removeAll === 'function') {
      patchable.removeAllListeners = function (this: unknown, ...args: unknown[]) {
        if (args.length === 0) byEvent.clear();
        else byEvent.delete(args[0] as EventName);
        return removeAll.apply(this, args);
      };
    }
  }

  /**
   * The wrapper that runs `listener` in `context`, made once per event and listener so that adding the
   * same listener twice and removing it twice behaves as without binding. A wrapper, or Node's `once`
   * wrapper around one of ours, passes through unchanged (Node's `once` calls `on`).
   */
  #wrapperFor(context: Context, byEvent: ListenerWrappers, event: EventName, listener: Listener): Listener {
    if (typeof listener !== 'function') return listener;
    if (wrappers.has(listener)) return listener;
    const inner = (listener as { listener?: unknown }).listener;
    if (typeof inner === 'function' && wrappers.has(inner as Listener)) return listener;
    let forEvent = byEvent.get(event);
    if (forEvent === undefined) {
      forEvent = new WeakMap();
      byEvent.set(event, forEvent);
    }
    let wrapper = forEvent.get(listener);
    if (wrapper === undefined) {
      wrapper = this.#bindFunction(context, listener);
      wrappers.add(wrapper);
      forEvent.set(listener, wrapper);
    }
    return wrapper;
  }
}

function doNothing(): void {}

function callWithThis(fn: Listener, thisArg: unknown, args: unknown[]): unknown {
  return Reflect.apply(fn, thisArg, args);
}

/**
 * Enters `context` (as {@link AsyncLocalStorageContextManager.enterWith} does) in the storage of the most
 * recently enabled `AsyncLocalStorageContextManager` that is still enabled, the one `register()` installs
 * globally: Node's `AsyncLocalStorage.enterWith` and nothing else, which does not throw. Returns false when no such
 * manager is enabled; the caller can compare `context.active()` with `context` to confirm that the
 * global manager is the one entered. Used by the HTTP server instrumentation, which has no function to
 * wrap around a request's handler.
 *
 * @example
 * ```ts
 * diagnosticsChannel.subscribe('http.server.request.start', ({ request }) => {
 *   enterContext(propagation.extract(ROOT_CONTEXT, request.headers));
 * });
 * ```
 */
export function enterContext(context: Context): boolean {
  const storage = enabledStorages[enabledStorages.length - 1];
  if (storage === undefined) return false;
  storage.enterWith(context);
  return true;
}

function removeEnabled(storage: AsyncLocalStorage<Context>): void {
  const index = enabledStorages.indexOf(storage);
  if (index !== -1) enabledStorages.splice(index, 1);
}

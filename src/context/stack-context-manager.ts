import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { AttachToken, type AttachSlot, type ContextToken, type LiveTokens } from './attach-token.js';

/**
 * A context manager for runtimes without async context (browsers, Workers without `nodejs_compat`):
 * `with(context, fn)` makes `context` active while `fn` runs synchronously, and restores the previous
 * one afterwards, however `fn` returns or throws. Nothing carries the context across `await`, timers
 * or callbacks by itself; wrap those with `context.bind(context, fn)` (which this supports for
 * functions) or pass the context explicitly. Event targets are returned unbound.
 *
 * `attach(context)` (what `context.attach` of `@opentelemetry/api` 1.10 calls) makes `context` active
 * until the returned token's `dispose()` restores the previous one: with no async context, it stays
 * active for everything that runs meanwhile, including the code after an `await` and other tasks,
 * unless a `with` that was running when it was attached returns first (`with` restores what was active
 * when it began). Tokens disposed twice or out of order are reported once through `diag` and never
 * change a context attached later.
 *
 * @example
 * ```ts
 * context.setGlobalContextManager(new StackContextManager().enable());
 * tracer.startActiveSpan('click', (span) => { handleClick(); span.end(); });
 * ```
 */
export class StackContextManager implements ContextManager {
  #active: Context = ROOT_CONTEXT;
  #enabled = false;
  readonly #attachTokens: LiveTokens = new WeakMap();
  readonly #attachSlot: AttachSlot = {
    read: () => this.#active,
    write: (context) => {
      this.#active = context ?? ROOT_CONTEXT;
    },
  };

  /** The context of the innermost running `with`, or `ROOT_CONTEXT`. */
  active(): Context {
    return this.#active;
  }

  /** Runs `fn` with `context` active until it returns (or throws), then restores the previous context. */
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const previous = this.#active;
    this.#active = this.#enabled ? context : ROOT_CONTEXT;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.#active = previous;
    }
  }

  /** Binds a function to `context` (each call runs in it); anything else is returned unchanged. */
  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const original = target as unknown as (...args: unknown[]) => unknown;
    const bound = function (this: unknown, ...args: unknown[]): unknown {
      return manager.with(context, original, this, ...args);
    };
    Object.defineProperty(bound, 'length', { value: original.length, configurable: true });
    return bound as unknown as T;
  }

  /**
   * Makes `context` active now, without a function to wrap, until the returned token's `dispose()`
   * restores the context that was active before (see the class description). While the manager is
   * disabled, nothing is attached and the token does nothing.
   *
   * @example
   * ```ts
   * const token = context.attach(trace.setSpan(context.active(), span));
   * button.addEventListener('click', () => token.dispose(), { once: true });
   * ```
   */
  attach(context: Context): ContextToken {
    return AttachToken.attach(this.#attachSlot, this.#attachTokens, this.#enabled ? context : ROOT_CONTEXT);
  }

  /** Starts tracking contexts. Returns the manager. */
  enable(): this {
    this.#enabled = true;
    return this;
  }

  /** Clears the active context and stops tracking. Returns the manager. */
  disable(): this {
    this.#enabled = false;
    this.#active = ROOT_CONTEXT;
    return this;
  }
}

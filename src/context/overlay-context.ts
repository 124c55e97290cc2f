import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/** Marks a key deleted in an overlay whose base holds it. */
const DELETED: unique symbol = Symbol('deleted');

/** The API's own `Context` class (that of `ROOT_CONTEXT`): immutable, so an overlay may stand on it. */
const API_CONTEXT_CLASS = (ROOT_CONTEXT as object).constructor;

/**
 * An immutable `Context` that the tracer makes when it puts a span into a context: its own values in one
 * small array of key/value pairs, over the context it was made from (its base), which answers for every
 * other key.
 *
 * The API's `ROOT_CONTEXT` copies a `Map` and creates three closures for every `setValue`; an overlay
 * copies a few array slots, and its methods live on the prototype. Each key appears once in the array, so
 * setting a key again replaces its value instead of growing the context, and nothing a context no longer
 * holds stays reachable from it. Values and `deleteValue` behave exactly as in the API's context.
 * @internal
 */
export class OverlayContext implements Context {
  readonly #base: Context | undefined;
  /** Key, value, key, value... each key at most once; a value may be {@link DELETED}. */
  readonly #entries: unknown[];

  constructor(base: Context | undefined, entries: unknown[]) {
    this.#base = base;
    this.#entries = entries;
  }

  getValue(key: symbol): unknown {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i += 2) {
      if (entries[i] === key) {
        const value = entries[i + 1];
        return value === DELETED ? undefined : value;
      }
    }
    return this.#base === undefined ? undefined : this.#base.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new OverlayContext(this.#base, withEntry(this.#entries, key, value));
  }

  deleteValue(key: symbol): Context {
    if (this.#base === undefined) {
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i += 2) {
        if (entries[i] === key) return new OverlayContext(undefined, entries.slice(0, i).concat(entries.slice(i + 2)));
      }
      return new OverlayContext(undefined, entries.slice());
    }
    return new OverlayContext(this.#base, withEntry(this.#entries, key, DELETED));
  }
}

/** A copy of `entries` with `key` set to `value`, of exactly the length it needs (a push would over-allocate). */
function withEntry(entries: unknown[], key: symbol, value: unknown): unknown[] {
  const length = entries.length;
  for (let i = 0; i < length; i += 2) {
    if (entries[i] === key) {
      const copy = entries.slice();
      copy[i + 1] = value;
      return copy;
    }
  }
  const copy = new Array<unknown>(length + 2);
  for (let i = 0; i < length; i++) copy[i] = entries[i];
  copy[length] = key;
  copy[length + 1] = value;
  return copy;
}

/**
 * `context.setValue(key, value)`, as an {@link OverlayContext} when `context` is one already, or is the
 * API's own context class (`ROOT_CONTEXT` and what derives from it), whose values never change. Any other
 * `Context` implementation makes the copy itself, through its own `setValue`.
 */
export function setContextValue(context: Context, key: symbol, value: unknown): Context {
  if (context instanceof OverlayContext) return context.setValue(key, value);
  if (context === ROOT_CONTEXT) return new OverlayContext(undefined, [key, value]);
  if ((context as object).constructor === API_CONTEXT_CLASS) return new OverlayContext(context, [key, value]);
  return context.setValue(key, value);
}

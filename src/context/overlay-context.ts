import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/** Marks a key deleted in an overlay whose base holds it. */
const DELETED: unique symbol = Symbol('deleted');

/** The API's own `Context` class (that of `ROOT_CONTEXT`): immutable, so an overlay may stand on it. */
const API_CONTEXT_CLASS = (ROOT_CONTEXT as object).constructor;

/** The key of an overlay that holds no value of its own (never a key anyone sets). */
const NO_KEY: unique symbol = Symbol('no key');

/**
 * An immutable `Context` that the tracer makes when it puts a span into a context: its own values over
 * the context it was made from (its base), which answers for every other key. The first value sits in
 * two fields of the overlay itself, so the usual overlay (one span put into a context) is one object;
 * further values go to a small array of key/value pairs.
 *
 * The API's `ROOT_CONTEXT` copies a `Map` and creates three closures for every `setValue`; an overlay
 * copies a few fields and array slots, and its methods live on the prototype. Each key appears once, so
 * setting a key again replaces its value instead of growing the context, and nothing a context no longer
 * holds stays reachable from it. Values and `deleteValue` behave exactly as in the API's context.
 * @internal
 */
export class OverlayContext implements Context {
  readonly #base: Context | undefined;
  /** The first key, or {@link NO_KEY}; never one of {@link #more}'s. */
  readonly #key: symbol;
  /** Its value; may be {@link DELETED}. */
  readonly #value: unknown;
  /** Key, value, key, value... each key at most once; a value may be {@link DELETED}. */
  readonly #more: unknown[] | undefined;

  /** An overlay over `base` holding `value` under `key` (see {@link overlayDeleting} for a deletion). */
  constructor(base: Context | undefined, key: symbol, value: unknown, more?: unknown[]) {
    this.#base = base;
    this.#key = key;
    this.#value = value;
    this.#more = more;
  }

  getValue(key: symbol): unknown {
    if (key === this.#key) {
      const value = this.#value;
      return value === DELETED ? undefined : value;
    }
    const more = this.#more;
    if (more !== undefined) {
      for (let i = 0; i < more.length; i += 2) {
        if (more[i] === key) {
          const value = more[i + 1];
          return value === DELETED ? undefined : value;
        }
      }
    }
    return this.#base === undefined ? undefined : this.#base.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.#with(key, value);
  }

  deleteValue(key: symbol): Context {
    if (this.#base !== undefined) return this.#with(key, DELETED);
    // Over nothing, a deleted key is simply left out.
    const entries: unknown[] = [];
    if (this.#key !== key && this.#key !== NO_KEY) entries.push(this.#key, this.#value);
    const more = this.#more;
    if (more !== undefined) {
      for (let i = 0; i < more.length; i += 2) if (more[i] !== key) entries.push(more[i], more[i + 1]);
    }
    return overlayOf(undefined, entries);
  }

  #with(key: symbol, value: unknown): OverlayContext {
    const first = this.#key;
    if (key === first || first === NO_KEY) return new OverlayContext(this.#base, key, value, this.#more);
    return new OverlayContext(this.#base, first, this.#value, withEntry(this.#more, key, value));
  }
}

/** An overlay over `base` holding `entries` (key, value, ...; each key once). */
function overlayOf(base: Context | undefined, entries: unknown[]): OverlayContext {
  if (entries.length === 0) return new OverlayContext(base, NO_KEY, undefined, undefined);
  return new OverlayContext(base, entries[0] as symbol, entries[1], entries.length > 2 ? entries.slice(2) : undefined);
}

/**
 * An overlay over `base` (a context known to be immutable) without `key`: what `base.deleteValue(key)`
 * returns, without copying `base`.
 * @internal
 */
export function overlayDeleting(base: Context, key: symbol): Context {
  return new OverlayContext(base, key, DELETED, undefined);
}

/** A copy of `entries` with `key` set to `value`, of exactly the length it needs (a push would over-allocate). */
function withEntry(entries: unknown[] | undefined, key: symbol, value: unknown): unknown[] {
  if (entries === undefined) return [key, value];
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
  if (context === ROOT_CONTEXT) return new OverlayContext(undefined, key, value);
  if ((context as object).constructor === API_CONTEXT_CLASS) return new OverlayContext(context, key, value);
  return context.setValue(key, value);
}

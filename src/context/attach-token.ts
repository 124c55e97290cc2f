import type { Context } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';

/**
 * What `ContextManager.attach(context)` returns (`ContextManagementToken` in `@opentelemetry/api` 1.10,
 * declared here so that the type also compiles against API 1.9): `dispose()` restores the context that
 * was active before the attach.
 *
 * @example
 * ```ts
 * const token: ContextToken = context.attach(trace.setSpan(context.active(), span));
 * try { callbackTheLibraryRuns(); } finally { token.dispose(); }
 * ```
 */
export interface ContextToken {
  /** Restores the context that was active before the attach. A second call does nothing. */
  dispose(): void;
}

/**
 * Where a context manager keeps the context that `attach` replaces: `read()` returns what is active in
 * the current execution (`undefined` for none), `write()` replaces it there.
 */
export interface AttachSlot {
  read(): Context | undefined;
  write(context: Context | undefined): void;
}

/** The live (not yet disposed) token that attached each context, per manager: lets dispose tell "out of order" from "elsewhere". */
export type LiveTokens = WeakMap<Context, AttachToken>;

/**
 * One `attach`: the context it made active, the one it replaced, and the live token that had attached
 * that one (so that a token disposed out of order is skipped when the token above it restores).
 */
export class AttachToken implements ContextToken {
  readonly #slot: AttachSlot;
  readonly #live: LiveTokens;
  readonly #attached: Context;
  readonly #previous: Context | undefined;
  readonly #below: AttachToken | undefined;
  #disposed = false;

  constructor(slot: AttachSlot, live: LiveTokens, attached: Context, previous: Context | undefined) {
    this.#slot = slot;
    this.#live = live;
    this.#attached = attached;
    this.#previous = previous;
    const below = previous === undefined ? undefined : live.get(previous);
    this.#below = below !== undefined && !below.#disposed ? below : undefined;
  }

  /**
   * Attaches `context` in `slot`: it becomes the active context right away. Returns the token whose
   * `dispose()` restores what `slot` held before.
   */
  static attach(slot: AttachSlot, live: LiveTokens, context: Context): AttachToken {
    const token = new AttachToken(slot, live, context, slot.read());
    live.set(context, token);
    slot.write(context);
    return token;
  }

  /**
   * Restores the context that was active before this token's attach, when this token's context is the
   * active one. Disposed twice: reported once (per process) through `diag`, nothing changes. Disposed
   * while a later attach is still active: reported once, the later context stays active, and disposing
   * that one restores past this token. Disposed where its context is not active at all (an execution
   * the attach never reached): nothing to restore, nothing changes. Never throws.
   */
  dispose(): void {
    if (this.#disposed) {
      warnOnce('context attach token disposed twice; ignored.');
      return;
    }
    this.#disposed = true;
    if (this.#live.get(this.#attached) === this) this.#live.delete(this.#attached);
    try {
      const active = this.#slot.read();
      if (active !== this.#attached) {
        if (this.#isBelow(active)) warnOnce('context attach token disposed out of order: a later context is still active and stays so.');
        return;
      }
      let restore = this.#previous;
      // Past the tokens below that were disposed out of order, to the context before the first live one.
      for (let below = this.#below; below !== undefined; below = below.#below) {
        if (!below.#disposed) break;
        restore = below.#previous;
      }
      this.#slot.write(restore);
    } catch {
      // A context slot that cannot be written (a disabled storage) leaves the context as it is.
    }
  }

  /** Whether a live token whose context is `active` was attached on top of this one (directly or not). */
  #isBelow(active: Context | undefined): boolean {
    let token = active === undefined ? undefined : this.#live.get(active);
    for (let depth = 0; token !== undefined && depth < 1000; depth++) {
      if (token.#below === this) return true;
      token = token.#below;
    }
    return false;
  }
}

/**
 * Waits for `work` for at most `timeoutMillis`. Resolves `true` when `work` settled in time (resolved
 * or rejected; a rejection is passed to `onRejected`), `false` when the time ran out first. Never
 * rejects.
 *
 * The timer is `unref`'d by default, so waiting never keeps the process alive. With `keepAlive`, it is
 * not: the process then lives until `work` settles or the time is up, whichever is first. That is what
 * a caller awaiting the result needs (`await provider.shutdown()` must not end in Node's "unsettled
 * top-level await" exit while the exporter's own, unref'd, retry timers wait); the timer is cleared as
 * soon as `work` settles, so nothing is held longer.
 * @internal
 */
export function settleWithin(
  work: Promise<unknown>,
  timeoutMillis: number,
  onRejected: (error: unknown) => void,
  keepAlive = false,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (Number.isFinite(timeoutMillis)) {
      timer = setTimeout(() => resolve(false), timeoutMillis);
      if (!keepAlive) timer.unref?.();
    }
    work.then(
      () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      },
      (error: unknown) => {
        if (timer !== undefined) clearTimeout(timer);
        onRejected(error);
        resolve(true);
      },
    );
  });
}

/** Calls `fn`, turning a synchronous throw into a rejected promise. */
export function callAsync<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

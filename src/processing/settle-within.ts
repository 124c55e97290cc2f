/**
 * Waits for `work` for at most `timeoutMillis`. Resolves `true` when `work` settled in time (resolved
 * or rejected; a rejection is passed to `onRejected`), `false` when the time ran out first. Never
 * rejects. The timer is `unref`'d, so waiting never keeps the process alive.
 * @internal
 */
export function settleWithin(
  work: Promise<unknown>,
  timeoutMillis: number,
  onRejected: (error: unknown) => void,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (Number.isFinite(timeoutMillis)) {
      timer = setTimeout(() => resolve(false), timeoutMillis);
      timer.unref?.();
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

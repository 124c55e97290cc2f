/**
 * The `error.type` of a failed request: the error's `code` (`ECONNREFUSED`, `UND_ERR_SOCKET`), else its
 * name when it is more specific than `Error` (`AbortError`, `TimeoutError`), else `_OTHER`, as the
 * semantic conventions ask for a low-cardinality value.
 *
 * @example
 * ```ts
 * errorTypeOf(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })); // 'ECONNREFUSED'
 * ```
 */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  }
  return '_OTHER';
}

/** A short description of `error` for a span status message. */
export function errorMessageOf(error: unknown): string | undefined {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : undefined;
}

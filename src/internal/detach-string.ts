/**
 * A copy of `text` that shares no storage with a larger string it may have been sliced from.
 *
 * V8 represents a slice of a long string as a view that keeps the whole original alive, so a 1 KiB
 * prefix of a 10 MB attribute value, or a trace id cut from a 100 KB header, would pin the original
 * for as long as the span or context lives. Concatenating first makes V8 flatten into a fresh string,
 * which the final slice then refers to instead.
 * @internal
 */
export function detachString(text: string): string {
  return (' ' + text).slice(1);
}

/**
 * All lines of a header, as a carrier getter returns them (a string, or an array for a repeated header),
 * combined in order with commas (RFC 9110 §5.3); `undefined` when absent. Non-string entries are skipped.
 * @internal
 */
export function joinedHeaderValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  let joined: string | undefined;
  for (const line of value) {
    if (typeof line !== 'string') continue;
    joined = joined === undefined ? line : joined + ',' + line;
  }
  return joined;
}

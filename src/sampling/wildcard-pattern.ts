/**
 * Case-sensitive wildcard patterns as the configuration schema defines them for attribute matching:
 * `*` matches any number of characters (none included), `?` exactly one, every other character itself.
 * There is no escape. Matching is a linear scan with one backtracking point (the last `*`), no regular
 * expression, so a hostile value or pattern cannot make it slow: at worst pattern length × value length.
 */

/** A compiled pattern: tests a value. */
export type WildcardMatcher = (value: string) => boolean;

/**
 * A matcher for `pattern`: an equality test when it has no wildcard, a prefix, suffix or `*` test for the
 * common shapes, else the general scan.
 *
 * @example
 * ```ts
 * compileWildcard('/health*')('/healthz'); // true
 * compileWildcard('/v?/users')('/v2/users'); // true
 * ```
 */
export function compileWildcard(pattern: string): WildcardMatcher {
  const star = pattern.indexOf('*');
  const question = pattern.indexOf('?');
  if (star === -1 && question === -1) return (value) => value === pattern;
  if (pattern === '*') return () => true;
  if (question === -1 && star === pattern.length - 1 && pattern.indexOf('*') === star) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  if (question === -1 && star === 0 && pattern.indexOf('*', 1) === -1) {
    const suffix = pattern.slice(1);
    return (value) => value.endsWith(suffix);
  }
  return (value) => matchesWildcard(pattern, value);
}

/** Whether `value` matches `pattern` (see the module description). */
export function matchesWildcard(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  const patternLength = pattern.length;
  const valueLength = value.length;
  while (v < valueLength) {
    if (p < patternLength) {
      const c = pattern.charCodeAt(p);
      if (c === 0x2a /* * */) {
        starP = p++;
        starV = v;
        continue;
      }
      if (c === 0x3f /* ? */ || c === value.charCodeAt(v)) {
        p++;
        v++;
        continue;
      }
    }
    if (starP === -1) return false;
    // Let the last `*` take one more character and retry from there.
    p = starP + 1;
    v = ++starV;
  }
  while (p < patternLength && pattern.charCodeAt(p) === 0x2a) p++;
  return p === patternLength;
}

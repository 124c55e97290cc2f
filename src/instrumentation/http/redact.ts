/**
 * Keeping secrets out of URL attributes, with plain string scans (no `new URL` per request).
 *
 * `url.full` must not carry credentials: the userinfo of `https://user:secret@host/` is removed, and the
 * values of query parameters that are signatures or keys by design (the list the semantic conventions
 * name) are replaced by {@link REDACTED}. The rest of the URL is kept byte for byte.
 */

/** What a redacted query value is replaced with. */
export const REDACTED = 'REDACTED';

/**
 * Query parameters whose values are always redacted: the AWS, Azure and Google Cloud signed-URL
 * parameters the semantic conventions list. Names are matched exactly (case-sensitive), as sent.
 */
export const SENSITIVE_QUERY_PARAMETERS: readonly string[] = Object.freeze(['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature']);

const SENSITIVE = new Set(SENSITIVE_QUERY_PARAMETERS);
const SENSITIVE_PROBES = SENSITIVE_QUERY_PARAMETERS.map((name) => `${name}=`);

/**
 * `query` (without the leading `?`) with the values of {@link SENSITIVE_QUERY_PARAMETERS} replaced by
 * {@link REDACTED}; the same string when there is nothing to redact.
 *
 * @example
 * ```ts
 * redactQuery('X-Goog-Signature=abc&page=2'); // 'X-Goog-Signature=REDACTED&page=2'
 * ```
 */
export function redactQuery(query: string): string {
  let suspect = false;
  for (let i = 0; i < SENSITIVE_PROBES.length; i++) {
    if (query.includes(SENSITIVE_PROBES[i])) {
      suspect = true;
      break;
    }
  }
  if (!suspect) return query;
  const parts = query.split('&');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const equals = part.indexOf('=');
    if (equals > 0 && SENSITIVE.has(part.slice(0, equals))) parts[i] = `${part.slice(0, equals + 1)}${REDACTED}`;
  }
  return parts.join('&');
}

/**
 * `url` (absolute) with its userinfo removed and the values of sensitive query parameters redacted
 * (see {@link redactQuery}). A URL without either comes back unchanged, without being copied.
 *
 * @example
 * ```ts
 * redactUrl('https://user:pw@example.com/file?sig=abc&x=1'); // 'https://example.com/file?sig=REDACTED&x=1'
 * ```
 */
export function redactUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  let authorityEnd = url.length;
  for (let i = authorityStart; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */) {
      authorityEnd = i;
      break;
    }
  }
  const at = schemeEnd === -1 ? -1 : url.lastIndexOf('@', authorityEnd - 1);
  if (at >= authorityStart) url = url.slice(0, authorityStart) + url.slice(at + 1);

  const question = url.indexOf('?');
  if (question === -1) return url;
  const hash = url.indexOf('#', question);
  const queryEnd = hash === -1 ? url.length : hash;
  const query = url.slice(question + 1, queryEnd);
  const redacted = redactQuery(query);
  return redacted === query ? url : url.slice(0, question + 1) + redacted + url.slice(queryEnd);
}

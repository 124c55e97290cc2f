/**
 * The method normalisation the stable HTTP semantic conventions prescribe, and the values otelite's
 * HTTP instrumentation records for them. The attribute names themselves (`http.request.method`,
 * `url.full`, ...) are written as string literals in the hot paths' attribute objects (a literal key is
 * cheaper than a computed one), next to the code that sets them.
 */

/** The value of `http.request.method` for a method the conventions do not know. */
export const OTHER_METHOD = '_OTHER';

/** `error.type` of a request or response that was closed before it completed. */
export const ERROR_TYPE_ABORTED = 'aborted';

/** The methods of RFC 9110 plus PATCH (RFC 5789): the ones the conventions call known. */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/**
 * The value of `http.request.method` for `method` as sent: the method itself when known, its upper-case
 * form when only the case differs (then `http.request.method_original` must carry `method`), and
 * {@link OTHER_METHOD} otherwise.
 *
 * @example
 * ```ts
 * normalizeMethod('GET'); // 'GET'
 * normalizeMethod('get'); // 'GET'
 * normalizeMethod('PURGE'); // '_OTHER'
 * ```
 */
export function normalizeMethod(method: string): string {
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : OTHER_METHOD;
}

/**
 * The first part of an HTTP span name for a normalised method: the method, or `HTTP` for
 * {@link OTHER_METHOD}, as the conventions prescribe.
 */
export function spanNameForMethod(normalizedMethod: string): string {
  return normalizedMethod === OTHER_METHOD ? 'HTTP' : normalizedMethod;
}

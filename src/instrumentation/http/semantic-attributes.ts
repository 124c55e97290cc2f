/**
 * The method normalisation the stable HTTP semantic conventions prescribe, and the values otelite's
 * HTTP instrumentation records for them. The attribute names themselves (`http.request.method`,
 * `url.full`, ...) are written as string literals in the Node hot paths' attribute objects (a literal key
 * is cheaper than a computed one); the web-standard fetch instrumentation uses the constants below.
 */

/** `client.address`: the client of a server request (first `X-Forwarded-For` entry, else the peer). */
export const ATTR_CLIENT_ADDRESS = 'client.address';
/** `error.type`: why a request failed: the status code as a string, an error code, or `aborted`. */
export const ATTR_ERROR_TYPE = 'error.type';
/** `http.request.method`: the request method, or `_OTHER` when it is not a known method. */
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
/** `http.request.method_original`: the method as sent, set when it differs from `http.request.method`. */
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original';
/** `http.response.status_code`: the response status code. */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
/** `server.address`: the host the request was addressed to (from `Host` on the server side). */
export const ATTR_SERVER_ADDRESS = 'server.address';
/** `server.port`: the port the request was addressed to. */
export const ATTR_SERVER_PORT = 'server.port';
/** `url.full`: the absolute URL of a client request, userinfo removed and sensitive query values redacted. */
export const ATTR_URL_FULL = 'url.full';
/** `url.path`: the path of a server request. */
export const ATTR_URL_PATH = 'url.path';
/** `url.query`: the query of a server request without the leading `?`, sensitive values redacted. */
export const ATTR_URL_QUERY = 'url.query';
/** `url.scheme`: `http` or `https`. */
export const ATTR_URL_SCHEME = 'url.scheme';
/** `user_agent.original`: the `User-Agent` header of a server request. */
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';

/** The value of `http.request.method` for a method the conventions do not know. */
export const OTHER_METHOD = '_OTHER';

/** `error.type` of a request or response that was closed before it completed. */
export const ERROR_TYPE_ABORTED = 'aborted';

/** The methods of RFC 9110 plus PATCH (RFC 5789): the ones the conventions call known. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

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

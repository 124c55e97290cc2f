/**
 * When and how long the OTLP exporter waits before sending a request again.
 *
 * The rules come from opentelemetry-proto `docs/specification.md` ("OTLP/HTTP Response": "Retryable
 * Response Codes", "OTLP/HTTP Throttling", "All Other Responses", "OTLP/HTTP Connection"): 429, 502,
 * 503 and 504 are retried, every other 4xx/5xx is final; a `Retry-After` header (seconds or an HTTP
 * date) is honoured; otherwise, and after a lost connection, the client backs off exponentially with
 * random jitter.
 */

/** How the exporter spaces its attempts at one request. */
export interface RetryPolicy {
  /** Attempts in total, the first one included. Default 5; 1 disables retrying. */
  maxAttempts: number;
  /** The nominal wait before the first retry, in milliseconds. Default 1000. */
  initialBackoffMillis: number;
  /** The nominal wait never grows past this, in milliseconds. Default 5000. */
  maxBackoffMillis: number;
  /** Each retry's nominal wait is the previous one times this. Default 1.5. */
  backoffMultiplier: number;
  /** The actual wait is the nominal one times a random factor in `[1 - jitter, 1 + jitter]`. Default 0.2; 0 means no jitter. */
  jitter: number;
}

// The default policy's values one by one, for the option resolver: this module imports nothing, so
// bundlers write each use as the number itself rather than a property read of the frozen policy.
/** {@link RetryPolicy.maxAttempts} of the default policy. */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** {@link RetryPolicy.initialBackoffMillis} of the default policy. */
export const DEFAULT_INITIAL_BACKOFF_MILLIS = 1000;
/** {@link RetryPolicy.maxBackoffMillis} of the default policy. */
export const DEFAULT_MAX_BACKOFF_MILLIS = 5000;
/** {@link RetryPolicy.backoffMultiplier} of the default policy. */
export const DEFAULT_BACKOFF_MULTIPLIER = 1.5;
/** {@link RetryPolicy.jitter} of the default policy. */
export const DEFAULT_JITTER = 0.2;

/**
 * The default policy: waits of about 1 s, 1.5 s, 2.25 s and 3.4 s (each ±20 %) between five attempts,
 * never more than 5 s. These are the values opentelemetry-js's OTLP exporters use. The waits add up to
 * about 8 s, but each attempt may also use the request timeout (10 s by default), so a receiver that
 * never answers exhausts a batch span processor's default 30 s export timeout during the third attempt:
 * the export then ends with the timeout, and later attempts are not made.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = /* @__PURE__ */ Object.freeze({
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  initialBackoffMillis: DEFAULT_INITIAL_BACKOFF_MILLIS,
  maxBackoffMillis: DEFAULT_MAX_BACKOFF_MILLIS,
  backoffMultiplier: DEFAULT_BACKOFF_MULTIPLIER,
  jitter: DEFAULT_JITTER,
});

/** The HTTP status codes the OTLP specification says to retry. */
const RETRYABLE_STATUS_CODES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Network error codes after which the same request is sent again: the server went away without answering. */
const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  // The fetch transport's mark for a request that `fetch` rejected (a TypeError): in browsers it carries
  // no detail ("Failed to fetch", "Load failed"), but it only ever means the request got no response.
  'ERR_NETWORK',
]);

/** Whether a response with this status code should be sent again (429, 502, 503, 504). */
export function isRetryableStatus(statusCode: number): boolean {
  return RETRYABLE_STATUS_CODES.has(statusCode);
}

/**
 * Whether a failed request (no response) should be sent again: connection refused or reset, broken
 * pipe, "socket hang up", DNS trouble that may pass, or the per-request timeout.
 */
export function isRetryableNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message, cause } = error as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (typeof code === 'string' && RETRYABLE_ERROR_CODES.has(code)) return true;
  // undici's fetch (Node, Deno) puts the socket's error code on the cause of its TypeError.
  if (typeof cause?.code === 'string' && RETRYABLE_ERROR_CODES.has(cause.code)) return true;
  if (name === 'TimeoutError') return true;
  return typeof message === 'string' && message.includes('socket hang up');
}

/**
 * The nominal wait before retry number `retry` (1 for the first retry) with jitter applied, in
 * milliseconds: `min(maxBackoffMillis, initialBackoffMillis × backoffMultiplier^(retry - 1))` times a
 * random factor in `[1 - jitter, 1 + jitter]`.
 *
 * @example
 * ```ts
 * backoffMillis(DEFAULT_RETRY_POLICY, 1); // between 800 and 1200
 * ```
 */
export function backoffMillis(policy: Readonly<RetryPolicy>, retry: number, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxBackoffMillis, policy.initialBackoffMillis * policy.backoffMultiplier ** (retry - 1));
  const factor = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.max(0, nominal * factor);
}

/**
 * Reads a `Retry-After` header: a non-negative number of seconds, or an HTTP date. Returns the wait in
 * milliseconds from `nowMillis` (never negative), or `undefined` when the header is missing or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('3', Date.now()); // 3000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.now()); // 0: that date has passed
 * ```
 */
export function parseRetryAfter(header: string | undefined, nowMillis: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates (IMF-fixdate, RFC 850, asctime) always name a month; this keeps "-5" from parsing as a year.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMillis);
}

/**
 * Waits `millis` milliseconds on an unref'd timer (it never keeps the process alive). Resolves `true`
 * when the time has passed and `false` at once when `signal` aborts, before or during the wait.
 *
 * @example
 * ```ts
 * if (!(await waitMillis(1000, signal))) return; // aborted
 * ```
 */
export function waitMillis(millis: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, millis);
    timer.unref?.();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

import { reportError } from '../diagnostics/report.js';

/**
 * Which destinations get the trace headers (`traceparent`, `tracestate`, `baggage`): a list of strings
 * (an origin such as `https://api.example.com`, or a whole URL) and regular expressions (tested against
 * the whole URL), or a function given the request's URL. A request to any other destination still gets
 * its CLIENT span, without the headers.
 */
export type PropagateTraceHeaderUrls = ReadonlyArray<string | RegExp> | ((url: URL) => boolean);

/**
 * Whether `url` is one of `entries`: a string equal to its origin or its whole URL, or a regular
 * expression that matches the whole URL. The browser's CORS allow-list and
 * {@link PropagateTraceHeaderUrls} lists both match this way.
 *
 * @example
 * ```ts
 * matchesUrlList(['https://api.example.com', /\.internal\//], new URL('https://api.example.com/items')); // true
 * ```
 */
export function matchesUrlList(entries: ReadonlyArray<string | RegExp>, url: URL): boolean {
  for (const entry of entries) {
    if (typeof entry === 'string') {
      if (entry === url.origin || entry === url.href) return true;
    } else if (entry instanceof RegExp) {
      // A global or sticky expression keeps state between calls: start each test from the beginning.
      entry.lastIndex = 0;
      if (entry.test(url.href)) return true;
    }
  }
  return false;
}

/**
 * The check an instrumentation runs before injecting the trace headers into a request to `url` (a
 * string, parsed only when a list or function is set), or `undefined` for "everywhere" (the default,
 * and what an option of the wrong type gives, with a warning). A function that throws, or a URL that
 * does not parse, means no headers for that request; the throw is reported through `diag`.
 *
 * @example
 * ```ts
 * const propagateTo = resolvePropagateTraceHeaderUrls(['https://api.example.com']);
 * if (propagateTo === undefined || propagateTo('https://api.example.com/items')) propagation.inject(...);
 * ```
 */
export function resolvePropagateTraceHeaderUrls(option: unknown): ((url: string | URL) => boolean) | undefined {
  if (option === undefined) return undefined;
  let test: (url: URL) => boolean;
  if (typeof option === 'function') {
    const given = option as (url: URL) => boolean;
    test = (url) => {
      try {
        return given(url) === true;
      } catch (error) {
        reportError('instrumentation.propagateTraceHeaderUrls', error, url.origin);
        return false;
      }
    };
  } else if (Array.isArray(option)) {
    const entries = [...(option as ReadonlyArray<string | RegExp>)];
    test = (url) => matchesUrlList(entries, url);
  } else {
    reportError(
      'instrumentation.propagateTraceHeaderUrls',
      new TypeError('not strings and RegExps or a function; trace headers go everywhere'),
    );
    return undefined;
  }
  return (url) => {
    if (typeof url !== 'string') return test(url);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    return test(parsed);
  };
}

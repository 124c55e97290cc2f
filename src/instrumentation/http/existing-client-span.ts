import { trace, type Context, type Span } from '@opentelemetry/api';
import { RecordingSpan } from '../../trace/span.js';
import { SPAN_KIND_CLIENT } from '../../internal/api-enum-values.js';

/**
 * The CLIENT span already active in `active` for a request to `origin` (`scheme://host[:port]`), if
 * any: another instrumentation (Next.js's `fetch` span, an opentelemetry-js contrib instrumentation)
 * started it around the call now being made, so otelite adds no second client span and injects that
 * span's trace headers instead. Only otelite's own recording spans tell their kind; a span that is
 * ended, or whose URL attribute (`url.full`, or the older `http.url`) names another host, is not it.
 * Never throws.
 *
 * @example
 * ```ts
 * if (existingClientSpanFor(context.active(), 'http://inventory.internal') !== undefined) {
 *   propagation.inject(context.active(), headers); // no span of our own
 * }
 * ```
 */
export function existingClientSpanFor(active: Context, origin: string): Span | undefined {
  try {
    const span = trace.getSpan(active);
    if (!(span instanceof RecordingSpan) || span.kind !== SPAN_KIND_CLIENT || span.ended) return undefined;
    const attributes = span.attributes;
    const url = attributes['url.full'] ?? attributes['http.url'];
    if (typeof url !== 'string') return span;
    return hostOf(url) === hostOf(origin) ? span : undefined;
  } catch {
    return undefined;
  }
}

/** The host (without port and scheme) of a URL or origin, lower-cased. */
function hostOf(url: string): string {
  const schemeEnd = url.indexOf('://');
  let rest = schemeEnd === -1 ? url : url.slice(schemeEnd + 3);
  const at = rest.indexOf('@');
  const slash = rest.indexOf('/');
  if (at !== -1 && (slash === -1 || at < slash)) rest = rest.slice(at + 1);
  const end = rest.search(/[/?#]/);
  if (end !== -1) rest = rest.slice(0, end);
  if (rest.startsWith('[')) return rest.slice(0, rest.indexOf(']') + 1).toLowerCase();
  const colon = rest.lastIndexOf(':');
  return (colon === -1 ? rest : rest.slice(0, colon)).toLowerCase();
}

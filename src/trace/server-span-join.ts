import type { Context, Span, SpanOptions } from '@opentelemetry/api';

/**
 * Decides whether a SERVER span about to start joins an existing request span instead (`join`: given
 * the name, options and parent context of the new span, returns the span to hand back in its place, or
 * `undefined` to start it normally), and sees the spans started under a joined one (`childStarting`).
 * @internal
 */
export interface ServerSpanJoiner {
  join(name: string, options: SpanOptions, parentContext: Context): Span | undefined;
  /**
   * A span is starting whose parent is `parent`, a span otelite's tracer did not make (for instance one
   * {@link ServerSpanJoiner.join} returned): the joiner may read the new span's start options.
   */
  childStarting(parent: Span, options: SpanOptions | undefined): void;
}

let joiner: ServerSpanJoiner | undefined;

/**
 * Installs (or with `undefined` removes) the one {@link ServerSpanJoiner} every otelite tracer asks
 * before starting a SERVER span. Set by the HTTP server instrumentation, so that a framework's own
 * request span (Next.js starts one through `@opentelemetry/api`) and otelite's HTTP server span for the
 * same request are one span.
 * @internal
 */
export function setServerSpanJoiner(next: ServerSpanJoiner | undefined): void {
  joiner = next;
}

/** The installed {@link ServerSpanJoiner}, if any. @internal */
export function currentServerSpanJoiner(): ServerSpanJoiner | undefined {
  return joiner;
}

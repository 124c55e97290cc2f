import { isSpanContextValid, trace, type Context, type SpanContext } from '@opentelemetry/api';

/**
 * The span context of the parent span in `context`, or `undefined` when there is none or it is invalid
 * (then the new span is a root). Read with `trace.getSpanContext`, as every SDK does, so spans placed in
 * the context by other code are honoured too.
 */
export function parentSpanContext(context: Context): SpanContext | undefined {
  const parent = trace.getSpanContext(context);
  return parent !== undefined && isSpanContextValid(parent) ? parent : undefined;
}

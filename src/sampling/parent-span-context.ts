import { INVALID_SPANID, INVALID_TRACEID, ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';

/**
 * The span context of the parent span in `context`, or `undefined` when there is none or it is invalid
 * (then the new span is a root). Read with `trace.getSpanContext`, as every SDK does, so spans placed in
 * the context by other code are honoured too.
 *
 * Valid means 32- and 16-character ids that are not the all-zero invalid ids. The ids are not checked
 * to be hex, character by character: that check (the API's `isSpanContextValid` runs two regular
 * expressions) would cost more than the rest of a decision, and every span context in a context comes
 * from the SDK, a propagator that validated it, or the API's invalid span.
 */
export function parentSpanContext(context: Context): SpanContext | undefined {
  // The API's root context holds nothing (every value set makes a new context): a request without a
  // parent asks for it, and answering costs a lookup in its empty map.
  if (context === ROOT_CONTEXT) return undefined;
  const parent = trace.getSpanContext(context);
  if (parent === undefined) return undefined;
  const { traceId, spanId } = parent;
  return traceId?.length === 32 && spanId?.length === 16 && traceId !== INVALID_TRACEID && spanId !== INVALID_SPANID ? parent : undefined;
}

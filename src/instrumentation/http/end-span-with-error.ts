import type { Span } from '@opentelemetry/api';
import { reportError } from '../../diagnostics/report.js';
import { ATTR_ERROR_TYPE } from './semantic-attributes.js';
import { errorMessageOf, errorTypeOf } from './error-type.js';
import { STATUS_ERROR } from '../../internal/api-enum-values.js';

/**
 * Ends the span of a request that failed with `error`: `error.type`, the exception as an event when it
 * is an `Error`, status ERROR with the error's message. Never throws; a failure is reported as `kind`.
 *
 * @example
 * ```ts
 * fetch(url).catch((error) => endSpanWithError(span, error, 'instrumentation.fetch.client'));
 * ```
 */
export function endSpanWithError(span: Span, error: unknown, kind: string): void {
  try {
    span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error));
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: STATUS_ERROR, message: errorMessageOf(error) });
    span.end();
  } catch (failure) {
    reportError(kind, failure, 'ending the span');
  }
}

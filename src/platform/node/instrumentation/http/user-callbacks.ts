import type { Span } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { reportError } from '../../../../diagnostics/report.js';
import type { HttpInstrumentationSettings, IncomingRequestInfo, OutgoingRequestInfo } from './http-instrumentation-options.js';

/**
 * The guarded calls into the user's `instrumentHttp` callbacks: a callback that throws is reported
 * (kind `instrumentation.http.hook`) and treated as if it had said "trace it" / done nothing.
 */

/** Whether `ignoreIncomingRequest` says to skip `request`; false when it is unset or throws. */
export function isIncomingRequestIgnored(settings: HttpInstrumentationSettings, request: IncomingMessage): boolean {
  const ignore = settings.ignoreIncomingRequest;
  if (ignore === undefined) return false;
  try {
    return ignore(request) === true;
  } catch (error) {
    reportError('instrumentation.http.hook', error, 'ignoreIncomingRequest');
    return false;
  }
}

/** Whether `ignoreOutgoingRequest` says to skip the request `info` describes; false when it is unset or throws. */
export function isOutgoingRequestIgnored(settings: HttpInstrumentationSettings, info: OutgoingRequestInfo): boolean {
  const ignore = settings.ignoreOutgoingRequest;
  if (ignore === undefined) return false;
  try {
    return ignore(info) === true;
  } catch (error) {
    reportError('instrumentation.http.hook', error, 'ignoreOutgoingRequest');
    return false;
  }
}

/** Calls `requestHook` with a freshly started recording span, if a hook is set. */
export function runRequestHook(settings: HttpInstrumentationSettings, span: Span, info: IncomingRequestInfo | OutgoingRequestInfo): void {
  const hook = settings.requestHook;
  if (hook === undefined) return;
  try {
    hook(span, info);
  } catch (error) {
    reportError('instrumentation.http.hook', error, 'requestHook');
  }
}

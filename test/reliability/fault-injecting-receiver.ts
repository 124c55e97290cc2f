import {
  startOtlpTestReceiver,
  type OtlpTestReceiver,
  type OtlpTestReceiverOptions,
  type ScriptedResponse,
} from '../export/otlp/otlp-test-receiver.js';

/**
 * The faults the reliability suite injects into a real OTLP/HTTP receiver (127.0.0.1, port 0). It is the
 * scriptable receiver of the exporter tests (`test/export/otlp/otlp-test-receiver.ts`) driven by named
 * scenarios, so every scenario in RELIABILITY.md is one line here and one `describe` in a test file.
 */

/** 10 MiB: the response body of the oversize scenario (the exporter reads at most 4 MiB). */
export const TEN_MIB = 10 * 1024 * 1024;

/** Each named fault, as the scripted answers it takes. `after` is what the receiver does once the fault is over. */
export const FAULTS = {
  /** 503 three times, then 200: retryable (OTLP/HTTP "Retryable Response Codes"). */
  unavailableThrice: { script: [{ status: 503 }, { status: 503 }, { status: 503 }] },
  /** 429 with `Retry-After: 1` (delay-seconds). */
  throttledSeconds: { script: [{ status: 429, headers: { 'retry-after': '1' } }] },
  /** 429 with `Retry-After` as an HTTP date about two seconds ahead (the date has whole seconds: a wait of 1 to 2 s). */
  get throttledUntilDate() {
    return { script: [{ status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }] };
  },
  /** 400 with a `google.rpc.Status` body: final, never retried. */
  badRequest: { script: [{ status: 400, errorMessage: 'invalid span' }], after: { status: 400, errorMessage: 'invalid span' } },
  /** 500: final, never retried (only 429, 502, 503, 504 are). */
  internalError: { script: [{ status: 500 }], after: { status: 500 } },
  /** The connection is destroyed while the request body is still arriving. */
  resetMidRequest: { script: [{ resetMidBody: true }] },
  /** The request is read, then never answered (the socket stays open); every later request too. */
  neverAnswers: { script: [], after: { neverAnswer: true } },
  /** The first request is never answered; later ones are. */
  neverAnswersOnce: { script: [{ neverAnswer: true }] },
  /** A 200 that comes after `delayMillis`. */
  slowOk: { script: [{ delayMillis: 600 }] },
  /** A 200 whose `partial_success` says one span was rejected. */
  partialSuccess: { script: [{ partialSuccess: { rejectedSpans: 1, errorMessage: 'span 1 had no name' } }] },
  /** A 200 with a 10 MiB chunked body (no Content-Length). */
  hugeOkBody: { script: [{ streamBytes: TEN_MIB }] },
  /** A 503 with a 10 MiB chunked body: over the response limit, so final (OTLP spec: an over-limit response is not retried). */
  hugeUnavailableBody: { script: [{ status: 503, streamBytes: TEN_MIB }] },
} satisfies Record<string, { script: ScriptedResponse[]; after?: ScriptedResponse }>;

export type FaultName = keyof typeof FAULTS;

/** A test receiver with {@link inject}: queue a named fault's answers and set what follows it. */
export interface FaultInjectingReceiver extends OtlpTestReceiver {
  inject(fault: FaultName): void;
}

/**
 * Starts a receiver that answers 200 until a fault is injected.
 *
 * @example
 * ```ts
 * const receiver = await startFaultInjectingReceiver();
 * receiver.inject('unavailableThrice'); // 503, 503, 503, then 200
 * ```
 */
export async function startFaultInjectingReceiver(options: OtlpTestReceiverOptions = {}): Promise<FaultInjectingReceiver> {
  const receiver = await startOtlpTestReceiver(options);
  return Object.assign(receiver, {
    inject(fault: FaultName): void {
      const { script, after } = FAULTS[fault] as { script: ScriptedResponse[]; after?: ScriptedResponse };
      receiver.script(...script);
      receiver.fallback = after ?? {};
    },
  });
}

import { reportError } from '../../diagnostics/report.js';
import type { FinishedSpan } from '../../trace/finished-span.js';
import type { HttpTransport, RequestProgress } from '../../transport/http-transport.js';
import { ExportResultCode, type ExportResult } from '../span-exporter.js';
import { encodeWithinLimit } from './encoding/encode-within-limit.js';

/** What of an `OTLPTraceExporter` its exit export needs (the exporter's private state, read when called). */
export interface ExporterExitState {
  readonly transport: HttpTransport;
  readonly encode: (spans: readonly FinishedSpan[]) => Uint8Array;
  readonly maxRequestBytes: number;
  /** Origin and path, for messages. */
  readonly destination: string;
  isShutdown(): boolean;
}

/** One request of an export still running: its spans, whether it is done with, and its current attempt. */
export interface ExitRequest {
  readonly spans: readonly FinishedSpan[];
  /** Answered for good (accepted, or rejected with a final status): never sent again (set by the exporter). */
  done: boolean;
  /** The attempt on the wire now, if any (none before the first and between attempts; set by the exporter). */
  attempt: RequestProgress | undefined;
}

/** An exporter's exit export, over its state: what its `EXPORT_AT_EXIT` and `UNSENT_AT_EXIT` methods do. */
export interface ExporterExitExport {
  /**
   * Sends `spans` synchronously, for the `exit` event: encoded here, posted by the transport with the
   * same URL, headers, compression and TLS settings, one attempt per request and all of them within
   * `timeoutMillis`. Never throws.
   */
  send(spans: readonly FinishedSpan[], timeoutMillis: number): ExportResult;
  /**
   * Of `batch` (given to `export`, which has not finished), the spans still to send at exit: those of
   * its requests that are not done and whose current attempt, if any, is not out (see
   * `RequestProgress`). Never throws.
   */
  unsent(batch: readonly FinishedSpan[]): readonly FinishedSpan[];
  /**
   * At the start of an export of `batch`: its requests, one per part (in order), for the exporter to
   * keep up to date while it sends them and for `unsent` to read.
   */
  track(batch: readonly FinishedSpan[], parts: readonly { readonly spans: readonly FinishedSpan[] }[]): ExitRequest[];
  /**
   * When the export of `batch` has finished sending: keeps only its requests that are not done, so that
   * a delivered batch's spans are no longer held here (a WeakMap's values live as long as its key in
   * every collection, and V8's young-generation collections keep them: the spans of every exported
   * batch would otherwise be promoted to the old generation). `unsent` answers as before.
   */
  finish(batch: readonly FinishedSpan[]): void;
}

/** A finished export's requests when every one is done. */
const NO_REQUESTS: readonly ExitRequest[] = Object.freeze([]);

/**
 * The exit export of an `OTLPTraceExporter` over `state` (see `export/export-at-exit.ts`). Installed with
 * `useOtlpExitExport` by the entry point whose platform exports at exit (src/index.ts: Node, and Bun's and
 * Deno's base); a page bundles none of it.
 * @internal
 *
 * @example
 * ```ts
 * useOtlpExitExport(createExitExport);
 * ```
 */
export function createExitExport(state: ExporterExitState): ExporterExitExport {
  /** The requests of each export, keyed by the array `export` was given (held weakly: nothing to clean up). */
  const requestsOf = new WeakMap<readonly FinishedSpan[], readonly ExitRequest[]>();
  return {
    send(spans, timeoutMillis) {
      let result: ExportResult;
      try {
        result = sendAtExit(state, spans, timeoutMillis);
      } catch (error) {
        result = failed(error instanceof Error ? error : new Error(String(error)));
      }
      if (result.error !== undefined) reportError('export', result.error, 'at exit');
      return result;
    },
    unsent(batch) {
      const requests = requestsOf.get(batch);
      if (requests === undefined) return batch;
      const unsent: FinishedSpan[] = [];
      for (const request of requests) {
        if (request.done || isOut(request.attempt)) continue;
        for (const span of request.spans) unsent.push(span);
      }
      return unsent;
    },
    track(batch, parts) {
      const requests = parts.map((part): ExitRequest => ({ spans: part.spans, done: false, attempt: undefined }));
      requestsOf.set(batch, requests);
      return requests;
    },
    finish(batch) {
      const requests = requestsOf.get(batch);
      if (requests === undefined) return;
      let open = 0;
      for (const request of requests) if (!request.done) open++;
      requestsOf.set(batch, open === 0 ? NO_REQUESTS : requests.filter((request) => !request.done));
    },
  };
}

function sendAtExit(state: ExporterExitState, spans: readonly FinishedSpan[], timeoutMillis: number): ExportResult {
  if (spans.length === 0) return { code: ExportResultCode.SUCCESS };
  if (state.isShutdown()) return failed(new Error('the OTLP exporter is shut down'));
  const { transport, maxRequestBytes, destination } = state;
  if (transport.postSynchronously === undefined) return failed(new Error('this transport cannot send while the process exits'));
  const deadlineAt = performance.now() + timeoutMillis;
  const parts = encodeWithinLimit(spans, state.encode, maxRequestBytes, (span, encodedBytes) =>
    reportError(
      'export',
      new Error(`span "${span.name}" dropped: it encodes to ${encodedBytes} bytes, over maxRequestBytes (${maxRequestBytes})`),
    ),
  );
  let firstError: Error | undefined;
  for (const part of parts) {
    const remaining = deadlineAt - performance.now();
    const outcome = remaining > 0 ? transport.postSynchronously(part.payload, remaining) : ({ kind: 'timed-out' } as const);
    let error: Error | undefined;
    if (outcome.kind === 'timed-out') {
      error = new Error(`POST ${destination} at exit did not finish within ${timeoutMillis} ms`);
    } else if (outcome.kind === 'failed') {
      error = new Error(`POST ${destination} at exit failed: ${outcome.reason}`);
    } else if (outcome.statusCode < 200 || outcome.statusCode >= 300) {
      error = new Error(`POST ${destination} at exit answered ${outcome.statusCode}`);
    }
    firstError ??= error;
    if (outcome.kind === 'timed-out') break;
  }
  return firstError === undefined ? { code: ExportResultCode.SUCCESS } : failed(firstError);
}

/** Whether an attempt is out (answered, or written whole to a live connection), as far as its transport can tell. */
function isOut(attempt: RequestProgress | undefined): boolean {
  try {
    return attempt?.sentWhole?.() === true;
  } catch {
    return false;
  }
}

function failed(error: Error): ExportResult {
  return { code: ExportResultCode.FAILED, error };
}

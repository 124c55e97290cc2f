import { runWithTracingSuppressed } from '../../context/suppress-tracing.js';
import { reportError, warnOnce } from '../../diagnostics/report.js';
import type { FinishedSpan } from '../../trace/finished-span.js';
import type { ExportOptions, ExportResult, SpanExporter } from '../span-exporter.js';
import { EXPORT_FAILED, EXPORT_SUCCESS } from '../export-result-code-values.js';
import { EXPORT_AT_EXIT, UNSENT_AT_EXIT } from '../export-at-exit.js';
import type { ExitRequest, ExporterExitExport, ExporterExitState } from './otlp-exit-export.js';
import { encodeSpansToProtobuf } from './encoding/binary-encoder.js';
import { encodeWithinLimit } from './encoding/encode-within-limit.js';
import { decodeErrorStatus, decodePartialSuccess } from './wire/export-response.js';
import { encodeSpansToJson } from './encoding/json-encoder.js';
import type { HttpResponse, HttpTransport, RequestProgress } from '../../transport/http-transport.js';
import { currentPlatform } from '../../platform.js';
import { otlpEnvironmentSettings } from './otlp-environment-settings.js';
import { MIN_SECRET_LENGTH, MIN_SECRET_WORD_LENGTH } from './otlp-limits.js';
import { resolveExporterOptions, type OTLPTraceExporterOptions, type ResolvedExporterOptions } from './otlp-exporter-options.js';
import { backoffMillis, isRetryableNetworkError, isRetryableStatus, parseRetryAfter, waitMillis } from './retry.js';

const SUCCESS: ExportResult = Object.freeze({ code: EXPORT_SUCCESS });

/** How one attempt ended: delivered or given up (`retry` false), or worth another try. */
interface AttemptOutcome {
  readonly error: Error | undefined;
  readonly retry: boolean;
  /** The receiver's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMillis?: number;
}

/** Builds an exporter's exit export (`createExitExport`), where the platform exports at exit. */
let createExitExport: ((state: ExporterExitState) => ExporterExitExport) | undefined;

/**
 * Makes every `OTLPTraceExporter` built from now on able to send synchronously while the process exits
 * (`createExitExport`, see `export/export-at-exit.ts`). Called by the Node entry point (also Bun's and
 * Deno's base); the web entries do not, so a page bundles none of that code.
 * @internal
 *
 * @example
 * ```ts
 * useOtlpExitExport(createExitExport);
 * ```
 */
export function useOtlpExitExport(create: ((state: ExporterExitState) => ExporterExitExport) | undefined): void {
  createExitExport = create;
}

/**
 * Sends spans to an OpenTelemetry Collector (or any OTLP/HTTP receiver) as binary protobuf or JSON.
 *
 * - Concurrency: up to `maxConcurrentExports` exports may run at once (so a span processor may call
 *   `export` again before the previous call resolves); beyond that, `export` resolves `FAILED` at once.
 * - Retries 429, 502, 503, 504 and network errors with exponential backoff and jitter, honouring
 *   `Retry-After`, within `exportTimeoutMillis` and the caller's `signal`; other statuses are final.
 * - A batch whose body would exceed 64 MiB is split and sent in parts; a single span that alone exceeds
 *   it is dropped and reported.
 * - A 200 carrying `partial_success` counts as success; the rejection is logged.
 * - Its own requests run with tracing suppressed and are marked for `isExporterRequest`, so HTTP
 *   instrumentation never traces them.
 * - `export` never throws and never rejects; every failure is also reported through `diag`, rate-limited.
 *
 * @example
 * ```ts
 * const exporter = new OTLPTraceExporter({
 *   url: 'https://collector.example.com:4318/v1/traces',
 *   headers: { authorization: `Bearer ${token}` },
 *   compression: 'gzip',
 * });
 * const result = await exporter.export(spans, { signal: AbortSignal.timeout(30_000) });
 * await exporter.shutdown();
 * ```
 */
export class OTLPTraceExporter implements SpanExporter {
  readonly #settings: ResolvedExporterOptions;
  readonly #transport: HttpTransport;
  readonly #encode: (spans: readonly FinishedSpan[]) => Uint8Array;
  /** Where messages say the spans went: origin and path, never credentials or query. */
  readonly #destination: string;
  /** Header values and URL credentials, longest first: removed from anything the receiver says before it is logged. */
  readonly #secrets: readonly string[];
  readonly #inFlight = new Set<Promise<ExportResult>>();
  #shutdown: Promise<void> | undefined;
  /** Where the platform exports at exit (see {@link useOtlpExitExport}), what the two exit methods do. */
  readonly #atExit: ExporterExitExport | undefined;

  /**
   * @param options - see {@link OTLPTraceExporterOptions}; options beat the `OTEL_EXPORTER_OTLP_*`
   * variables (read now), which beat the defaults.
   */
  constructor(options: OTLPTraceExporterOptions = {}) {
    const settings = resolveExporterOptions(options ?? {}, otlpEnvironmentSettings());
    this.#settings = settings;
    const json = settings.protocol === 'http/json';
    this.#encode = json ? encodeSpansToJson : encodeSpansToProtobuf;
    this.#destination = `${settings.url.origin}${settings.url.pathname}`;
    this.#secrets = collectSecrets(settings);
    this.#transport = (settings.transport ?? currentPlatform().createTransport)({
      url: settings.url,
      headers: settings.headers,
      contentType: json ? 'application/json' : 'application/x-protobuf',
      compression: settings.compression,
      timeoutMillis: settings.timeoutMillis,
      maxSockets: settings.maxConcurrentExports,
      maxResponseBytes: settings.maxResponseBytes,
      tls: settings.tls,
      ...(settings.tlsFiles !== undefined && { tlsFiles: settings.tlsFiles }),
    });
    this.#atExit = createExitExport?.({
      transport: this.#transport,
      encode: this.#encode,
      maxRequestBytes: settings.maxRequestBytes,
      destination: this.#destination,
      isShutdown: () => this.#shutdown !== undefined,
    });
  }

  /**
   * Sends `spans`, retrying as needed. Resolves `SUCCESS` once every request was accepted (a partial
   * success included), `FAILED` with the reason otherwise. Never rejects.
   */
  export(spans: readonly FinishedSpan[], options?: ExportOptions): Promise<ExportResult> {
    if (this.#shutdown !== undefined) {
      return Promise.resolve(failed(new Error('the OTLP exporter is shut down')));
    }
    try {
      if (this.#inFlight.size >= this.#settings.maxConcurrentExports) {
        const error = new Error(
          `${this.#settings.maxConcurrentExports} exports already in flight to ${this.#destination}; ${spans.length} spans dropped`,
        );
        reportError('export', error);
        return Promise.resolve(failed(error));
      }
      const promise = this.#exportGuarded(spans, options?.signal);
      this.#inFlight.add(promise);
      void promise.then(() => this.#inFlight.delete(promise));
      return promise;
    } catch (error) {
      // Only a caller breaking the contract (spans not an array, options not an object) gets here.
      const reason = asError(error);
      reportError('export', reason);
      return Promise.resolve(failed(reason));
    }
  }

  /** Resolves once every export started so far has finished. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.#inFlight);
  }

  /**
   * Waits for the exports in flight (each bounded by its deadline), then closes the connections.
   * Idempotent; afterwards `export` resolves `FAILED` at once.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= Promise.all(this.#inFlight).then(() => this.#transport.close());
    return this.#shutdown;
  }

  /**
   * Sends `spans` synchronously, for the `exit` event (see `export/export-at-exit.ts`), within
   * `timeoutMillis`; where the platform does not export at exit, resolves nothing and fails. Never throws.
   * Called by `BatchSpanProcessor` while the process exits; its key is a symbol no entry point exports,
   * so it cannot be called from outside otelite.
   */
  [EXPORT_AT_EXIT](spans: readonly FinishedSpan[], timeoutMillis: number): ExportResult {
    return this.#atExit?.send(spans, timeoutMillis) ?? failed(new Error('no exit export here'));
  }

  /**
   * Of `batch` (given to `export`, which has not finished), the spans still to send at exit (the whole
   * batch where the platform does not export at exit). Called by `BatchSpanProcessor` while the process
   * exits. Never throws.
   */
  [UNSENT_AT_EXIT](batch: readonly FinishedSpan[]): readonly FinishedSpan[] {
    return this.#atExit?.unsent(batch) ?? batch;
  }

  async #exportGuarded(spans: readonly FinishedSpan[], signal: AbortSignal | undefined): Promise<ExportResult> {
    let result: ExportResult;
    try {
      result = await runWithTracingSuppressed(() => this.#send(spans, signal));
    } catch (error) {
      result = failed(asError(error));
    }
    if (result.error !== undefined) reportError('export', result.error);
    return result;
  }

  async #send(spans: readonly FinishedSpan[], signal: AbortSignal | undefined): Promise<ExportResult> {
    if (spans.length === 0) return SUCCESS;
    const { exportTimeoutMillis, maxRequestBytes } = this.#settings;
    const deadlineAt = performance.now() + exportTimeoutMillis;
    const deadline = createDeadline(signal, exportTimeoutMillis);
    try {
      const parts = encodeWithinLimit(spans, this.#encode, maxRequestBytes, (span, encodedBytes) =>
        reportError(
          'export',
          new Error(`span "${span.name}" dropped: it encodes to ${encodedBytes} bytes, over maxRequestBytes (${maxRequestBytes})`),
        ),
      );
      // Where the platform exports at exit, each request's progress, for UNSENT_AT_EXIT.
      const requests = this.#atExit?.track(spans, parts);
      let firstError: Error | undefined;
      for (let i = 0; i < parts.length; i++) {
        const error = await this.#deliver(await this.#transport.prepare(parts[i].payload), deadline.signal, deadlineAt, requests?.[i]);
        firstError ??= error;
        if (deadline.signal.aborted) break;
      }
      return firstError === undefined ? SUCCESS : failed(firstError);
    } finally {
      deadline.dispose();
      this.#atExit?.finish(spans);
    }
  }

  /** Sends one request body until it is accepted, rejected for good, out of attempts or out of time. */
  async #deliver(body: Uint8Array, signal: AbortSignal, deadlineAt: number, request: ExitRequest | undefined): Promise<Error | undefined> {
    const policy = this.#settings.retry;
    for (let attempt = 1; ; attempt++) {
      let outcome: AttemptOutcome;
      const progress: RequestProgress = {};
      if (request !== undefined) request.attempt = progress;
      try {
        outcome = this.#judge(await this.#transport.send(body, signal, progress));
        if (request !== undefined) request.done = !outcome.retry;
      } catch (error) {
        if (signal.aborted) return deadlineError(signal, error);
        const cause = asError(error);
        outcome = {
          error: new Error(`POST ${this.#destination} failed: ${cause.message}`, { cause }),
          retry: isRetryableNetworkError(error),
        };
      } finally {
        if (request !== undefined) request.attempt = undefined;
      }
      if (!outcome.retry) return outcome.error;
      const error = outcome.error as Error;
      if (attempt >= policy.maxAttempts) {
        return attempt === 1 ? error : new Error(`${error.message} (gave up after ${attempt} attempts)`, { cause: error });
      }
      const wait = outcome.retryAfterMillis ?? backoffMillis(policy, attempt);
      if (performance.now() + wait >= deadlineAt) {
        return new Error(`${error.message} (no retry: the export deadline comes first)`, { cause: error });
      }
      if (!(await waitMillis(wait, signal))) return deadlineError(signal, error);
    }
  }

  /** Turns a response into an outcome, logging a partial success. */
  #judge(response: HttpResponse): AttemptOutcome {
    const { statusCode } = response;
    const json = isJson(response.contentType, this.#settings.protocol);
    if (statusCode >= 200 && statusCode < 300) {
      if (response.body === undefined) {
        // The spans were accepted; only the response was not read (too large, or cut off).
        reportError('export.response', new Error(`${this.#destination} answered ${statusCode}, but ${response.bodyError}`));
        return { error: undefined, retry: false };
      }
      const partial = decodePartialSuccess(response.body, json);
      if (partial !== undefined) {
        const text = this.#redact(
          `${this.#destination} accepted partially: ${partial.rejectedSpans} spans rejected${
            partial.errorMessage ? `: ${partial.errorMessage}` : ''
          }`,
        );
        if (partial.rejectedSpans > 0) reportError('export.partial_success', new Error(text));
        else warnOnce(text);
      }
      return { error: undefined, retry: false };
    }
    const status = decodeErrorStatus(response.body, json);
    const reason = status ? `: ${status.message}` : response.bodyError ? ` (${response.bodyError})` : '';
    const statusText = response.statusMessage ? `${statusCode} ${response.statusMessage}` : String(statusCode);
    // A receiver may echo a rejected credential in its message: it must not reach a log.
    const error = new Error(this.#redact(`POST ${this.#destination} answered ${statusText}${reason}`));
    // The specification makes an over-limit response final whatever its status.
    if (!isRetryableStatus(statusCode) || response.bodyTooLarge) return { error, retry: false };
    return { error, retry: true, retryAfterMillis: parseRetryAfter(response.retryAfter, Date.now()) };
  }

  /** `text` with every configured secret replaced by `[REDACTED]`. */
  #redact(text: string): string {
    for (const secret of this.#secrets) if (text.includes(secret)) text = text.split(secret).join('[REDACTED]');
    return text;
  }
}

/** The strings a receiver's message must not repeat: header values (and their long words) and URL credentials. */
function collectSecrets(settings: ResolvedExporterOptions): string[] {
  const secrets = new Set<string>();
  const add = (value: string, minimum: number): void => {
    if (value.length >= minimum) secrets.add(value);
  };
  for (const value of Object.values(settings.headers)) {
    add(value, MIN_SECRET_LENGTH);
    for (const word of value.split(/\s+/)) add(word, MIN_SECRET_WORD_LENGTH);
  }
  for (const part of [settings.url.username, settings.url.password]) {
    add(part, MIN_SECRET_LENGTH);
    try {
      add(decodeURIComponent(part), MIN_SECRET_LENGTH);
    } catch {
      // Not percent-encoded text; the raw form is covered.
    }
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** `error` itself when it is an `Error`, else an `Error` whose message is it as a string. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function failed(error: Error): ExportResult {
  return { code: EXPORT_FAILED, error };
}

function isJson(contentType: string | undefined, protocol: string): boolean {
  if (contentType === undefined) return protocol === 'http/json';
  return contentType.toLowerCase().includes('json');
}

/** The error an export ends with when its signal aborts: the caller's reason, or the export timeout. */
function deadlineError(signal: AbortSignal, last: unknown): Error {
  const reason: unknown = signal.reason;
  const message = reason instanceof Error ? reason.message : 'export aborted';
  return new Error(message, { cause: last });
}

/**
 * One signal that aborts when the caller's does or when `timeoutMillis` has passed, whichever comes
 * first; `dispose` clears the timer and the listener (nothing lingers after the export).
 */
function createDeadline(parent: AbortSignal | undefined, timeoutMillis: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onParentAbort = (): void => {
    const reason: unknown = parent?.reason;
    controller.abort(reason instanceof Error && reason.name !== 'AbortError' ? reason : new Error('export aborted by its caller'));
  };
  const timer = setTimeout(
    () => controller.abort(new Error(`the export did not finish within exportTimeoutMillis (${timeoutMillis} ms)`)),
    timeoutMillis,
  );
  timer.unref?.();
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

import type { OtlpSettings } from './otlp-environment.js';
import { warnOnce } from '../../diagnostics/report.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './encoding/encode-within-limit.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  normalizeHeaders,
  type HttpTransport,
  type HttpTransportFactory,
  type TlsFiles,
  type TlsOptions,
} from '../../transport/http-transport.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { DEFAULT_MAX_CONCURRENT_EXPORTS } from './otlp-limits.js';

/**
 * Options of {@link OTLPTraceExporter}. Every one is optional; each falls back to its
 * `OTEL_EXPORTER_OTLP_TRACES_*` variable, then to the general `OTEL_EXPORTER_OTLP_*` one, then to the
 * default given here. An invalid value is reported once through `diag.warn` and the fallback is used.
 */
export interface OTLPTraceExporterOptions {
  /**
   * The full URL spans are posted to, `http:` or `https:`. Default: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
   * as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`, else `http://localhost:4318/v1/traces`.
   */
  url?: string;
  /**
   * Extra request headers (for example `authorization`), merged over `OTEL_EXPORTER_OTLP_HEADERS` and
   * `OTEL_EXPORTER_OTLP_TRACES_HEADERS`; names are case-insensitive. Values are treated as secrets: they
   * never appear in logs or errors.
   */
  headers?: Record<string, string>;
  /**
   * Time allowed for one HTTP request (sending plus the whole response), in milliseconds; a request that
   * runs out of time counts as a network error and is retried. Default `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`,
   * `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10 000. Must be greater than 0.
   */
  timeoutMillis?: number;
  /** `'gzip'` compresses request bodies. Default `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`, else `'none'`. */
  compression?: 'gzip' | 'none';
  /**
   * The wire encoding: `'http/protobuf'` (binary, `application/x-protobuf`) or `'http/json'`
   * (`application/json`). `'grpc'` is not supported and falls back to `'http/protobuf'` with a warning.
   * Default `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`, else `'http/protobuf'`.
   */
  protocol?: 'http/protobuf' | 'http/json';
  /**
   * How many exports may be in flight at once (each one uses at most one socket at a time). An `export`
   * beyond it does not wait: it resolves `FAILED` at once and its spans are counted as dropped through
   * `reportError('export', ...)`. This keeps memory bounded when the receiver is slow. Default 2;
   * at least 1.
   */
  maxConcurrentExports?: number;
  /**
   * The longest one `export` call may take, retries and backoff included, in milliseconds; no retry
   * starts when its wait would end past it. The caller's `signal` can end an export sooner. Default
   * `retry.maxAttempts × timeoutMillis + (retry.maxAttempts - 1) × retry.maxBackoffMillis`: room for
   * every attempt to use its whole timeout with the longest nominal wait between them (70 000 with the
   * defaults). Must be greater than 0.
   */
  exportTimeoutMillis?: number;
  /**
   * How failed requests are retried (429, 502, 503, 504 and network errors). Defaults: 5 attempts, waits
   * starting at 1000 ms growing by 1.5× up to 5000 ms, ±20 % jitter (see `DEFAULT_RETRY_POLICY`).
   * `{ maxAttempts: 1 }` disables retrying.
   */
  retry?: Partial<RetryPolicy>;
  /**
   * A response body longer than this is discarded unread, in bytes. Default 4 MiB (the OTLP
   * specification's recommendation). Must be greater than 0.
   */
  maxResponseBytes?: number;
  /** CA certificates and client certificate for an `https:` receiver. Certificate verification is always on. */
  tls?: TlsOptions;
  /**
   * Makes the HTTP client of the exporter. Default the platform's: `node:http(s)` on Node (and Bun, Deno),
   * `fetch` elsewhere. A function given here must keep the {@link HttpTransport} contract.
   */
  transport?: HttpTransportFactory;
  /**
   * The largest request body sent, before compression, in bytes: a batch that would encode larger is
   * split into several requests, and a single span larger than this is dropped and reported. Lower it
   * for a receiver with a smaller limit. Default 64 MiB (the OTLP specification's recommendation);
   * at least 1.
   */
  maxRequestBytes?: number;
}

/** The exporter's settings after options, environment and defaults are merged and validated. */
export interface ResolvedExporterOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly maxConcurrentExports: number;
  readonly exportTimeoutMillis: number;
  readonly retry: Readonly<RetryPolicy>;
  readonly maxResponseBytes: number;
  readonly maxRequestBytes: number;
  readonly tls: TlsOptions | undefined;
  /** The environment's TLS files, for what `tls` does not give. */
  readonly tlsFiles: TlsFiles | undefined;
  readonly transport: HttpTransportFactory | undefined;
}

export { DEFAULT_MAX_CONCURRENT_EXPORTS };

/**
 * Defaults, then the environment (`environment`, which already holds the defaults), then `options`,
 * then validation: an option left `undefined` keeps the environment's value, an invalid one is ignored
 * with a warning. Never throws.
 *
 * @example
 * ```ts
 * const settings = resolveExporterOptions({ compression: 'gzip' }, readOtlpEnvironment());
 * ```
 */
export function resolveExporterOptions(options: OTLPTraceExporterOptions, environment: OtlpSettings): ResolvedExporterOptions {
  const given = options.retry;
  const retry: RetryPolicy = {
    maxAttempts: numberOption('retry.maxAttempts', given?.maxAttempts, DEFAULT_RETRY_POLICY.maxAttempts, 1, true),
    initialBackoffMillis: numberOption(
      'retry.initialBackoffMillis',
      given?.initialBackoffMillis,
      DEFAULT_RETRY_POLICY.initialBackoffMillis,
      0,
    ),
    maxBackoffMillis: numberOption('retry.maxBackoffMillis', given?.maxBackoffMillis, DEFAULT_RETRY_POLICY.maxBackoffMillis, 0),
    backoffMultiplier: numberOption('retry.backoffMultiplier', given?.backoffMultiplier, DEFAULT_RETRY_POLICY.backoffMultiplier, 1),
    jitter: DEFAULT_RETRY_POLICY.jitter,
  };
  const jitter = given?.jitter;
  if (jitter !== undefined) {
    if (typeof jitter === 'number' && jitter >= 0 && jitter <= 1) retry.jitter = jitter;
    else invalid('retry.jitter', `a number from 0 to 1; using ${DEFAULT_RETRY_POLICY.jitter}`);
  }
  const timeoutMillis = numberOption('timeoutMillis', options.timeoutMillis, environment.timeoutMillis, 0, false, true);
  return {
    url: resolveUrl(options.url, environment.tracesUrl),
    headers: normalizeHeaders({ ...lowerCaseKeys(environment.headers), ...lowerCaseKeys(options.headers ?? {}) }),
    timeoutMillis,
    compression: choice('compression', options.compression, ['gzip', 'none'], environment.compression),
    protocol: resolveProtocol(options.protocol, environment.protocol),
    maxConcurrentExports: numberOption('maxConcurrentExports', options.maxConcurrentExports, DEFAULT_MAX_CONCURRENT_EXPORTS, 1, true),
    exportTimeoutMillis: numberOption(
      'exportTimeoutMillis',
      options.exportTimeoutMillis,
      retry.maxAttempts * timeoutMillis + (retry.maxAttempts - 1) * retry.maxBackoffMillis,
      0,
      false,
      true,
    ),
    retry,
    maxResponseBytes: numberOption('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 1, true),
    maxRequestBytes: numberOption('maxRequestBytes', options.maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES, 1, true),
    tls: options.tls,
    // Only an environment that names TLS files brings the merge (src/export/otlp/otlp-environment.ts).
    tlsFiles: environment.tlsFilesNotGiven?.(options.tls),
    transport: typeof options.transport === 'function' ? options.transport : undefined,
  };
}

function invalid(name: string, expectation: string): void {
  warnOnce(`OTLPTraceExporter option ${name} must be ${expectation}.`);
}

function resolveUrl(value: string | undefined, fallback: string): URL {
  const fallbackUrl = new URL(fallback);
  if (value === undefined) return fallbackUrl;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // The URL itself is not echoed: it may carry credentials.
    invalid('url', 'an absolute http(s) URL; ignored');
    return fallbackUrl;
  }
  return url;
}

function resolveProtocol(value: unknown, fallback: OtlpSettings['protocol']): OtlpSettings['protocol'] {
  if (value === 'grpc') {
    invalid('protocol', 'http/protobuf or http/json (no grpc); using http/protobuf');
    return 'http/protobuf';
  }
  return choice('protocol', value, ['http/protobuf', 'http/json'], fallback);
}

function choice<T extends string>(name: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly unknown[]).includes(value)) return value as T;
  invalid(name, `one of ${choices.join(', ')}; using ${fallback}`);
  return fallback;
}

/**
 * `value` when it is a finite number of at least `minimum` (above it when `exclusive`; an integer when
 * `integer`), else `fallback` with a warning; `undefined` gives `fallback` silently.
 */
function numberOption(name: string, value: unknown, fallback: number, minimum: number, integer = false, exclusive = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value === 'number' &&
    value < Infinity &&
    (exclusive ? value > minimum : value >= minimum) &&
    (!integer || Number.isSafeInteger(value))
  ) {
    return value;
  }
  invalid(name, `${integer ? 'an integer' : 'a finite number'} ${exclusive ? 'above' : 'of at least'} ${minimum}; using ${fallback}`);
  return fallback;
}

function lowerCaseKeys(headers: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (typeof headers !== 'object' || headers === null) return result;
  for (const [key, value] of Object.entries(headers)) result[key.toLowerCase()] = value;
  return result;
}

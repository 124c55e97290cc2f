import { readEnvironmentVariable, type EnvironmentSource } from '../../config/environment-variable.js';
import { parseKeyValueList } from '../../config/key-value-list.js';
import { readChoiceVariable, readHttpUrlVariable, readIntegerVariable, readStringVariable } from '../../config/typed-variables.js';
import { warnOnce } from '../../diagnostics/report.js';
import type { TlsFile, TlsFiles, TlsOptions } from '../../transport/http-transport.js';
import { DEFAULT_OTLP_TIMEOUT_MILLIS } from './otlp-limits.js';

/** OTLP exporter settings from `OTEL_EXPORTER_OTLP_[TRACES_]*`, signal-specific beating general, defaults applied. */
export interface OtlpSettings {
  /** The full URL spans are posted to. */
  tracesUrl: string;
  /** Extra request headers. Values are secrets. */
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: 'gzip' | 'none';
  protocol: 'http/protobuf' | 'http/json';
  /** The PEM files the `*CERTIFICATE` and `*CLIENT_KEY` variables name; `undefined` when none does. @internal */
  tlsFiles?: TlsFiles;
  /**
   * Of {@link tlsFiles}, those the exporter's `tls` option does not give (options beat the environment);
   * present with `tlsFiles` only, so the merge is bundled only where an environment is read. @internal
   */
  tlsFilesNotGiven?: (tls: TlsOptions | undefined) => TlsFiles | undefined;
}

/** Where OTLP/HTTP goes when nothing says otherwise. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
export { DEFAULT_OTLP_TIMEOUT_MILLIS };

const COMPRESSIONS = ['gzip', 'none'] as const;

/**
 * Reads the `OTEL_EXPORTER_OTLP_*` variables for traces: the `TRACES_` variable beats the general one,
 * which beats the default. `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is used as is; the general endpoint
 * gets `/v1/traces` appended. `OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE` (trusted certificates),
 * `_CLIENT_CERTIFICATE` and `_CLIENT_KEY` name PEM files, read by the Node transport for `https:`. Header
 * values are secrets: no warning ever contains one.
 *
 * @example
 * ```ts
 * // OTEL_EXPORTER_OTLP_ENDPOINT=https://collector:4318
 * readOtlpEnvironment().tracesUrl; // 'https://collector:4318/v1/traces'
 * ```
 */
export function readOtlpEnvironment(environment: EnvironmentSource = readEnvironmentVariable): OtlpSettings {
  const specific = readHttpUrlVariable(environment, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const tracesUrl = specific ?? appendTracesPath(readHttpUrlVariable(environment, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_OTLP_ENDPOINT);
  const generalTimeout = readIntegerVariable(environment, 'OTEL_EXPORTER_OTLP_TIMEOUT', DEFAULT_OTLP_TIMEOUT_MILLIS, 1);
  const generalCompression = readChoiceVariable(environment, 'OTEL_EXPORTER_OTLP_COMPRESSION', COMPRESSIONS, 'none');
  return {
    tracesUrl,
    headers: {
      ...readHeaders(environment, 'OTEL_EXPORTER_OTLP_HEADERS'),
      ...readHeaders(environment, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    },
    timeoutMillis: readIntegerVariable(environment, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', generalTimeout, 1),
    compression: readChoiceVariable(environment, 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', COMPRESSIONS, generalCompression),
    protocol: readProtocol(
      environment,
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
      readProtocol(environment, 'OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf'),
    ),
    ...tlsSettings(readTlsFiles(environment)),
  };
}

/** `tlsFiles` and its merge with a `tls` option, or nothing when no variable names a file. */
function tlsSettings(files: TlsFiles | undefined): Pick<OtlpSettings, 'tlsFiles' | 'tlsFilesNotGiven'> {
  if (files === undefined) return {};
  return { tlsFiles: files, tlsFilesNotGiven: (tls) => filesNotGiven(files, tls) };
}

/** The environment's TLS files for the parts the `tls` option does not give (options beat the environment). */
function filesNotGiven(files: TlsFiles, tls: TlsOptions | undefined): TlsFiles | undefined {
  if (tls === undefined || tls === null) return files;
  const ca = tls.ca === undefined ? files.ca : undefined;
  const cert = tls.cert === undefined && tls.pfx === undefined ? files.cert : undefined;
  const key = tls.key === undefined && tls.pfx === undefined ? files.key : undefined;
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}

function readTlsFiles(environment: EnvironmentSource): TlsFiles | undefined {
  const ca = readFileVariable(environment, 'CERTIFICATE');
  const cert = readFileVariable(environment, 'CLIENT_CERTIFICATE');
  const key = readFileVariable(environment, 'CLIENT_KEY');
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}

/** The file `OTEL_EXPORTER_OTLP_TRACES_<suffix>` names, else the one `OTEL_EXPORTER_OTLP_<suffix>` names. */
function readFileVariable(environment: EnvironmentSource, suffix: string): TlsFile | undefined {
  for (const variable of [`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
    const path = readStringVariable(environment, variable);
    if (path !== undefined) return { path, variable };
  }
  return undefined;
}

/**
 * `base` with `v1/traces` appended after exactly one `/`.
 *
 * @example
 * ```ts
 * appendTracesPath('http://localhost:4318/'); // 'http://localhost:4318/v1/traces'
 * ```
 */
export function appendTracesPath(base: string): string {
  return base.endsWith('/') ? `${base}v1/traces` : `${base}/v1/traces`;
}

function readHeaders(environment: EnvironmentSource, name: string): Record<string, string> {
  const raw = readStringVariable(environment, name);
  if (raw === undefined) return {};
  const parsed = parseKeyValueList(raw);
  if (parsed === undefined) {
    // Never echo the value: headers carry credentials.
    warnOnce(`${name} is malformed (not k=v,... percent-encoded); its headers are ignored.`);
    return {};
  }
  return parsed;
}

function readProtocol(environment: EnvironmentSource, name: string, fallback: OtlpSettings['protocol']): OtlpSettings['protocol'] {
  const raw = readStringVariable(environment, name);
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (value === 'http/protobuf' || value === 'http/json') return value;
  if (value === 'grpc') {
    warnOnce(`${name}="grpc" is not supported by otelite (OTLP/HTTP only); using http/protobuf.`);
    return 'http/protobuf';
  }
  warnOnce(`${name}="${raw}" is not one of http/protobuf, http/json; using ${fallback}.`);
  return fallback;
}

import { DiagLogLevel } from '@opentelemetry/api';
import { environmentVariables } from './environment-variables.js';
import { warnOnce } from '../diagnostics/report.js';

/**
 * The only module that reads `process.env`.
 *
 * {@link readEnvironment} turns the standard `OTEL_*` variables into typed settings with the spec's
 * defaults already applied, so a component resolves its configuration as
 * `{ ...readEnvironment().section, ...options }`: defaults, then environment, then options. An
 * invalid value produces one warning that names the variable and the fallback, and the fallback is
 * used. Header values are secrets: they are never put into a message.
 */

/** The span limits of the spec, after `OTEL_SPAN_*` beat `OTEL_ATTRIBUTE_*`. `Infinity` means unlimited. */
export interface SpanLimitsSettings {
  attributeValueLengthLimit: number;
  attributeCountLimit: number;
  eventCountLimit: number;
  linkCountLimit: number;
  attributePerEventCountLimit: number;
  attributePerLinkCountLimit: number;
}

/** Batch span processor settings (`OTEL_BSP_*`). */
export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/** The sampler names `OTEL_TRACES_SAMPLER` accepts. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** The propagator names `OTEL_PROPAGATORS` accepts. */
export type PropagatorName = 'tracecontext' | 'baggage';

/** OTLP exporter settings (`OTEL_EXPORTER_OTLP_[TRACES_]*`), signal-specific beating general. */
export interface OtlpSettings {
  /** The full URL spans are posted to. */
  tracesUrl: string;
  /** Extra request headers. Values are secrets. */
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: 'gzip' | 'none';
  protocol: 'http/protobuf' | 'http/json';
}

/** Everything otelite takes from the environment. */
export interface Environment {
  /** `OTEL_SDK_DISABLED`: no spans are recorded or exported; propagation still works. Default false. */
  sdkDisabled: boolean;
  /** `OTEL_LOG_LEVEL`, when set and valid. */
  logLevel: DiagLogLevel | undefined;
  /** `OTEL_SERVICE_NAME`, when set. */
  serviceName: string | undefined;
  /** `OTEL_RESOURCE_ATTRIBUTES`, percent-decoded. Empty when unset or malformed. */
  resourceAttributes: Record<string, string>;
  /** `OTEL_TRACES_SAMPLER`, default `parentbased_always_on`. */
  sampler: SamplerName;
  /** `OTEL_TRACES_SAMPLER_ARG` for the ratio samplers, in [0, 1]; default 1. */
  samplerRatio: number;
  /** `OTEL_TRACES_EXPORTER`: `otlp`, `console` or `none`; default `['otlp']`. */
  tracesExporters: Array<'otlp' | 'console'>;
  /** `OTEL_PROPAGATORS`, default `tracecontext,baggage`; empty for `none`. */
  propagators: PropagatorName[];
  spanLimits: SpanLimitsSettings;
  batch: BatchSettings;
  otlp: OtlpSettings;
}

/** The spec's defaults. */
export const DEFAULT_SPAN_LIMITS: Readonly<SpanLimitsSettings> = Object.freeze({
  attributeValueLengthLimit: Infinity,
  attributeCountLimit: 128,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
});

/** The spec's batch span processor defaults. */
export const DEFAULT_BATCH: Readonly<BatchSettings> = Object.freeze({
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30000,
});

/** Where OTLP/HTTP goes when nothing says otherwise. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
/** The default OTLP request timeout, in milliseconds. */
export const DEFAULT_OTLP_TIMEOUT_MILLIS = 10_000;

type Env = Readonly<Record<string, string | undefined>>;

const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

const LOG_LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/**
 * Reads the `OTEL_*` variables of `env` (default `process.env`) into typed settings, defaults applied.
 * Never throws; every invalid value is reported once through `diag.warn`.
 *
 * @example
 * ```ts
 * const { batch } = readEnvironment();
 * const settings = { ...batch, ...options };
 * ```
 */
export function readEnvironment(env: Env = environmentVariables()): Environment {
  return {
    sdkDisabled: readBoolean(env, 'OTEL_SDK_DISABLED', false),
    logLevel: readLogLevel(env),
    serviceName: readString(env, 'OTEL_SERVICE_NAME'),
    resourceAttributes: readResourceAttributes(env),
    ...readSampler(env),
    tracesExporters: readTracesExporters(env),
    propagators: readPropagators(env),
    spanLimits: readSpanLimits(env),
    batch: readBatch(env),
    otlp: readOtlp(env),
  };
}

function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = readString(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  warnOnce(`${name}="${env[name]}" is not "true" or "false"; using ${fallback}.`);
  return fallback;
}

/**
 * `OTEL_LOG_LEVEL` alone, so that `init()` can install its diagnostic logger before the rest of the
 * environment is read (and warned about). `undefined` when unset or invalid.
 *
 * @example
 * ```ts
 * const level = readLogLevel(); // DiagLogLevel.DEBUG for OTEL_LOG_LEVEL=debug
 * ```
 */
export function readLogLevel(env: Env = environmentVariables()): DiagLogLevel | undefined {
  const value = readString(env, 'OTEL_LOG_LEVEL')?.toLowerCase();
  if (value === undefined) return undefined;
  const level = LOG_LEVELS[value];
  if (level === undefined) {
    warnOnce(`OTEL_LOG_LEVEL="${env.OTEL_LOG_LEVEL}" is not one of ${Object.keys(LOG_LEVELS).join(', ')}; using the default.`);
  }
  return level;
}

/** A non-negative integer, or `fallback` with a warning. */
function readNonNegativeInteger(env: Env, name: string, fallback: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (/^\d+$/.test(raw)) {
    const value = Number(raw);
    if (Number.isSafeInteger(value)) return value;
  }
  warnOnce(`${name}="${raw}" is not a non-negative integer; using ${describeNumber(fallback)}.`);
  return fallback;
}

function readPositiveInteger(env: Env, name: string, fallback: number): number {
  const value = readNonNegativeInteger(env, name, fallback);
  if (value > 0) return value;
  warnOnce(`${name}="${env[name]}" must be greater than 0; using ${describeNumber(fallback)}.`);
  return fallback;
}

function describeNumber(value: number): string {
  return value === Infinity ? 'no limit' : String(value);
}

function readSpanLimits(env: Env): SpanLimitsSettings {
  const d = DEFAULT_SPAN_LIMITS;
  const generalLength = readNonNegativeInteger(env, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', d.attributeValueLengthLimit);
  const generalCount = readNonNegativeInteger(env, 'OTEL_ATTRIBUTE_COUNT_LIMIT', d.attributeCountLimit);
  return {
    attributeValueLengthLimit: readNonNegativeInteger(env, 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', generalLength),
    attributeCountLimit: readNonNegativeInteger(env, 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', generalCount),
    eventCountLimit: readNonNegativeInteger(env, 'OTEL_SPAN_EVENT_COUNT_LIMIT', d.eventCountLimit),
    linkCountLimit: readNonNegativeInteger(env, 'OTEL_SPAN_LINK_COUNT_LIMIT', d.linkCountLimit),
    attributePerEventCountLimit: readNonNegativeInteger(env, 'OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', generalCount),
    attributePerLinkCountLimit: readNonNegativeInteger(env, 'OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', generalCount),
  };
}

function readBatch(env: Env): BatchSettings {
  const d = DEFAULT_BATCH;
  const maxQueueSize = readPositiveInteger(env, 'OTEL_BSP_MAX_QUEUE_SIZE', d.maxQueueSize);
  let maxExportBatchSize = readPositiveInteger(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', d.maxExportBatchSize);
  if (maxExportBatchSize > maxQueueSize) {
    warnOnce(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} exceeds the queue size ${maxQueueSize}; using ${maxQueueSize}.`,
    );
    maxExportBatchSize = maxQueueSize;
  }
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMillis: readNonNegativeInteger(env, 'OTEL_BSP_SCHEDULE_DELAY', d.scheduledDelayMillis),
    exportTimeoutMillis: readPositiveInteger(env, 'OTEL_BSP_EXPORT_TIMEOUT', d.exportTimeoutMillis),
  };
}

function readSampler(env: Env): { sampler: SamplerName; samplerRatio: number } {
  const fallback: SamplerName = 'parentbased_always_on';
  const raw = readString(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase();
  let sampler: SamplerName = fallback;
  if (raw !== undefined) {
    if ((SAMPLERS as readonly string[]).includes(raw)) {
      sampler = raw as SamplerName;
    } else {
      warnOnce(`OTEL_TRACES_SAMPLER="${env.OTEL_TRACES_SAMPLER}" is not one of ${SAMPLERS.join(', ')}; using ${fallback}.`);
    }
  }
  let samplerRatio = 1;
  const arg = readString(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (arg !== undefined && sampler.endsWith('traceidratio')) {
    const value = Number(arg);
    if (Number.isFinite(value) && value >= 0 && value <= 1 && /^[\d.eE+-]+$/.test(arg)) {
      samplerRatio = value;
    } else {
      warnOnce(`OTEL_TRACES_SAMPLER_ARG="${arg}" is not a probability between 0 and 1; using 1.`);
    }
  }
  return { sampler, samplerRatio };
}

function readTracesExporters(env: Env): Array<'otlp' | 'console'> {
  const raw = readString(env, 'OTEL_TRACES_EXPORTER');
  if (raw === undefined) return ['otlp'];
  const result: Array<'otlp' | 'console'> = [];
  for (const part of raw.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === 'none') return [];
    if (name === 'otlp' || name === 'console') {
      if (!result.includes(name)) result.push(name);
    } else if (name) {
      warnOnce(`OTEL_TRACES_EXPORTER names an unknown exporter "${name}"; it is ignored (known: otlp, console, none).`);
    }
  }
  return result;
}

function readPropagators(env: Env): PropagatorName[] {
  const raw = readString(env, 'OTEL_PROPAGATORS');
  if (raw === undefined) return ['tracecontext', 'baggage'];
  const result: PropagatorName[] = [];
  for (const part of raw.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === 'none') return [];
    if (name === 'tracecontext' || name === 'baggage') {
      if (!result.includes(name)) result.push(name);
    } else if (name) {
      warnOnce(`OTEL_PROPAGATORS names an unknown propagator "${name}"; it is ignored (known: tracecontext, baggage, none).`);
    }
  }
  return result;
}

/**
 * Parses a `key1=value1,key2=value2` list with percent-decoded keys and values, as
 * `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS` use. Returns `undefined` when any entry is
 * malformed. With `allowEqualsInValue: false` a raw `=` in a value is malformed too (the resource spec
 * requires it to be percent-encoded); by default it is kept, because header values such as base64
 * tokens end in unencoded `=` in practice. Linear in the input length; never throws.
 *
 * @example
 * ```ts
 * parseKeyValueList('service.version=1.2,team=a%20b'); // { 'service.version': '1.2', team: 'a b' }
 * ```
 */
export function parseKeyValueList(text: string, options: { allowEqualsInValue?: boolean } = {}): Record<string, string> | undefined {
  const allowEqualsInValue = options.allowEqualsInValue ?? true;
  const result: Record<string, string> = Object.create(null);
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const equals = entry.indexOf('=');
    if (equals <= 0) return undefined;
    if (!allowEqualsInValue && entry.indexOf('=', equals + 1) !== -1) return undefined;
    const key = percentDecode(entry.slice(0, equals).trim());
    const value = percentDecode(entry.slice(equals + 1).trim());
    if (key === undefined || key === '' || value === undefined) return undefined;
    result[key] = value;
  }
  return { ...result };
}

function percentDecode(text: string): string | undefined {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function readResourceAttributes(env: Env): Record<string, string> {
  const raw = readString(env, 'OTEL_RESOURCE_ATTRIBUTES');
  if (raw === undefined) return {};
  const parsed = parseKeyValueList(raw, { allowEqualsInValue: false });
  if (parsed === undefined) {
    warnOnce('OTEL_RESOURCE_ATTRIBUTES is malformed (expected key=value pairs separated by commas, percent-encoded); the whole variable is ignored.');
    return {};
  }
  return parsed;
}

function readHeaders(env: Env, name: string): Record<string, string> {
  const raw = readString(env, name);
  if (raw === undefined) return {};
  const parsed = parseKeyValueList(raw);
  if (parsed === undefined) {
    // Never echo the value: headers carry credentials.
    warnOnce(`${name} is malformed (expected key=value pairs separated by commas, values percent-encoded); no headers are taken from it.`);
    return {};
  }
  return parsed;
}

function readOtlp(env: Env): OtlpSettings {
  let tracesUrl: string;
  const specific = readUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (specific !== undefined) {
    tracesUrl = specific;
  } else {
    const base = readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_OTLP_ENDPOINT;
    tracesUrl = appendTracesPath(base);
  }
  const timeoutMillis = readPositiveInteger(
    env,
    'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
    readPositiveInteger(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', DEFAULT_OTLP_TIMEOUT_MILLIS),
  );
  const compression = readChoice(env, 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', ['gzip', 'none'] as const,
    readChoice(env, 'OTEL_EXPORTER_OTLP_COMPRESSION', ['gzip', 'none'] as const, 'none'));
  const protocol = readProtocol(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', readProtocol(env, 'OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf'));
  return {
    tracesUrl,
    headers: { ...readHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS'), ...readHeaders(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') },
    timeoutMillis,
    compression,
    protocol,
  };
}

/** `base` with `v1/traces` appended after exactly one `/`. */
export function appendTracesPath(base: string): string {
  return base.endsWith('/') ? `${base}v1/traces` : `${base}/v1/traces`;
}

function readUrl(env: Env, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    warnOnce(`${name} is not a valid URL; it is ignored.`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    warnOnce(`${name} must be an http: or https: URL; it is ignored.`);
    return undefined;
  }
  return raw;
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = readString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  warnOnce(`${name}="${env[name]}" is not one of ${choices.join(', ')}; using ${fallback}.`);
  return fallback;
}

function readProtocol(env: Env, name: string, fallback: OtlpSettings['protocol']): OtlpSettings['protocol'] {
  const raw = readString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'http/protobuf' || raw === 'http/json') return raw;
  if (raw === 'grpc') {
    warnOnce(`${name}="grpc" is not supported by otelite (OTLP/HTTP only); using http/protobuf.`);
    return 'http/protobuf';
  }
  warnOnce(`${name}="${env[name]}" is not one of http/protobuf, http/json; using ${fallback}.`);
  return fallback;
}

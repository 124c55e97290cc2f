import type { AttributeValue, Attributes, DiagLogLevel, TextMapPropagator } from '@opentelemetry/api';
import type * as Model from '../../gen/opentelemetry-configuration/model.js';
import type { Path } from '../../gen/opentelemetry-configuration/validate.js';
import { parseKeyValueList } from '../config/key-value-list.js';
import type { OTLPTraceExporterOptions } from '../export/otlp/otlp-exporter-options.js';
import type { SpanExporter } from '../export/span-exporter.js';
import type { SpanProcessor } from '../trace/span-processor.js';
import type { PropagatorName } from '../propagation/from-environment.js';
import type { Resource } from '../resource/resource.js';
import type { Sampler } from '../sampling/sampler.js';
import type { SpanLimits } from '../trace/span-limits.js';
import {
  alwaysRecordFromModel,
  composableFromModel,
  KEEP_TRACES_PROCESSOR_KEY,
  keepTracesProcessorFromModel,
} from './composable-from-model.js';
import { ConfigurationError, type ConfigurationContext } from './configuration-context.js';
import { reportUnsupportedProperties } from './report-unsupported.js';

/** What `init()` builds from a configuration file: every part the SDK needs, nothing from `OTEL_*`. */
export interface ConfiguredParts {
  /** `disabled: true`: nothing is recorded or exported (propagation still works). */
  readonly disabled: boolean;
  /** `log_level`, when written. */
  readonly logLevel: DiagLogLevel | undefined;
  readonly resource: Resource;
  readonly sampler: Sampler;
  readonly spanLimits: SpanLimits;
  readonly spanProcessors: SpanProcessor[];
  readonly propagator: TextMapPropagator;
}

/** 2^31 - 1 ms (about 24.8 days), the longest timer: what a timeout of 0 ("no limit") becomes. */
const NO_LIMIT_MILLIS = 2 ** 31 - 1;

/**
 * Builds the SDK's parts from a validated model. Throws {@link ConfigurationError} (with the model path)
 * for a component otelite does not have where the file needs one (an exporter, processor or sampler):
 * the caller then keeps tracing off rather than run half of what the file says. Properties and
 * propagators otelite lacks are reported through `context.warn` and left alone.
 *
 * @example
 * ```ts
 * const parts = partsFromModel(parsed.model, context);
 * ```
 */
export function partsFromModel(model: Model.OpenTelemetryConfiguration, context: ConfigurationContext): ConfiguredParts {
  reportUnsupportedProperties('OpenTelemetryConfiguration', model, [], context);
  for (const key of ['meter_provider', 'logger_provider', 'instrumentation/development', 'distribution'] as const) {
    if (model[key] !== undefined) context.debug(`${key}: accepted and left alone (otelite is a tracing SDK)`);
  }
  const tracerProvider = model.tracer_provider;
  const disabled = model.disabled === true;
  const sampler =
    tracerProvider === undefined || disabled
      ? new context.toolkit.AlwaysOffSampler()
      : samplerFromModel(tracerProvider.sampler, ['tracer_provider', 'sampler'], context);
  const spanProcessors = tracerProvider === undefined || disabled ? [] : processorsFromModel(tracerProvider, context);
  return {
    disabled,
    logLevel: logLevelFromModel(model.log_level, context.toolkit.DiagLogLevel),
    resource: resourceFromModel(model.resource, context),
    sampler,
    spanLimits: limitsFromModel(model.attribute_limits, tracerProvider?.limits),
    spanProcessors,
    propagator: propagatorFromModel(model.propagator, context),
  };
}

function logLevelFromModel(level: Model.SeverityNumber | undefined, levels: typeof DiagLogLevel): DiagLogLevel | undefined {
  if (level === undefined || level === null) return undefined;
  if (level.startsWith('trace')) return levels.VERBOSE;
  if (level.startsWith('debug')) return levels.DEBUG;
  if (level.startsWith('info')) return levels.INFO;
  if (level.startsWith('warn')) return levels.WARN;
  return levels.ERROR;
}

// ------------------------------------------------------------------ limits

function limitsFromModel(general: Model.AttributeLimits | undefined, span: Model.SpanLimits | undefined): SpanLimits {
  const value = (x: number | null | undefined): number | undefined => (typeof x === 'number' ? x : undefined);
  const generalCount = value(general?.attribute_count_limit);
  const limits: SpanLimits = {
    attributeValueLengthLimit: value(span?.attribute_value_length_limit) ?? value(general?.attribute_value_length_limit),
    attributeCountLimit: value(span?.attribute_count_limit) ?? generalCount,
    eventCountLimit: value(span?.event_count_limit),
    linkCountLimit: value(span?.link_count_limit),
    attributePerEventCountLimit: value(span?.event_attribute_count_limit) ?? generalCount,
    attributePerLinkCountLimit: value(span?.link_attribute_count_limit) ?? generalCount,
  };
  return Object.fromEntries(Object.entries(limits).filter(([, x]) => x !== undefined)) as SpanLimits;
}

// ------------------------------------------------------------------ resource

function resourceFromModel(resource: Model.Resource | undefined, context: ConfigurationContext): Resource {
  const attributes: Attributes = {};
  if (resource === undefined) return context.toolkit.resourceFromAttributes(attributes);
  reportUnsupportedProperties('Resource', resource, ['resource'], context);
  const detection = resource['detection/development'];
  if (detection !== undefined) {
    reportUnsupportedProperties('ExperimentalResourceDetection', detection, ['resource', 'detection/development'], context);
    (detection.detectors ?? []).forEach((detector, index) => {
      const path = ['resource', 'detection/development', 'detectors', index];
      for (const name of Object.keys(detector)) {
        if (name === 'service') Object.assign(attributes, context.serviceDetector());
        else if (name === 'host' || name === 'process') Object.assign(attributes, context.platformDetector(name));
        else context.warn(path, `resource detector ${name} is not supported by otelite; skipped`);
      }
    });
  }
  const list = resource.attributes_list;
  if (typeof list === 'string' && list !== '') {
    const parsed = parseKeyValueList(list, { allowEqualsInValue: false });
    if (parsed === undefined) context.warn(['resource', 'attributes_list'], 'is not a list of key=value pairs; ignored as a whole');
    else Object.assign(attributes, parsed);
  }
  (resource.attributes ?? []).forEach((attribute, index) => {
    const value = attributeValue(attribute);
    if (value === undefined) {
      context.warn(['resource', 'attributes', index, 'value'], `does not fit type ${attribute.type}; attribute ${attribute.name} skipped`);
    } else if (value !== null) {
      attributes[attribute.name] = value;
    }
  });
  return context.toolkit.resourceFromAttributes(attributes, typeof resource.schema_url === 'string' ? resource.schema_url : undefined);
}

/** The attribute's value as its `type` says (`null` when empty, `undefined` when it does not fit). */
function attributeValue(attribute: Model.AttributeNameValue): AttributeValue | null | undefined {
  const value = attribute.value;
  if (value === null) return null;
  const is = (item: unknown, kind: string): boolean =>
    kind === 'string'
      ? typeof item === 'string'
      : kind === 'bool'
        ? typeof item === 'boolean'
        : kind === 'int'
          ? Number.isInteger(item)
          : typeof item === 'number';
  const type =
    attribute.type ??
    (Array.isArray(value) ? undefined : typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'double' : 'string');
  if (type === undefined) return value as AttributeValue; // an array without a type: as written
  if (type.endsWith('_array')) {
    const item = type.slice(0, -'_array'.length);
    return Array.isArray(value) && value.every((x: unknown) => is(x, item)) ? (value as AttributeValue) : undefined;
  }
  return !Array.isArray(value) && is(value, type) ? (value as AttributeValue) : undefined;
}

// ------------------------------------------------------------------ propagators

const PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage'];

function propagatorFromModel(propagator: Model.Propagator | undefined, context: ConfigurationContext): TextMapPropagator {
  const names: PropagatorName[] = [];
  const add = (name: string, path: Path): void => {
    if ((PROPAGATORS as readonly string[]).includes(name)) {
      if (!names.includes(name as PropagatorName)) names.push(name as PropagatorName);
    } else if (name !== 'none') {
      context.warn(path, `propagator ${name} is not supported by otelite (it has ${PROPAGATORS.join(', ')}); left out`);
    }
  };
  (propagator?.composite ?? []).forEach((entry, index) => {
    for (const name of Object.keys(entry)) add(name, ['propagator', 'composite', index]);
  });
  const list = propagator?.composite_list;
  if (typeof list === 'string') {
    for (const name of list.split(',')) if (name.trim() !== '') add(name.trim(), ['propagator', 'composite_list']);
  }
  return context.toolkit.createPropagatorFromNames(names);
}

// ------------------------------------------------------------------ samplers

/** The sampler a `Sampler` mapping names; omitted: the schema's default, parent_based(always_on). */
export function samplerFromModel(sampler: Model.Sampler | undefined, path: Path, context: ConfigurationContext): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, ProbabilitySampler, TraceIdRatioBasedSampler } = context.toolkit;
  if (sampler === undefined) return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  const [name, settings] = Object.entries(sampler)[0] as [string, unknown];
  const here = [...path, name];
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'trace_id_ratio_based':
      return new TraceIdRatioBasedSampler({ ratio: (settings as Model.TraceIdRatioBasedSampler)?.ratio ?? 1 });
    case 'probability/development':
      return new ProbabilitySampler({ ratio: (settings as Model.ExperimentalProbabilitySampler)?.ratio ?? 1 });
    case 'parent_based': {
      const parentBased = (settings ?? {}) as NonNullable<Model.ParentBasedSampler>;
      const delegate = (key: keyof typeof parentBased): Sampler | undefined =>
        parentBased[key] === undefined ? undefined : samplerFromModel(parentBased[key], [...here, key], context);
      return new ParentBasedSampler({
        root: delegate('root') ?? new AlwaysOnSampler(),
        remoteParentSampled: delegate('remote_parent_sampled'),
        remoteParentNotSampled: delegate('remote_parent_not_sampled'),
        localParentSampled: delegate('local_parent_sampled'),
        localParentNotSampled: delegate('local_parent_not_sampled'),
      });
    }
    case 'composite/development':
      return composableFromModel(settings as Model.ExperimentalComposableSampler, here, context);
    case 'always_record':
      return alwaysRecordFromModel(settings, here, context, (root, at) => samplerFromModel(root, at, context));
    default:
      throw new ConfigurationError(
        here,
        name === 'jaeger_remote/development'
          ? 'the jaeger_remote sampler is not supported by otelite'
          : `unknown sampler ${name} (otelite has always_on, always_off, trace_id_ratio_based, probability/development, parent_based, composite/development, always_record)`,
      );
  }
}

// ------------------------------------------------------------------ processors and exporters

function processorsFromModel(tracerProvider: Model.TracerProvider, context: ConfigurationContext): SpanProcessor[] {
  const { BatchSpanProcessor, SimpleSpanProcessor } = context.toolkit;
  reportUnsupportedProperties('TracerProvider', tracerProvider, ['tracer_provider'], context);
  return tracerProvider.processors.map((processor, index) => {
    const [name, settings] = Object.entries(processor)[0] as [string, unknown];
    const path = ['tracer_provider', 'processors', index, name];
    if (name === 'batch') {
      const batch = settings as Model.BatchSpanProcessor;
      const millis = (x: number | null | undefined): number | undefined =>
        typeof x === 'number' ? (x === 0 ? NO_LIMIT_MILLIS : x) : undefined;
      return new BatchSpanProcessor(exporterFromModel(batch.exporter, [...path, 'exporter'], context), {
        scheduledDelayMillis: typeof batch.schedule_delay === 'number' ? batch.schedule_delay : undefined,
        exportTimeoutMillis: millis(batch.export_timeout),
        maxQueueSize: batch.max_queue_size ?? undefined,
        maxExportBatchSize: batch.max_export_batch_size ?? undefined,
      });
    }
    if (name === 'simple')
      return new SimpleSpanProcessor(exporterFromModel((settings as Model.SimpleSpanProcessor).exporter, [...path, 'exporter'], context));
    if (name === KEEP_TRACES_PROCESSOR_KEY)
      return keepTracesProcessorFromModel(settings, path, context, (exporter, at) => exporterFromModel(exporter, at, context));
    throw new ConfigurationError(path, `unknown span processor ${name} (otelite has batch, simple, ${KEEP_TRACES_PROCESSOR_KEY})`);
  });
}

/** The exporter a `SpanExporter` mapping names. */
export function exporterFromModel(exporter: Model.SpanExporter, path: Path, context: ConfigurationContext): SpanExporter {
  const [name, settings] = Object.entries(exporter)[0] as [string, unknown];
  const here = [...path, name];
  if (name === 'console') return new context.toolkit.ConsoleSpanExporter();
  if (name === 'otlp_http')
    return new context.toolkit.OTLPTraceExporter(
      otlpOptionsFromModel((settings ?? {}) as NonNullable<Model.OtlpHttpExporter>, here, context),
    );
  if (name === 'otlp_grpc')
    throw new ConfigurationError(here, 'otelite exports OTLP over HTTP only; use otlp_http (port 4318, path /v1/traces)');
  throw new ConfigurationError(here, `span exporter ${name} is not supported by otelite (it has otlp_http, console)`);
}

function otlpOptionsFromModel(
  otlp: NonNullable<Model.OtlpHttpExporter>,
  path: Path,
  context: ConfigurationContext,
): OTLPTraceExporterOptions {
  const headers: Record<string, string> = {};
  if (typeof otlp.headers_list === 'string' && otlp.headers_list !== '') {
    const parsed = parseKeyValueList(otlp.headers_list);
    if (parsed === undefined) context.warn([...path, 'headers_list'], 'is not a list of name=value pairs; ignored');
    else Object.assign(headers, parsed);
  }
  for (const header of otlp.headers ?? []) if (typeof header.value === 'string') headers[header.name.toLowerCase()] = header.value;
  const compression = otlp.compression ?? undefined;
  if (compression !== undefined && compression !== 'gzip' && compression !== 'none') {
    throw new ConfigurationError([...path, 'compression'], `expected gzip or none, got ${JSON.stringify(compression)}`);
  }
  const endpoint = otlp.endpoint ?? 'http://localhost:4318/v1/traces';
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigurationError([...path, 'endpoint'], 'expected an absolute http: or https: URL');
  }
  const tls = otlp.tls ?? undefined;
  const file = (key: 'ca_file' | 'cert_file' | 'key_file'): string | undefined => {
    const name = tls?.[key];
    return typeof name === 'string' && name !== '' ? context.readFile(name, [...path, 'tls', key]) : undefined;
  };
  const ca = file('ca_file');
  const cert = file('cert_file');
  const key = file('key_file');
  return {
    url: endpoint,
    headers,
    compression,
    timeoutMillis: typeof otlp.timeout === 'number' ? (otlp.timeout === 0 ? NO_LIMIT_MILLIS : otlp.timeout) : undefined,
    protocol: otlp.encoding === 'json' ? 'http/json' : 'http/protobuf',
    tls: ca === undefined && cert === undefined && key === undefined ? undefined : { ca, cert, key },
  };
}

import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { parseKeyValueList } from '../../src/config/key-value-list.js';
import {
  appendTracesPath,
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_OTLP_TIMEOUT_MILLIS,
  readOtlpEnvironment,
} from '../../src/export/otlp/otlp-environment.js';
import { readLogLevelEnvironment, readTracesExportersEnvironment } from '../../src/init.js';
import { DEFAULT_BATCH, readBatchEnvironment } from '../../src/processing/batch-span-processor.js';
import { readPropagatorsEnvironment } from '../../src/propagation/from-environment.js';
import { readResourceEnvironment } from '../../src/resource/from-environment.js';
import { readSamplerEnvironment } from '../../src/sampling/from-environment.js';
import { DEFAULT_SPAN_LIMITS, readSpanLimitsEnvironment } from '../../src/trace/span-limits.js';
import { readSdkDisabledEnvironment } from '../../src/trace/tracer-provider.js';
import { captureDiagEachTest } from '../support/diag-capture.js';
import { environmentOf, withEnvironment } from '../support/environment.js';

/**
 * Every `OTEL_*` variable otelite knows, each read by the component that owns it. The table reads them
 * all through the components' own readers and compares with the spec's defaults plus what each case
 * changes.
 */
const messages = captureDiagEachTest(DiagLogLevel.INFO);

/** What the components read, gathered in one object for the table below. */
function readAll(variables: Record<string, string>) {
  const environment = environmentOf(variables);
  return {
    sdkDisabled: readSdkDisabledEnvironment(environment),
    logLevel: readLogLevelEnvironment(environment),
    ...readResourceEnvironment(environment),
    ...readSamplerEnvironment(environment),
    tracesExporters: readTracesExportersEnvironment(environment),
    propagators: readPropagatorsEnvironment(environment),
    spanLimits: readSpanLimitsEnvironment(environment),
    batch: readBatchEnvironment(environment),
    otlp: readOtlpEnvironment(environment),
  };
}

type Environment = ReturnType<typeof readAll>;

const DEFAULTS: Environment = {
  sdkDisabled: false,
  logLevel: undefined,
  serviceName: undefined,
  resourceAttributes: {},
  sampler: 'parentbased_always_on',
  samplerRatio: 1,
  tracesExporters: ['otlp'],
  propagators: ['tracecontext', 'baggage'],
  spanLimits: { ...DEFAULT_SPAN_LIMITS },
  batch: { ...DEFAULT_BATCH },
  otlp: {
    tracesUrl: `${DEFAULT_OTLP_ENDPOINT}/v1/traces`,
    headers: {},
    timeoutMillis: DEFAULT_OTLP_TIMEOUT_MILLIS,
    compression: 'none',
    protocol: 'http/protobuf',
  },
};

interface Case {
  env: Record<string, string>;
  /** The settings that differ from the defaults. */
  expected: Partial<{ [K in keyof Environment]: Partial<Environment[K]> | Environment[K] }>;
  /** Each warning must contain all of these (variable name and fallback); no warning when absent. */
  warning?: string[];
}

// Warnings are deduplicated per process (warnOnce), so every invalid value below is distinct. The
// malformed-list warnings carry no value (OTEL_RESOURCE_ATTRIBUTES, headers), so each appears once;
// other malformed lists are covered by the parseKeyValueList tests.
const CASES: Record<string, Case> = {
  'nothing set': { env: {}, expected: {} },
  'blank values count as unset': { env: { OTEL_SERVICE_NAME: '   ', OTEL_TRACES_SAMPLER: '' }, expected: {} },
  'OTEL_SDK_DISABLED=true': { env: { OTEL_SDK_DISABLED: 'true' }, expected: { sdkDisabled: true } },
  'OTEL_SDK_DISABLED=TRUE (case-insensitive)': { env: { OTEL_SDK_DISABLED: ' TRUE ' }, expected: { sdkDisabled: true } },
  'OTEL_SDK_DISABLED=false': { env: { OTEL_SDK_DISABLED: 'false' }, expected: { sdkDisabled: false } },
  'OTEL_SDK_DISABLED invalid': { env: { OTEL_SDK_DISABLED: 'yes' }, expected: {}, warning: ['OTEL_SDK_DISABLED', 'false'] },
  'OTEL_LOG_LEVEL=debug': { env: { OTEL_LOG_LEVEL: 'DEBUG' }, expected: { logLevel: DiagLogLevel.DEBUG } },
  'OTEL_LOG_LEVEL=none': { env: { OTEL_LOG_LEVEL: 'none' }, expected: { logLevel: DiagLogLevel.NONE } },
  'OTEL_LOG_LEVEL invalid': { env: { OTEL_LOG_LEVEL: 'loud' }, expected: {}, warning: ['OTEL_LOG_LEVEL', 'default'] },
  OTEL_SERVICE_NAME: { env: { OTEL_SERVICE_NAME: ' checkout ' }, expected: { serviceName: 'checkout' } },
  'OTEL_RESOURCE_ATTRIBUTES, percent-decoded': {
    env: { OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.2, team=a%20b%2Cc ,url=x%3Dy' },
    expected: { resourceAttributes: { 'service.version': '1.2', team: 'a b,c', url: 'x=y' } },
  },
  'OTEL_RESOURCE_ATTRIBUTES without "="': {
    env: { OTEL_RESOURCE_ATTRIBUTES: 'good=1,bad' },
    expected: {},
    warning: ['OTEL_RESOURCE_ATTRIBUTES', 'ignored'],
  },
  'OTEL_TRACES_SAMPLER=always_off': { env: { OTEL_TRACES_SAMPLER: 'always_off' }, expected: { sampler: 'always_off' } },
  'OTEL_TRACES_SAMPLER=always_on': { env: { OTEL_TRACES_SAMPLER: 'always_on' }, expected: { sampler: 'always_on' } },
  'OTEL_TRACES_SAMPLER=parentbased_always_off': {
    env: { OTEL_TRACES_SAMPLER: 'parentbased_always_off' },
    expected: { sampler: 'parentbased_always_off' },
  },
  'traceidratio with OTEL_TRACES_SAMPLER_ARG': {
    env: { OTEL_TRACES_SAMPLER: 'TraceIdRatio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
    expected: { sampler: 'traceidratio', samplerRatio: 0.25 },
  },
  'parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG': {
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
    expected: { sampler: 'parentbased_traceidratio', samplerRatio: 0 },
  },
  'OTEL_TRACES_SAMPLER_ARG out of range': {
    env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
    expected: { sampler: 'traceidratio', samplerRatio: 1 },
    warning: ['OTEL_TRACES_SAMPLER_ARG', 'using 1'],
  },
  'OTEL_TRACES_SAMPLER_ARG not a number': {
    env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' },
    expected: { sampler: 'traceidratio', samplerRatio: 1 },
    warning: ['OTEL_TRACES_SAMPLER_ARG', 'using 1'],
  },
  'OTEL_TRACES_SAMPLER_ARG ignored for other samplers': {
    env: { OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: '0.5' },
    expected: { sampler: 'always_on', samplerRatio: 1 },
  },
  'OTEL_TRACES_SAMPLER unknown': {
    env: { OTEL_TRACES_SAMPLER: 'jaeger_remote' },
    expected: {},
    warning: ['OTEL_TRACES_SAMPLER', 'parentbased_always_on'],
  },
  'OTEL_TRACES_EXPORTER list': {
    env: { OTEL_TRACES_EXPORTER: 'console, otlp, console' },
    expected: { tracesExporters: ['console', 'otlp'] },
  },
  'OTEL_TRACES_EXPORTER=none': { env: { OTEL_TRACES_EXPORTER: 'none' }, expected: { tracesExporters: [] } },
  'OTEL_TRACES_EXPORTER unknown': {
    env: { OTEL_TRACES_EXPORTER: 'zipkin,console' },
    expected: { tracesExporters: ['console'] },
    warning: ['OTEL_TRACES_EXPORTER', 'zipkin', 'ignored'],
  },
  'OTEL_PROPAGATORS list': { env: { OTEL_PROPAGATORS: 'baggage' }, expected: { propagators: ['baggage'] } },
  'OTEL_PROPAGATORS=none': { env: { OTEL_PROPAGATORS: 'none' }, expected: { propagators: [] } },
  'OTEL_PROPAGATORS unknown': {
    env: { OTEL_PROPAGATORS: 'b3,tracecontext' },
    expected: { propagators: ['tracecontext'] },
    warning: ['OTEL_PROPAGATORS', 'b3', 'ignored'],
  },
  'general attribute limits': {
    env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_ATTRIBUTE_COUNT_LIMIT: '10' },
    expected: {
      spanLimits: {
        attributeValueLengthLimit: 100,
        attributeCountLimit: 10,
        attributePerEventCountLimit: 10,
        attributePerLinkCountLimit: 10,
      },
    },
  },
  'span limits beat general limits': {
    env: {
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100',
      OTEL_ATTRIBUTE_COUNT_LIMIT: '10',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '50',
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '5',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '4',
      OTEL_SPAN_LINK_COUNT_LIMIT: '3',
      OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '2',
      OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: '0',
    },
    expected: {
      spanLimits: {
        attributeValueLengthLimit: 50,
        attributeCountLimit: 5,
        eventCountLimit: 4,
        linkCountLimit: 3,
        attributePerEventCountLimit: 2,
        attributePerLinkCountLimit: 0,
      },
    },
  },
  'span limit negative': {
    env: { OTEL_SPAN_EVENT_COUNT_LIMIT: '-1' },
    expected: {},
    warning: ['OTEL_SPAN_EVENT_COUNT_LIMIT', 'using 128'],
  },
  'span limit fractional': {
    env: { OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '1.5' },
    expected: {},
    warning: ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'no limit'],
  },
  'span limit too large': {
    env: { OTEL_SPAN_LINK_COUNT_LIMIT: '99999999999999999999' },
    expected: {},
    warning: ['OTEL_SPAN_LINK_COUNT_LIMIT', 'using 128'],
  },
  'batch settings': {
    env: {
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      OTEL_BSP_SCHEDULE_DELAY: '0',
      OTEL_BSP_EXPORT_TIMEOUT: '500',
    },
    expected: { batch: { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 0, exportTimeoutMillis: 500 } },
  },
  'batch size above the queue size': {
    env: { OTEL_BSP_MAX_QUEUE_SIZE: '20', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '30' },
    expected: { batch: { maxQueueSize: 20, maxExportBatchSize: 20 } },
    warning: ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'using 20'],
  },
  'batch queue size zero': {
    env: { OTEL_BSP_MAX_QUEUE_SIZE: '0' },
    expected: {},
    warning: ['OTEL_BSP_MAX_QUEUE_SIZE', 'using 2048'],
  },
  'batch export timeout invalid': {
    env: { OTEL_BSP_EXPORT_TIMEOUT: '30s' },
    expected: {},
    warning: ['OTEL_BSP_EXPORT_TIMEOUT', 'using 30000'],
  },
  'batch schedule delay invalid': {
    env: { OTEL_BSP_SCHEDULE_DELAY: '-5' },
    expected: {},
    warning: ['OTEL_BSP_SCHEDULE_DELAY', 'using 5000'],
  },
  'OTLP endpoint gets /v1/traces': {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com:4318/' },
    expected: { otlp: { tracesUrl: 'https://collector.example.com:4318/v1/traces' } },
  },
  'OTLP traces endpoint is used as is, over the general one': {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://specific:4318/custom' },
    expected: { otlp: { tracesUrl: 'http://specific:4318/custom' } },
  },
  'OTLP endpoint not a URL': {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
    expected: {},
    warning: ['OTEL_EXPORTER_OTLP_ENDPOINT', 'ignored'],
  },
  'OTLP traces endpoint with a wrong scheme': {
    env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/v1/traces' },
    expected: {},
    warning: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'ignored'],
  },
  'OTLP headers, specific winning per key': {
    env: { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3,c=%20x' },
    expected: { otlp: { headers: { a: '1', b: '3', c: ' x' } } },
  },
  'OTLP timeouts, specific winning': {
    env: { OTEL_EXPORTER_OTLP_TIMEOUT: '2000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000' },
    expected: { otlp: { timeoutMillis: 3000 } },
  },
  'OTLP general timeout': { env: { OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }, expected: { otlp: { timeoutMillis: 2500 } } },
  'OTLP timeout zero': {
    env: { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '0' },
    expected: {},
    warning: ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'using 10000'],
  },
  'OTLP compression gzip': { env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'GZIP' }, expected: { otlp: { compression: 'gzip' } } },
  'OTLP traces compression beats general': {
    env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' },
    expected: { otlp: { compression: 'none' } },
  },
  'OTLP compression unknown': {
    env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' },
    expected: {},
    warning: ['OTEL_EXPORTER_OTLP_COMPRESSION', 'using none'],
  },
  'OTLP protocol json': { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, expected: { otlp: { protocol: 'http/json' } } },
  'OTLP traces protocol beats general': {
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
    expected: { otlp: { protocol: 'http/protobuf' } },
  },
  'OTLP protocol grpc is not supported': {
    env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' },
    expected: {},
    warning: ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/protobuf'],
  },
  'OTLP protocol unknown': {
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml' },
    expected: {},
    warning: ['OTEL_EXPORTER_OTLP_PROTOCOL', 'using http/protobuf'],
  },
};

function withDefaults(expected: Case['expected']): Environment {
  const result = structuredClone(DEFAULTS) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    const base = result[key];
    result[key] =
      base !== null && typeof base === 'object' && !Array.isArray(base) && key !== 'resourceAttributes'
        ? { ...(base as object), ...(value as object) }
        : value;
  }
  return result as unknown as Environment;
}

describe("the components' environment readers", () => {
  for (const [name, { env, expected, warning }] of Object.entries(CASES)) {
    it(name, () => {
      expect(readAll(env)).toEqual(withDefaults(expected));
      if (warning === undefined) {
        expect(messages).toEqual([]);
      } else {
        expect(messages).toHaveLength(1);
        for (const part of warning) expect(messages[0]).toContain(part);
      }
    });
  }

  it('never puts header values in a message', () => {
    const secret = 'Bearer sekret-token-123';
    readAll({ OTEL_EXPORTER_OTLP_HEADERS: `authorization=${secret},broken` });
    readAll({ OTEL_EXPORTER_OTLP_TRACES_HEADERS: `api-key=${secret}%zz` });
    const settings = readAll({ OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(secret)}` });
    expect(settings.otlp.headers).toEqual({ authorization: secret });
    expect(messages).toHaveLength(2);
    expect(messages.some((message) => message.includes('OTEL_EXPORTER_OTLP_HEADERS'))).toBe(true);
    expect(messages.some((message) => message.includes('OTEL_EXPORTER_OTLP_TRACES_HEADERS'))).toBe(true);
    for (const message of messages) expect(message).not.toContain('sekret');
  });

  it('read the runtime environment by default', () => {
    expect(withEnvironment({ OTEL_BSP_MAX_QUEUE_SIZE: '77' }, () => readBatchEnvironment()).maxQueueSize).toBe(77);
    expect(readBatchEnvironment().maxQueueSize).toBeGreaterThan(0);
  });
});

describe('parseKeyValueList', () => {
  it('parses, decodes and rejects malformed lists', () => {
    expect(parseKeyValueList('a=1, b = two ,,c=%E2%9C%93')).toEqual({ a: '1', b: 'two', c: '✓' });
    expect(parseKeyValueList('')).toEqual({});
    expect(parseKeyValueList('=v')).toBeUndefined();
    expect(parseKeyValueList('k')).toBeUndefined();
    expect(parseKeyValueList('%zz=v')).toBeUndefined();
    // A raw "=" in a value: kept for headers (base64 padding), malformed for resource attributes.
    expect(parseKeyValueList('authorization=Basic dXNlcg==')).toEqual({ authorization: 'Basic dXNlcg==' });
    expect(parseKeyValueList('good=1,url=x=y', { allowEqualsInValue: false })).toBeUndefined();
    expect(parseKeyValueList('url=x%3Dy', { allowEqualsInValue: false })).toEqual({ url: 'x=y' });
    const withProto = parseKeyValueList('__proto__=x');
    expect(Object.getPrototypeOf(withProto)).toBe(Object.prototype);
    expect(withProto?.['__proto__']).toBe('x');
  });
});

describe('appendTracesPath', () => {
  it('adds exactly one slash', () => {
    expect(appendTracesPath('http://h:4318')).toBe('http://h:4318/v1/traces');
    expect(appendTracesPath('http://h:4318/')).toBe('http://h:4318/v1/traces');
    expect(appendTracesPath('http://h:4318/prefix')).toBe('http://h:4318/prefix/v1/traces');
  });
});

import { DiagLogLevel, propagation, ROOT_CONTEXT, SpanKind, trace, type TextMapSetter } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { Path } from '../../gen/opentelemetry-configuration/validate.js';
import { ConfigurationError, type ConfigurationContext } from '../../src/configuration/configuration-context.js';
import { coreToolkit } from '../../src/configuration/core-toolkit.js';
import { partsFromModel } from '../../src/configuration/from-model.js';
import { parseConfiguration } from '../../src/configuration/parse-configuration.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';

/** A context recording its warnings; `files` are what readFile finds. */
function context(files: Record<string, string> = {}): ConfigurationContext & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    toolkit: coreToolkit(),
    warn: (path: Path, message: string) => warnings.push(`${path.join('.')}: ${message}`),
    debug: () => {},
    readFile(name, path) {
      const text = files[name];
      if (text === undefined) throw new ConfigurationError(path, `cannot read ${name}`);
      return text;
    },
    serviceDetector: () => ({ 'service.instance.id': 'instance-1' }),
    platformDetector: (name) => ({ [`${name}.name`]: `the-${name}` }),
  };
}

function parts(yaml: string, files: Record<string, string> = {}, environment: Record<string, string> = {}) {
  const parsed = parseConfiguration(`file_format: "1.1"\n${yaml}`, (name) => environment[name]);
  if (!parsed.ok) throw new Error(parsed.message);
  const given = context(files);
  return { ...partsFromModel(parsed.model, given), warnings: given.warnings };
}

const setter: TextMapSetter<Record<string, string>> = { set: (carrier, key, value) => void (carrier[key] = value) };

describe('partsFromModel', () => {
  it('an empty file: tracing off (noop tracer provider), no propagator, default limits', () => {
    const built = parts('');
    expect(built.spanProcessors).toEqual([]);
    expect(built.sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'x', SpanKind.INTERNAL, {}, []).decision).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(built.propagator.fields()).toEqual([]);
    expect(built.spanLimits).toEqual({});
    expect(built.logLevel).toBeUndefined();
  });

  it('limits: the tracer provider limits win over attribute_limits, which cover events and links too', () => {
    const built = parts(
      'attribute_limits:\n  attribute_count_limit: 5\n  attribute_value_length_limit: 9\ntracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  limits:\n    attribute_count_limit: 7\n    event_count_limit: 3\n',
    );
    expect(built.spanLimits).toEqual({
      attributeCountLimit: 7,
      attributeValueLengthLimit: 9,
      eventCountLimit: 3,
      attributePerEventCountLimit: 5,
      attributePerLinkCountLimit: 5,
    });
  });

  it('propagators: composite then composite_list, each once; the ones otelite lacks are reported and left out', () => {
    const built = parts('propagator:\n  composite:\n    - baggage:\n    - b3:\n  composite_list: tracecontext,baggage,xray\n');
    const carrier: Record<string, string> = {};
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    built.propagator.inject(
      propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, spanContext), propagation.createBaggage({ k: { value: 'v' } })),
      carrier,
      setter,
    );
    expect(Object.keys(carrier).sort()).toEqual(['baggage', 'traceparent']);
    expect(built.warnings).toEqual([
      'propagator.composite.1: propagator b3 is not supported by otelite (it has tracecontext, baggage); left out',
      'propagator.composite_list: propagator xray is not supported by otelite (it has tracecontext, baggage); left out',
    ]);
  });

  it('resource: attributes typed as written over attributes_list, detectors, schema_url; a misfit attribute is reported', () => {
    const built = parts(
      'resource:\n  schema_url: https://opentelemetry.io/schemas/1.26.0\n  attributes_list: a=from-list,b=2\n  attributes:\n    - name: a\n      value: from-attributes\n    - name: n\n      value: 3\n      type: int\n    - name: bad\n      value: x\n      type: int\n    - name: list\n      value: [1.5, 2]\n      type: double_array\n  detection/development:\n    detectors:\n      - service:\n      - host:\n      - container:\n',
    );
    expect(built.resource.attributes).toEqual({
      'service.instance.id': 'instance-1',
      'host.name': 'the-host',
      a: 'from-attributes',
      b: '2',
      n: 3,
      list: [1.5, 2],
    });
    expect(built.resource.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(built.warnings).toEqual([
      'resource.detection/development.detectors.2: resource detector container is not supported by otelite; skipped',
      'resource.attributes.2.value: does not fit type int; attribute bad skipped',
    ]);
  });

  it('log_level maps the severity families onto diag levels', () => {
    expect(['trace', 'debug2', 'info', 'warn4', 'error', 'fatal3'].map((level) => parts(`log_level: ${level}\n`).logLevel)).toEqual([
      DiagLogLevel.VERBOSE,
      DiagLogLevel.DEBUG,
      DiagLogLevel.INFO,
      DiagLogLevel.WARN,
      DiagLogLevel.ERROR,
      DiagLogLevel.ERROR,
    ]);
  });

  it('disabled: true builds no processor and records nothing', () => {
    const built = parts('disabled: true\ntracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n');
    expect(built.disabled).toBe(true);
    expect(built.spanProcessors).toEqual([]);
  });

  it('otlp_http: TLS files are read; one that cannot be read refuses the file with its model path', () => {
    const yaml = (ca: string) =>
      `tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: https://collector:4318/v1/traces\n            tls:\n              ca_file: ${ca}\n`;
    expect(parts(yaml('/ca.pem'), { '/ca.pem': 'PEM' }).spanProcessors).toHaveLength(1);
    expect(() => parts(yaml('/missing.pem'))).toThrow(
      expect.objectContaining({ path: ['tracer_provider', 'processors', 0, 'batch', 'exporter', 'otlp_http', 'tls', 'ca_file'] }),
    );
  });

  it('refuses samplers, exporters and processors otelite does not have, naming the path', () => {
    const refused = (yaml: string) => {
      try {
        parts(yaml);
      } catch (error) {
        return (error as ConfigurationError).message;
      }
      return 'not refused';
    };
    expect(
      refused(
        'tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  sampler:\n    jaeger_remote/development:\n      endpoint: x\n      initial_sampler:\n        always_on:\n',
      ),
    ).toBe('tracer_provider.sampler.jaeger_remote/development: the jaeger_remote sampler is not supported by otelite');
    expect(refused('tracer_provider:\n  processors:\n    - my_processor:\n')).toBe(
      'tracer_provider.processors[0].my_processor: unknown span processor my_processor (otelite has batch, simple, otelite_keep_traces/development)',
    );
    expect(refused('tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          otlp_file/development:\n')).toBe(
      'tracer_provider.processors[0].simple.exporter.otlp_file/development: span exporter otlp_file/development is not supported by otelite (it has otlp_http, console)',
    );
    expect(
      refused(
        'tracer_provider:\n  processors:\n    - otelite_keep_traces/development:\n        max_spans: -1\n        exporter:\n          console:\n',
      ),
    ).toBe('tracer_provider.processors[0].otelite_keep_traces/development.max_spans: expected an integer > 0 or null (empty), got -1');
  });

  it('reports what the support table marks not implemented, and leaves it alone', () => {
    const built = parts(
      'tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  tracer_configurator/development:\n    default_config:\n      enabled: false\n',
    );
    expect(built.warnings).toEqual(['tracer_provider.tracer_configurator/development: not supported by otelite; left alone']);
    expect(built.spanProcessors).toHaveLength(1);
  });

  it('a composite rule-based sampler and always_record from the file sample as the rules say', () => {
    const built = parts(
      'tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  sampler:\n    always_record:\n      root:\n        composite/development:\n          rule_based:\n            rules:\n              - attribute_values:\n                  key: http.route\n                  values: [/health]\n                sampler:\n                  always_off:\n              - sampler:\n                  probability:\n                    ratio: 1\n',
    );
    const decide = (route: string) =>
      built.sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'GET', SpanKind.SERVER, { 'http.route': route }, [])
        .decision;
    expect(decide('/health')).toBe(SamplingDecision.RECORD);
    expect(decide('/orders')).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('the example file of docs/configuration.md', () => {
  it('loads and builds the keep-traces processor over the rule-based head sampler', async () => {
    const { readFileSync } = await import('node:fs');
    const guide = readFileSync('docs/configuration.md', 'utf8');
    const start = guide.indexOf('### Starting with a file');
    expect(start).toBeGreaterThan(0);
    const section = guide.slice(start);
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const parsed = parseConfiguration(yaml!, () => undefined);
    if (!parsed.ok) throw new Error(parsed.message);
    const given = context();
    const built = partsFromModel(parsed.model, given);
    expect(given.warnings).toEqual([]);
    expect(built.resource.attributes['service.name']).toBe('checkout');
    expect(built.spanProcessors.map((processor) => processor.constructor.name)).toEqual(['KeepTracesProcessor']);
    const decide = (path: string) =>
      built.sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'GET', SpanKind.SERVER, { 'url.path': path }, [])
        .decision;
    expect(decide('/health/live')).toBe(SamplingDecision.RECORD);
  });
});

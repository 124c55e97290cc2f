import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { readOtlpEnvironment } from '../../src/export/otlp/otlp-environment.js';
import { readLogLevelEnvironment, readTracesExportersEnvironment } from '../../src/init.js';
import { readPropagatorsEnvironment } from '../../src/propagation/from-environment.js';
import { readResourceEnvironment } from '../../src/resource/from-environment.js';
import { readSamplerEnvironment } from '../../src/sampling/from-environment.js';
import { readSdkDisabledEnvironment } from '../../src/trace/tracer-provider.js';
import { captureDiagEachTest } from '../support/diag-capture.js';
import { environmentOf } from '../support/environment.js';

// The specification: enum values of OTEL_* variables are case-insensitive; a malformed
// OTEL_RESOURCE_ATTRIBUTES is ignored as a whole, with one warning.

describe('enum values of OTEL_* variables', () => {
  const warnings = captureDiagEachTest();

  it('are read in any case, without a warning', () => {
    const environment = environmentOf({
      OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
      OTEL_TRACES_SAMPLER_ARG: '0.5',
      OTEL_PROPAGATORS: 'TraceContext,BAGGAGE',
      OTEL_TRACES_EXPORTER: 'OTLP,Console',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'HTTP/JSON',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'GZip',
      OTEL_LOG_LEVEL: 'Debug',
      OTEL_SDK_DISABLED: 'TRUE',
    });
    expect(readSamplerEnvironment(environment)).toEqual({ sampler: 'parentbased_traceidratio', samplerRatio: 0.5 });
    expect(readPropagatorsEnvironment(environment)).toEqual(['tracecontext', 'baggage']);
    expect(readTracesExportersEnvironment(environment)).toEqual(['otlp', 'console']);
    expect(readOtlpEnvironment(environment)).toMatchObject({ protocol: 'http/json', compression: 'gzip' });
    expect(readLogLevelEnvironment(environment)).toBe(DiagLogLevel.DEBUG);
    expect(readSdkDisabledEnvironment(environment)).toBe(true);
    expect(readPropagatorsEnvironment(environmentOf({ OTEL_PROPAGATORS: 'NONE' }))).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('a malformed OTEL_RESOURCE_ATTRIBUTES', () => {
  const warnings = captureDiagEachTest();

  it('is ignored as a whole, not partly applied, with one warning', () => {
    for (const raw of ['team=a,broken', 'team=a,=b', 'team=a,k=%E0%A4%A', 'team=a,k=v=w']) {
      expect(readResourceEnvironment(environmentOf({ OTEL_RESOURCE_ATTRIBUTES: raw })).resourceAttributes, raw).toEqual({});
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/OTEL_RESOURCE_ATTRIBUTES is malformed.*the whole variable is ignored/);
    expect(readResourceEnvironment(environmentOf({ OTEL_RESOURCE_ATTRIBUTES: 'team=a%20b,tier=web' })).resourceAttributes).toEqual({
      team: 'a b',
      tier: 'web',
    });
  });
});

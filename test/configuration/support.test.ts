import { describe, expect, it } from 'vitest';
import { DEFINITION_NAMES, ENUM_DEFINITION_NAMES } from '../../gen/opentelemetry-configuration/validate.js';
import { CONFIGURATION_SUPPORT } from '../../src/configuration/support.js';

const STATUSES = ['supported', 'not_implemented', 'ignored', 'not_applicable', 'unknown'];

describe('CONFIGURATION_SUPPORT', () => {
  it('has exactly one entry per definition of the pinned schema, each with a known status', () => {
    expect(Object.keys(CONFIGURATION_SUPPORT).sort()).toEqual([...DEFINITION_NAMES].sort());
    for (const support of Object.values(CONFIGURATION_SUPPORT)) expect(STATUSES).toContain(support.status);
  });

  it('gives property overrides only to mappings and enum overrides only to enums, with known statuses', () => {
    for (const [type, support] of Object.entries(CONFIGURATION_SUPPORT) as [string, { properties?: object; enumValues?: object }][]) {
      if (ENUM_DEFINITION_NAMES.includes(type)) expect(support.properties).toBeUndefined();
      else expect(support.enumValues).toBeUndefined();
      for (const status of Object.values({ ...support.properties, ...support.enumValues })) expect(STATUSES).toContain(status);
    }
  });

  it('marks what the mapping refuses or leaves alone as not supported', () => {
    expect(CONFIGURATION_SUPPORT.SpanExporter.properties).toEqual({
      otlp_grpc: 'not_implemented',
      'otlp_file/development': 'not_implemented',
    });
    expect(CONFIGURATION_SUPPORT.OtlpGrpcExporter.status).toBe('not_implemented');
    expect(CONFIGURATION_SUPPORT.TracerProvider.properties).toEqual({ 'tracer_configurator/development': 'not_implemented' });
  });
});

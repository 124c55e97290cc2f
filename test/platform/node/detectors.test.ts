import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SERVICE_NAME, defaultResource, detectResources } from '../../../src/index.js';
import { captureDiagEachTest } from '../../support/diag-capture.js';

const warnings = captureDiagEachTest();
afterEach(() => {
  vi.unstubAllEnvs();
});

const packageVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('defaultResource', () => {
  it('names the SDK and falls back to unknown_service:node', () => {
    vi.stubEnv('OTEL_SERVICE_NAME', '');
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', '');
    const attributes = defaultResource().attributes;
    expect(attributes['service.name']).toBe('unknown_service:node');
    expect(DEFAULT_SERVICE_NAME).toBe('unknown_service:node');
    expect(attributes['telemetry.sdk.name']).toBe('otelite');
    expect(attributes['telemetry.sdk.language']).toBe('nodejs');
    expect(attributes['telemetry.sdk.version']).toBe(packageVersion);
    expect(attributes['process.pid']).toBe(process.pid);
  });

  it('takes OTEL_RESOURCE_ATTRIBUTES (percent-decoded), with OTEL_SERVICE_NAME winning for service.name', () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'service.name=from-attributes,team=a%20b');
    expect(defaultResource().attributes['service.name']).toBe('from-attributes');
    expect(defaultResource().attributes.team).toBe('a b');
    vi.stubEnv('OTEL_SERVICE_NAME', 'from-name');
    expect(defaultResource().attributes['service.name']).toBe('from-name');
  });

  it('ignores a malformed OTEL_RESOURCE_ATTRIBUTES entirely, with a warning', () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'good=1,broken');
    const attributes = defaultResource().attributes;
    expect(attributes.good).toBeUndefined();
    expect(attributes['service.name']).toBe('unknown_service:node');
    expect(warnings.some((message) => message.includes('OTEL_RESOURCE_ATTRIBUTES is malformed'))).toBe(true);
  });
});

describe('detectResources', () => {
  it('describes the process and host, once', () => {
    const resource = detectResources();
    expect(detectResources()).toBe(resource);
    expect(resource.attributes).toMatchObject({
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'host.name': hostname(),
    });
    expect(typeof resource.attributes['host.arch']).toBe('string');
    expect(typeof resource.attributes['os.type']).toBe('string');
    expect(typeof resource.attributes['process.executable.name']).toBe('string');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { otlpEnvironmentSettings, useOtlpEnvironment } from '../../../src/export/otlp/otlp-environment-settings.js';
import { readOtlpEnvironment } from '../../../src/export/otlp/otlp-environment.js';
import { setEnvironmentSource } from '../../../src/config/environment-variable.js';

// The test setup installs readOtlpEnvironment, as the Node and default entry points do; the browser
// entry installs none.
afterEach(() => {
  useOtlpEnvironment(() => readOtlpEnvironment());
  setEnvironmentSource(undefined);
});

describe('otlpEnvironmentSettings', () => {
  it('with the environment reader installed, follows OTEL_EXPORTER_OTLP_*', () => {
    setEnvironmentSource((name) => (name === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? 'https://collector.test:4318' : undefined));
    expect(otlpEnvironmentSettings().tracesUrl).toBe('https://collector.test:4318/v1/traces');
  });

  it('without one (the browser entry), reads no variable and equals what no variable set gives', () => {
    const read: string[] = [];
    setEnvironmentSource((name) => {
      read.push(name);
      return name === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? 'https://collector.test:4318' : undefined;
    });
    useOtlpEnvironment(undefined);
    const settings = otlpEnvironmentSettings();
    expect(read).toEqual([]);
    expect(settings).toEqual(readOtlpEnvironment(() => undefined));
    expect(settings.tracesUrl).toBe('http://localhost:4318/v1/traces');
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readEnvironmentVariable } from '../../src/config/environment-variable.js';
import { readConfigFileEnvironment, useConfigurationFileAccess } from '../../src/configuration/configuration-file.js';
import { nodeConfigurationFileAccess } from '../../src/platform/node/configuration-file-access.js';
import { useInitEnvironment, type OteliteSdk } from '../../src/init.js';
import { INIT_ENVIRONMENT } from '../../src/init-environment.js';
import { init } from '../../src/platform/node/node-init.js';
import { InMemorySpanExporter } from '../../src/export/in-memory-span-exporter.js';
import { SimpleSpanProcessor } from '../../src/processing/simple-span-processor.js';

// init() in this process with a file: the parser is the built one (package.json imports → dist/), as
// for an application; the rest is the source under test.
const built = existsSync('dist/src/configuration/parse-configuration.js');
const directory = mkdtempSync(join(tmpdir(), 'otelite-configuration-file-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// What the Node entry (src/index.ts) installs.
beforeAll(() => {
  useConfigurationFileAccess(nodeConfigurationFileAccess);
  // What the Node entry point installs: init() reads OTEL_CONFIG_FILE and loads files through it.
  useInitEnvironment(INIT_ENVIRONMENT);
});

let sdk: OteliteSdk | undefined;
afterEach(async () => {
  await sdk?.shutdown();
  sdk = undefined;
  vi.unstubAllEnvs();
});

describe('readConfigFileEnvironment', () => {
  it('is the trimmed OTEL_CONFIG_FILE, undefined when unset or blank', () => {
    expect(readConfigFileEnvironment((name) => ({ OTEL_CONFIG_FILE: ' /etc/otel.yaml ' })[name])).toBe('/etc/otel.yaml');
    expect(readConfigFileEnvironment((name) => ({ OTEL_CONFIG_FILE: '  ' })[name])).toBeUndefined();
    expect(readConfigFileEnvironment(() => undefined)).toBeUndefined();
  });
});

describe.skipIf(!built)(`init({ configFile })${built ? '' : ' (skipped: dist/ is missing; run npm run build)'}`, () => {
  it('builds the SDK the file describes, hides the other OTEL_* variables until shutdown, and adds spanProcessors after its own', async () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'from-environment');
    vi.stubEnv('NOT_OTEL', 'visible');
    const file = join(directory, 'ok.yaml');
    writeFileSync(
      file,
      'file_format: "1.1"\nresource:\n  attributes:\n    - name: service.name\n      value: ${OTEL_SERVICE_NAME}-via-file\ntracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n  sampler:\n    always_on:\n',
    );
    const exporter = new InMemorySpanExporter();
    sdk = init({
      configFile: file,
      shutdownHooks: false,
      instrumentations: { http: false },
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    expect(sdk.tracerProvider.resource.attributes['service.name']).toBe('from-environment-via-file');
    expect(readEnvironmentVariable('OTEL_SERVICE_NAME')).toBeUndefined();
    expect(readEnvironmentVariable('NOT_OTEL')).toBe('visible');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    trace.getTracer('t').startSpan('s').end();
    log.mockRestore();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['s']);
    await sdk?.shutdown();
    expect(readEnvironmentVariable('OTEL_SERVICE_NAME')).toBe('from-environment');
  });

  it('a file that cannot be used: one stderr line, no processor, not even the given spanProcessors', () => {
    const file = join(directory, 'bad.yaml');
    writeFileSync(file, 'file_format: "1.1"\nlog_level: loud\n');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const exporter = new InMemorySpanExporter();
    sdk = init({
      configFile: file,
      shutdownHooks: false,
      instrumentations: { http: false },
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const lines = errors.mock.calls.map((call) => String(call[0]));
    errors.mockRestore();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^otelite: configuration file \S+bad\.yaml: 2:12: log_level: expected one of "trace", .*, got "loud"\. Tracing is off\.$/,
    );
    const span = trace.getTracer('t').startSpan('s');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

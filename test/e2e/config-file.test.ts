import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../src/platform/node/receiver/index.js';
import { built, root, runFixture, skippedWithoutBuild, TEST_TIMEOUT_MILLIS } from './run-fixture.js';

/** The upstream examples, read from the submodule (never copied into the repository). */
const examples = join(root, 'opentelemetry-configuration/examples');
const upstream = existsSync(join(examples, 'otel-getting-started.yaml'));
const skippedWithoutUpstream = upstream
  ? ''
  : ' (skipped: the opentelemetry-configuration submodule is not populated; git submodule update --init)';

// Server and client spans of the two requests, and the internal span.
const SPAN_NAMES_ALL = ['GET', 'GET', 'GET', 'GET', 'internal work'];

describe.skipIf(!built)(`OTEL_CONFIG_FILE in a real application${skippedWithoutBuild}`, () => {
  let receiver: Receiver;
  let directory: string;
  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, print: false });
    directory = mkdtempSync(join(tmpdir(), 'otelite-config-'));
  });
  afterAll(async () => {
    await receiver?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  function writeFile(name: string, text: string): string {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  }

  function spansOf(service: string) {
    return receiver.spans().filter((span) => span.serviceName === service);
  }

  it(
    'a rule-based file drops the health checks and keeps the rest in a real HTTP service',
    async () => {
      const file = writeFile(
        'rules.yaml',
        `file_format: "1.1"
resource:
  attributes:
    - name: service.name
      value: rules-app
tracer_provider:
  processors:
    - batch:
        schedule_delay: 50
        exporter:
          otlp_http:
            endpoint: \${COLLECTOR}/v1/traces
            encoding: json
  sampler:
    composite/development:
      rule_based:
        rules:
          - attribute_patterns:
              key: url.path
              included: [/health*]
            span_kinds: [server]
            sampler:
              always_off:
          - attribute_values:
              key: url.path
              values: [/api/orders]
            sampler:
              always_on:
`,
      );
      const ending = await runFixture('config-file-app.mjs', [], { env: { OTEL_CONFIG_FILE: file, COLLECTOR: receiver.url } });
      expect(ending.stderr).toBe('');
      expect(ending.stdout).toBe('done 200 200\n');
      const spans = spansOf('rules-app');
      // /health: no server span; /api/orders: its server span; the internal span matched no rule: not sampled.
      expect(spans.map((span) => [span.kind, span.attributes['url.path']])).toEqual([['SERVER', '/api/orders']]);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'the keep-traces processor from the file exports the errored trace and drops the unsampled healthy ones',
    async () => {
      const file = writeFile(
        'keep.yaml',
        `file_format: "1.1"
resource:
  attributes:
    - name: service.name
      value: keep-app
tracer_provider:
  processors:
    - otelite_keep_traces/development:
        latency_threshold: 60000
        exporter:
          otlp_http:
            endpoint: ${receiver.url}/v1/traces
  sampler:
    always_record:
      root:
        always_off:
`,
      );
      const ending = await runFixture('config-file-app.mjs', [file], {});
      expect(ending.stderr).toBe('');
      expect(ending.stdout).toBe('done 200 200\n');
      expect(spansOf('keep-app').map((span) => [span.name, span.status.code])).toEqual([['internal work', 'ERROR']]);
    },
    TEST_TIMEOUT_MILLIS,
  );

  it(
    'otelite/register reads OTEL_CONFIG_FILE, and every other OTEL_* variable is ignored',
    async () => {
      const file = writeFile(
        'register.yaml',
        `file_format: "1.0"
resource:
  attributes:
    - name: service.name
      value: \${OTEL_SERVICE_NAME}
tracer_provider:
  limits:
    attribute_value_length_limit: 8
  processors:
    - simple:
        exporter:
          otlp_http:
            endpoint: ${receiver.url}/v1/traces
`,
      );
      const ending = await runFixture('config-file-app.mjs', ['preloaded'], {
        nodeArguments: ['--import', 'otelite/register'],
        env: {
          OTEL_CONFIG_FILE: file,
          OTEL_SERVICE_NAME: 'register-app',
          // None of these may apply while a file is in force.
          OTEL_TRACES_SAMPLER: 'always_off',
          OTEL_SDK_DISABLED: 'true',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
          OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '2',
          OTEL_RESOURCE_ATTRIBUTES: 'from.environment=yes',
        },
      });
      expect(ending.stdout).toBe('done 200 200\n');
      const spans = spansOf('register-app');
      expect(spans.map((span) => span.name).sort()).toEqual(SPAN_NAMES_ALL);
      expect(spans.find((span) => span.name === 'internal work')?.attributes['app.long']).toBe('xxxxxxxx');
      expect(spans[0]?.resourceAttributes['from.environment']).toBeUndefined();
    },
    TEST_TIMEOUT_MILLIS,
  );

  describe('a file that cannot be used: one message on stderr, tracing off, the application unharmed', () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['missing file', undefined, /^otelite: configuration file \S+missing\.yaml: cannot be read \(ENOENT[^\n]*\)\. Tracing is off\.\n$/],
      [
        'YAML error',
        'file_format: "1.1"\ntracer_provider: [\n',
        /^otelite: configuration file \S+\.yaml: \d+:\d+: not valid YAML: [^\n]+\. Tracing is off\.\n$/,
      ],
      [
        'wrong type',
        'file_format: "1.1"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: soon\n        exporter:\n          console:\n',
        /^otelite: configuration file \S+\.yaml: 5:25: tracer_provider\.processors\[0\]\.batch\.schedule_delay: expected an integer ≥ 0 or null \(empty\), got "soon"\. Tracing is off\.\n$/,
      ],
      [
        'unknown file_format major',
        'file_format: "2.0"\n',
        /^otelite: configuration file \S+\.yaml: 1:14: file_format: expected a string "1\.x" [^\n]+, got "2\.0"\. Tracing is off\.\n$/,
      ],
      [
        'a component otelite does not have',
        'file_format: "1.1"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_grpc:\n            endpoint: http://localhost:4317\n',
        /^otelite: configuration file \S+\.yaml: 6:11: tracer_provider\.processors\[0\]\.batch\.exporter\.otlp_grpc: otelite exports OTLP over HTTP only[^\n]+\. Tracing is off\.\n$/,
      ],
    ];
    for (const [name, text, message] of cases) {
      it(
        name,
        async () => {
          const file = text === undefined ? join(directory, 'missing.yaml') : writeFile(`${name.replaceAll(' ', '-')}.yaml`, text);
          const ending = await runFixture('config-file-app.mjs', [], {
            env: { OTEL_CONFIG_FILE: file, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'bad-file-app' },
          });
          expect(ending.code).toBe(0);
          expect(ending.stdout).toBe('done 200 200\n');
          expect(ending.stderr).toMatch(message);
          expect(ending.stderr).not.toMatch(/\n\s+at /); // no stack trace
          expect(spansOf('bad-file-app')).toEqual([]);
        },
        TEST_TIMEOUT_MILLIS,
      );
    }
  });
});

/** Whether 127.0.0.1:4318 can be listened on (otel-sdk-config.yaml names http://localhost:4318 itself). */
async function port4318Free(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(4318, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe.skipIf(!built || !upstream)(
  `the upstream v1.1.0 examples, unchanged, export what they say${skippedWithoutBuild}${skippedWithoutUpstream}`,
  () => {
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await startReceiver({ port: 0, print: false });
    });
    afterAll(async () => {
      await receiver?.close();
    });

    it(
      'otel-getting-started.yaml: OTLP to OTEL_EXPORTER_OTLP_ENDPOINT, resource from OTEL_RESOURCE_ATTRIBUTES and the service detector',
      async () => {
        const ending = await runFixture('config-file-app.mjs', [], {
          env: {
            OTEL_CONFIG_FILE: join(examples, 'otel-getting-started.yaml'),
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_SERVICE_NAME: 'getting-started-app',
            OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
          },
        });
        expect(ending.stdout).toBe('done 200 200\n');
        const spans = receiver.spans().filter((span) => span.serviceName === 'getting-started-app');
        expect(spans.map((span) => span.name).sort()).toEqual(SPAN_NAMES_ALL);
        expect(spans[0]?.resourceAttributes['deployment.environment.name']).toBe('test');
        expect(spans[0]?.resourceAttributes['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(spans[0]?.resourceAttributes['host.name']).toBeTypeOf('string');
      },
      TEST_TIMEOUT_MILLIS,
    );

    it(
      'otel-sdk-migration-config.yaml: the OTEL_* variables it substitutes apply (gzip by default), the others do not',
      async () => {
        const ending = await runFixture('config-file-app.mjs', [], {
          env: {
            OTEL_CONFIG_FILE: join(examples, 'otel-sdk-migration-config.yaml'),
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_SERVICE_NAME: 'migration-app',
            OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4',
            OTEL_BSP_SCHEDULE_DELAY: '20',
            OTEL_TRACES_SAMPLER: 'always_off', // not referenced by the file: ignored
          },
        });
        expect(ending.stdout).toBe('done 200 200\n');
        const spans = receiver.spans().filter((span) => span.serviceName === 'migration-app');
        expect(spans.map((span) => span.name).sort()).toEqual(SPAN_NAMES_ALL);
        expect(spans.find((span) => span.name === 'internal work')?.attributes['app.long']).toBe('xxxx');
      },
      TEST_TIMEOUT_MILLIS,
    );

    it(
      'otel-sdk-config.yaml: batch OTLP/HTTP to http://localhost:4318/v1/traces, parent_based(always_on)',
      async (context) => {
        if (!(await port4318Free())) {
          context.skip('SKIPPED otel-sdk-config.yaml export: port 4318 is taken on this machine (the file names it)');
          return;
        }
        const fixed = await startReceiver({ port: 4318, host: '127.0.0.1', print: false });
        try {
          const text = readFileSync(join(examples, 'otel-sdk-config.yaml'), 'utf8');
          expect(text).toContain('endpoint: http://localhost:4318/v1/traces');
          const ending = await runFixture('config-file-app.mjs', [], { env: { OTEL_CONFIG_FILE: join(examples, 'otel-sdk-config.yaml') } });
          expect(ending.stdout).toBe('done 200 200\n');
          const spans = fixed.spans().filter((span) => span.serviceName === 'unknown_service');
          expect(spans.map((span) => span.name).sort()).toEqual(SPAN_NAMES_ALL);
        } finally {
          await fixed.close();
        }
      },
      TEST_TIMEOUT_MILLIS,
    );
  },
);

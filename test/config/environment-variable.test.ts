import { DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readEnvironmentVariable, setEnvironmentSource } from '../../src/config/environment-variable.js';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider } from '../../src/index.js';
import { readBatchEnvironment } from '../../src/processing/batch-span-processor.js';
import { captureDiagEachTest } from '../support/diag-capture.js';
import { withEnvironment } from '../support/environment.js';

const messages = captureDiagEachTest(DiagLogLevel.INFO);

/** Deno's refusal, as `Deno.env.get` throws it without `--allow-env`. */
class NotCapable extends Error {
  override name = 'NotCapable';
}

afterEach(() => {
  vi.unstubAllEnvs();
  Reflect.deleteProperty(globalThis, 'Deno');
});

describe('readEnvironmentVariable', () => {
  it('reads process.env on Node, a variable set after load included', () => {
    vi.stubEnv('OTELITE_TEST_VARIABLE', 'set-later');
    expect(readEnvironmentVariable('OTELITE_TEST_VARIABLE')).toBe('set-later');
    expect(readEnvironmentVariable('OTELITE_TEST_VARIABLE_NEVER_SET')).toBeUndefined();
  });

  it('reads Deno.env.get where Deno is the runtime', () => {
    Object.defineProperty(globalThis, 'Deno', { configurable: true, value: { env: { get: (name: string) => `deno:${name}` } } });
    expect(readEnvironmentVariable('OTEL_SERVICE_NAME')).toBe('deno:OTEL_SERVICE_NAME');
  });

  it('treats a refused read (Deno without --allow-env) as unset and reports it once', () => {
    const get = vi.fn((name: string): string => {
      throw new NotCapable(`Requires env access to "${name}", run again with the --allow-env flag`);
    });
    Object.defineProperty(globalThis, 'Deno', { configurable: true, value: { env: { get } } });
    expect(readEnvironmentVariable('OTEL_LOG_LEVEL')).toBeUndefined();
    expect(readEnvironmentVariable('OTEL_SERVICE_NAME')).toBeUndefined();
    // Whole components build with the defaults, and the SDK starts.
    expect(readBatchEnvironment().maxQueueSize).toBe(2048);
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    provider.getTracer('t').startSpan('s').end();
    expect(get).toHaveBeenCalled();
    const refusals = messages.filter((message) => message.includes('cannot be read'));
    // Reported at most once per process: an earlier test file in this worker may have used the report.
    expect(refusals.length).toBeLessThanOrEqual(1);
    expect(messages.filter((message) => message.includes('NotCapable')).length).toBeLessThanOrEqual(1);
  });

  it('names the refusal in its one report', async () => {
    // A fresh module instance, so the once-per-process report has not been used yet.
    vi.resetModules();
    const fresh = await import('../../src/config/environment-variable.js');
    fresh.setEnvironmentSource(() => {
      throw new NotCapable('Requires env access to "OTEL_BSP_MAX_QUEUE_SIZE"');
    });
    for (let i = 0; i < 5; i++) expect(fresh.readEnvironmentVariable('OTEL_BSP_MAX_QUEUE_SIZE')).toBeUndefined();
    fresh.setEnvironmentSource();
    expect(messages).toEqual([
      'otelite: the environment cannot be read (NotCapable: Requires env access to "OTEL_BSP_MAX_QUEUE_SIZE"); OTEL_* variables are treated as unset.',
    ]);
  });

  it('has no environment where the runtime has none (a browser)', () => {
    const previous = setEnvironmentSource(() => undefined);
    try {
      expect(readEnvironmentVariable('PATH')).toBeUndefined();
    } finally {
      setEnvironmentSource(previous);
    }
    expect(readEnvironmentVariable('PATH')).toBe(process.env.PATH);
  });

  it('ignores a value that is not a string', () => {
    const previous = setEnvironmentSource(() => 42 as unknown as string);
    try {
      expect(readEnvironmentVariable('OTEL_BSP_MAX_QUEUE_SIZE')).toBeUndefined();
    } finally {
      setEnvironmentSource(previous);
    }
  });
});

describe('each component reads only its own variables', () => {
  it('a BatchSpanProcessor does not read (or warn about) the sampler, exporter or resource variables', () => {
    withEnvironment(
      {
        OTEL_TRACES_SAMPLER: 'bogus-sampler',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'bogus-protocol',
        OTEL_RESOURCE_ATTRIBUTES: 'bogus',
        OTEL_BSP_MAX_QUEUE_SIZE: 'x1',
      },
      () => new BatchSpanProcessor(new InMemorySpanExporter()),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('OTEL_BSP_MAX_QUEUE_SIZE="x1"');
    expect(messages[0]).toContain('using 2048');
  });

  it('a TracerProvider given a sampler does not read OTEL_TRACES_SAMPLER', () => {
    withEnvironment(
      { OTEL_TRACES_SAMPLER: 'another-bogus-sampler' },
      () => new TracerProvider({ sampler: { shouldSample: () => ({ decision: 0 }) } }),
    );
    expect(messages).toEqual([]);
    withEnvironment({ OTEL_TRACES_SAMPLER: 'another-bogus-sampler' }, () => new TracerProvider());
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('OTEL_TRACES_SAMPLER="another-bogus-sampler"');
  });
});

describe('defaults, then environment, then options', () => {
  it('an option left undefined keeps the environment value', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = withEnvironment(
      { OTEL_BSP_MAX_QUEUE_SIZE: '3', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '3', OTEL_BSP_SCHEDULE_DELAY: '60000' },
      () => new BatchSpanProcessor(exporter, { maxQueueSize: undefined, maxExportBatchSize: undefined }),
    );
    const provider = new TracerProvider({ spanProcessors: [processor] });
    // The first three fill the queue and are exported as one full batch; to be sure nothing else
    // happened in between, everything is flushed only after all ten ended.
    for (let i = 0; i < 10; i++) provider.getTracer('t').startSpan(`s${i}`).end();
    await provider.shutdown();
    expect(processor.droppedSpansCount).toBeGreaterThan(0);
    expect(exporter.getFinishedSpans().length + processor.droppedSpansCount).toBe(10);
    // No option was judged invalid: the only message is the full queue's.
    expect(messages.filter((message) => !message.includes('queue was full'))).toEqual([]);
  });

  it('an option that is set beats the environment', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = withEnvironment(
      { OTEL_BSP_MAX_QUEUE_SIZE: '3', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '3' },
      () => new BatchSpanProcessor(exporter, { maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 60_000 }),
    );
    const provider = new TracerProvider({ spanProcessors: [processor] });
    for (let i = 0; i < 10; i++) provider.getTracer('t').startSpan(`s${i}`).end();
    await provider.shutdown();
    expect(processor.droppedSpansCount).toBe(0);
    expect(exporter.getFinishedSpans()).toHaveLength(10);
  });
});

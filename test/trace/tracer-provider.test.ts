import { ROOT_CONTEXT, TraceFlags, context, propagation, trace, type ContextManager, type TextMapPropagator } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ExportResultCode,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  W3CTraceContextPropagator,
  resourceFromAttributes,
  type FinishedSpan,
  type SpanExporter,
  type SpanProcessor,
} from '../../src/index.js';
import { captureDiagEachTest } from '../support/diag-capture.js';

const errors = captureDiagEachTest();

afterEach(() => {
  vi.unstubAllEnvs();
});

function exporterThat(behaviour: 'rejects' | 'throws' | 'hangs' | 'fails'): SpanExporter {
  return {
    export: () => {
      if (behaviour === 'throws') throw new Error('export threw');
      if (behaviour === 'rejects') return Promise.reject(new Error('export rejected'));
      if (behaviour === 'fails') return Promise.resolve({ code: ExportResultCode.FAILED, error: new Error('export failed') });
      return new Promise(() => {});
    },
    forceFlush: () => (behaviour === 'hangs' ? new Promise(() => {}) : Promise.reject(new Error('flush rejected'))),
    shutdown: () => {
      if (behaviour === 'throws') throw new Error('shutdown threw');
      return behaviour === 'hangs' ? new Promise(() => {}) : Promise.reject(new Error('shutdown rejected'));
    },
  };
}

describe('getTracer', () => {
  it('caches tracers per name, version and schema URL and records the scope', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('lib', '1.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0', attributes: { team: 'a' } });
    expect(provider.getTracer('lib', '1.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' })).toBe(tracer);
    expect(provider.getTracer('lib', '2.0.0')).not.toBe(tracer);
    expect(provider.getTracer('lib')).not.toBe(tracer);
    expect(provider.getTracer('lib')).toBe(provider.getTracer('lib'));
    tracer.startSpan('scoped').end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()[0].instrumentationScope).toEqual({
      name: 'lib',
      version: '1.0.0',
      schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      attributes: { team: 'a' },
    });
    expect(() => provider.getTracer(undefined as unknown as string)).not.toThrow();
  });
});

describe('forceFlush and shutdown', () => {
  for (const behaviour of ['rejects', 'throws', 'fails'] as const) {
    it(`resolve when the exporter ${behaviour}, reporting the failure through diag`, async () => {
      const provider = new TracerProvider({
        sampler: new AlwaysOnSampler(),
        spanProcessors: [new SimpleSpanProcessor(exporterThat(behaviour)), new BatchSpanProcessor(exporterThat(behaviour))],
      });
      provider.getTracer('t').startSpan('doomed').end();
      await expect(provider.forceFlush()).resolves.toBeUndefined();
      await expect(provider.shutdown()).resolves.toBeUndefined();
      expect(errors.some((message) => message.includes('export'))).toBe(true);
    });
  }

  it('resolve after forceFlushTimeoutMillis when an exporter never answers', async () => {
    const provider = new TracerProvider({
      sampler: new AlwaysOnSampler(),
      forceFlushTimeoutMillis: 30,
      spanProcessors: [new SimpleSpanProcessor(exporterThat('hangs'))],
    });
    provider.getTracer('t').startSpan('stuck').end();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    await expect(provider.shutdown()).resolves.toBeUndefined();
    expect(errors.some((message) => message.includes('did not finish within 30 ms'))).toBe(true);
  });

  it('shuts down once: later calls return the same promise and processors shut down once', async () => {
    let shutdowns = 0;
    const processor: SpanProcessor = {
      onStart: () => {},
      onEnd: () => {},
      forceFlush: () => Promise.resolve(),
      shutdown: async () => {
        shutdowns++;
      },
    };
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const first = provider.shutdown();
    expect(provider.shutdown()).toBe(first);
    await first;
    await provider.shutdown();
    expect(shutdowns).toBe(1);
  });

  it('hands out non-recording spans that still carry context after shutdown', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('t');
    const before = tracer.startSpan('before');
    await provider.shutdown();
    const root = tracer.startSpan('after');
    expect(root.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(root.spanContext())).toBe(true);
    const parent = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    };
    const child = provider.getTracer('new').startSpan('child', {}, trace.setSpanContext(ROOT_CONTEXT, parent));
    expect(child.spanContext()).toEqual(parent);
    before.end();
    root.end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('environment', () => {
  it('OTEL_SDK_DISABLED=true makes only non-recording spans, which still propagate context', async () => {
    vi.stubEnv('OTEL_SDK_DISABLED', 'true');
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('t');
    const root = tracer.startSpan('root');
    expect(root.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(root.spanContext())).toBe(true);
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
    expect(child.spanContext()).toEqual(root.spanContext());
    child.end();
    root.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('takes span limits from the environment, with options winning', async () => {
    vi.stubEnv('OTEL_ATTRIBUTE_COUNT_LIMIT', '1');
    vi.stubEnv('OTEL_SPAN_EVENT_COUNT_LIMIT', '1');
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      sampler: new AlwaysOnSampler(),
      spanLimits: { eventCountLimit: 3, linkCountLimit: -1 },
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const span = provider.getTracer('t').startSpan('limited', { attributes: { a: 1, b: 2 } });
    for (let i = 0; i < 4; i++) span.addEvent(`e${i}`);
    span.end();
    await provider.forceFlush();
    const [finished] = exporter.getFinishedSpans();
    expect(finished.attributes).toEqual({ a: 1 });
    expect(finished.events).toHaveLength(3);
    expect(errors.some((message) => message.includes('spanLimits.linkCountLimit=-1'))).toBe(true);
  });

  it('uses the sampler the environment names when none is given', () => {
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'always_off');
    const provider = new TracerProvider();
    expect(provider.getTracer('t').startSpan('off').isRecording()).toBe(false);
  });

  it('defaults to parentbased_always_on', () => {
    const provider = new TracerProvider();
    const tracer = provider.getTracer('t');
    expect(tracer.startSpan('root').spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    expect(tracer.startSpan('child', {}, unsampledParent).isRecording()).toBe(false);
  });
});

describe('resource', () => {
  it('merges the given resource over the default one', async () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment.name=staging,service.name=from-attributes');
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      sampler: new AlwaysOnSampler(),
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    provider.getTracer('t').startSpan('s').end();
    await provider.forceFlush();
    const attributes = exporter.getFinishedSpans()[0].resource.attributes;
    expect(attributes['service.name']).toBe('checkout');
    expect(attributes['service.version']).toBe('1.2.3');
    expect(attributes['deployment.environment.name']).toBe('staging');
    expect(attributes['telemetry.sdk.name']).toBe('otelite');
    expect(attributes['telemetry.sdk.language']).toBe('nodejs');
    expect(provider.resource).toBe(exporter.getFinishedSpans()[0].resource);
  });

  it('accepts a plain { attributes } object as the resource', () => {
    const provider = new TracerProvider({ resource: { attributes: { 'service.name': 'plain' } } });
    expect(provider.resource.attributes['service.name']).toBe('plain');
  });
});

describe('register', () => {
  afterEach(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('installs the provider, an AsyncLocalStorage context manager and the environment’s propagators', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    expect(provider.register()).toBe(true);
    const tracer = trace.getTracer('global');
    await tracer.startActiveSpan('outer', async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      expect(carrier.traceparent).toContain(outer.spanContext().spanId);
      outer.end();
    });
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((span: FinishedSpan) => span.name)).toEqual(['outer']);
  });

  it('uses the given context manager and propagator, and leaves them alone when given null', () => {
    const provider = new TracerProvider();
    const active = vi.fn(() => ROOT_CONTEXT);
    const manager = {
      active,
      with: (_c: unknown, fn: () => unknown) => fn(),
      bind: <T>(_c: unknown, target: T) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    } as unknown as ContextManager;
    const propagator: TextMapPropagator = new W3CTraceContextPropagator();
    provider.register({ contextManager: manager, propagator });
    context.active();
    expect(active).toHaveBeenCalled();
    expect(propagation.fields()).toEqual(propagator.fields());
    trace.disable();
    context.disable();
    propagation.disable();
    const other = new TracerProvider();
    other.register({ contextManager: null, propagator: null });
    expect(propagation.fields()).toEqual([]);
  });
});

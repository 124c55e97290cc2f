import {
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  context,
  createContextKey,
  trace,
  defaultTextMapSetter,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { describe, expect, it } from 'vitest';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SamplingDecision,
  RandomIdGenerator,
  SimpleSpanProcessor,
  TracerProvider,
  createTraceState,
  suppressTracing,
  type IdGenerator,
  type Sampler,
  type SamplingResult,
} from '../../src/index.js';
import { useGlobalContextManager } from '../support/global-context-manager.js';

useGlobalContextManager();

function setup(sampler: Sampler = new AlwaysOnSampler(), idGenerator?: IdGenerator) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ sampler, idGenerator, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('tracer-test') };
}

function fixedSampler(result: SamplingResult, calls: unknown[][] = []): Sampler {
  return {
    shouldSample: (...args: unknown[]) => {
      calls.push(args);
      return result;
    },
    toString: () => 'Fixed',
  };
}

const REMOTE_PARENT: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};

describe('parents and trace flags', () => {
  it('gives root spans a fresh trace, the random flag and the sampled flag', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('root');
    const spanContext = span.spanContext();
    expect(spanContext.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanContext.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(spanContext.traceFlags).toBe(0x02 | TraceFlags.SAMPLED);
    expect(span.isRecording()).toBe(true);
  });

  it('sets the random flag but not the sampled one on unsampled roots', () => {
    const { tracer } = setup(fixedSampler({ decision: SamplingDecision.RECORD }));
    const span = tracer.startSpan('recorded only');
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags).toBe(0x02);
  });

  it('continues a remote parent, inheriting its random flag; the sampler decides the sampled bit', async () => {
    const { tracer, provider, exporter } = setup(fixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED }));
    const withoutRandom = trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE_PARENT, traceFlags: TraceFlags.NONE });
    const child = tracer.startSpan('child', {}, withoutRandom);
    expect(child.spanContext().traceId).toBe(REMOTE_PARENT.traceId);
    expect(child.spanContext().spanId).not.toBe(REMOTE_PARENT.spanId);
    expect(child.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    const withRandom = trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE_PARENT, traceFlags: 0x03 });
    const notSampledChild = setup(fixedSampler({ decision: SamplingDecision.RECORD })).tracer.startSpan('c', {}, withRandom);
    expect(notSampledChild.spanContext().traceFlags).toBe(0x02);
    // Bits W3C leaves undefined (a version-00 parent may carry them) are not passed on to children.
    const withReservedBits = trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE_PARENT, traceFlags: 0xfe });
    expect(tracer.startSpan('r', {}, withReservedBits).spanContext().traceFlags).toBe(0x03);
    child.end();
    await provider.forceFlush();
    const [finished] = exporter.getFinishedSpans();
    expect(finished.parentSpanContext).toEqual({ ...REMOTE_PARENT, traceFlags: TraceFlags.NONE });
    expect(finished.parentSpanContext?.isRemote).toBe(true);
  });

  it('uses the active span as parent, an explicit context over it, and ignores both with root: true', () => {
    const { tracer } = setup();
    const parent = tracer.startSpan('parent');
    const explicit = tracer.startSpan('explicit');
    context.with(trace.setSpan(context.active(), parent), () => {
      const child = tracer.startSpan('child') as unknown as { parentSpanContext?: SpanContext };
      expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      const fromExplicit = tracer.startSpan('x', {}, trace.setSpan(ROOT_CONTEXT, explicit)) as unknown as {
        parentSpanContext?: SpanContext;
      };
      expect(fromExplicit.parentSpanContext?.spanId).toBe(explicit.spanContext().spanId);
      const root = tracer.startSpan('root', { root: true });
      expect(root.spanContext().traceId).not.toBe(parent.spanContext().traceId);
      expect((root as unknown as { parentSpanContext?: SpanContext }).parentSpanContext).toBeUndefined();
    });
  });

  it('treats an invalid parent span context as no parent', () => {
    const { tracer } = setup();
    const invalid = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 });
    const span = tracer.startSpan('orphan', {}, invalid);
    expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
    expect((span as unknown as { parentSpanContext?: SpanContext }).parentSpanContext).toBeUndefined();
  });

  it('does not set the random flag when a custom id generator makes the ids', () => {
    let n = 0;
    const generator: IdGenerator = {
      generateTraceId: () => (++n).toString(16).padStart(32, '0'),
      generateSpanId: () => (++n).toString(16).padStart(16, '0'),
    };
    const { tracer } = setup(new AlwaysOnSampler(), generator);
    const span = tracer.startSpan('custom ids');
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000001');
    expect(span.spanContext().spanId).toBe('0000000000000002');
    expect(span.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
  });

  it('validates a RandomIdGenerator subclass like any generator, and does not call its ids random', () => {
    class BrokenIdGenerator extends RandomIdGenerator {
      override generateTraceId(): string {
        return 'not a trace id';
      }
    }
    const { tracer } = setup(new AlwaysOnSampler(), new BrokenIdGenerator());
    const span = tracer.startSpan('subclass ids');
    // The invalid id is replaced (the subclass is guarded), and the random flag is not claimed.
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    // The plain class keeps the flag.
    const plain = setup(new AlwaysOnSampler(), new RandomIdGenerator()).tracer.startSpan('plain');
    expect(plain.spanContext().traceFlags).toBe(TraceFlags.SAMPLED | 0x02);
  });

  it("leaves the random flag off root spans with randomTraceFlag: false, keeping a parent's bit", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      sampler: new AlwaysOnSampler(),
      randomTraceFlag: false,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('flag-test');
    const root = tracer.startSpan('root');
    expect(root.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
    expect(child.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    const remoteRandom = trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE_PARENT, traceFlags: 0x03 });
    expect(tracer.startSpan('continued', {}, remoteRandom).spanContext().traceFlags).toBe(0x03);
    // A custom generator may assert that its trace ids are random.
    let n = 0;
    const generator: IdGenerator = {
      generateTraceId: () => (++n).toString(16).padStart(32, '0'),
      generateSpanId: () => (++n).toString(16).padStart(16, '0'),
    };
    const asserted = new TracerProvider({ sampler: new AlwaysOnSampler(), idGenerator: generator, randomTraceFlag: true });
    expect(asserted.getTracer('t').startSpan('root').spanContext().traceFlags).toBe(0x03);
  });

  it('propagates flags 03 through the Jaeger propagator by default (its debug bit), 01 with randomTraceFlag: false', () => {
    const propagator = new JaegerPropagator();
    const header = (randomTraceFlag?: boolean): string => {
      const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), randomTraceFlag });
      const span = provider.getTracer('jaeger').startSpan('root');
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
      return carrier['uber-trace-id'];
    };
    expect(header()).toMatch(/^[0-9a-f]{32}:[0-9a-f]{16}:0:03$/);
    expect(header(false)).toMatch(/^[0-9a-f]{32}:[0-9a-f]{16}:0:01$/);
  });

  it('replaces a throwing or malformed custom id generator with random ids', () => {
    const throwing: IdGenerator = {
      generateTraceId: () => {
        throw new Error('no ids today');
      },
      generateSpanId: () => 'not hex',
    };
    const { tracer } = setup(new AlwaysOnSampler(), throwing);
    const span = tracer.startSpan('fallback ids');
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('sampling', () => {
  it('passes the sampler the parent context, trace id, name, kind, attributes and links', () => {
    const calls: unknown[][] = [];
    const { tracer } = setup(fixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED }, calls));
    const parentContext = trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT);
    const links = [{ context: REMOTE_PARENT }];
    tracer.startSpan('sampled', { kind: SpanKind.SERVER, attributes: { a: 1 }, links }, parentContext);
    const [ctx, traceId, name, kind, attributes, passedLinks] = calls[0];
    expect(ctx).toBe(parentContext);
    expect(traceId).toBe(REMOTE_PARENT.traceId);
    expect(name).toBe('sampled');
    expect(kind).toBe(SpanKind.SERVER);
    expect(attributes).toEqual({ a: 1 });
    expect(passedLinks).toEqual(links);
  });

  it('hands a root span a context without the active span', () => {
    const calls: unknown[][] = [];
    const { tracer } = setup(fixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED }, calls));
    tracer.startSpan('root', { root: true }, trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT));
    expect(trace.getSpan(calls[0][0] as Context)).toBeUndefined();
  });

  it('makes a non-recording span with a valid context for NOT_RECORD, and exports only sampled spans', async () => {
    const { tracer, provider, exporter } = setup(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
    const dropped = tracer.startSpan('not recorded');
    expect(dropped.isRecording()).toBe(false);
    expect(dropped.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(dropped.spanContext().traceFlags).toBe(0x02);
    dropped.end();
    const recorded = setup(fixedSampler({ decision: SamplingDecision.RECORD }));
    recorded.tracer.startSpan('recorded, not sampled').end();
    await provider.forceFlush();
    await recorded.provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(recorded.exporter.getFinishedSpans()).toEqual([]);
  });

  it('sets sampler attributes on the span (over the caller’s) and uses the sampler’s trace state', async () => {
    const traceState = createTraceState('vendor=value');
    const { tracer, provider, exporter } = setup(
      fixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { 'sampler.rule': 'x', shared: 'sampler' }, traceState }),
    );
    const parentContext = trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE_PARENT, traceState: createTraceState('parent=1') });
    const span = tracer.startSpan('with sampler attributes', { attributes: { shared: 'caller', own: 1 } }, parentContext);
    expect(span.spanContext().traceState?.serialize()).toBe('vendor=value');
    span.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()[0].attributes).toEqual({ shared: 'sampler', own: 1, 'sampler.rule': 'x' });
  });

  it('keeps the parent’s trace state when the sampler gives none', () => {
    const { tracer } = setup();
    const parentState = createTraceState('parent=1');
    const span = tracer.startSpan('child', {}, trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE_PARENT, traceState: parentState }));
    expect(span.spanContext().traceState).toBe(parentState);
  });

  it('treats a throwing sampler as NOT_RECORD without throwing', () => {
    const { tracer } = setup({
      shouldSample: () => {
        throw new Error('sampler bug');
      },
      toString: () => 'Broken',
    });
    const span = tracer.startSpan('guarded');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('spans and context', () => {
  it('makes no spans where tracing is suppressed', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('suppressed', {}, suppressTracing(ROOT_CONTEXT));
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
  });

  it('startActiveSpan makes the span active inside the callback and returns its result', async () => {
    const { tracer } = setup();
    const key = createContextKey('test key');
    const result = tracer.startActiveSpan('active', (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      span.end();
      return 42;
    });
    expect(result).toBe(42);
    const withOptions = await tracer.startActiveSpan('async', { kind: SpanKind.CLIENT }, async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(trace.getActiveSpan()).toBe(span);
      span.end();
      return 'done';
    });
    expect(withOptions).toBe('done');
    const explicit = ROOT_CONTEXT.setValue(key, 'value');
    tracer.startActiveSpan('explicit', {}, explicit, (span) => {
      expect(context.active().getValue(key)).toBe('value');
      expect(trace.getActiveSpan()).toBe(span);
      span.end();
    });
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(() => (tracer.startActiveSpan as (name: string, x: unknown) => unknown)('no function', {})).not.toThrow();
  });

  it('never throws on junk options or contexts', () => {
    const { tracer } = setup();
    const junk: unknown[] = [undefined, null, 0, Number.NaN, 'text', {}, [], () => 1, Symbol('x'), { getValue: 1 }];
    for (const options of junk) {
      for (const ctx of junk) {
        expect(() => tracer.startSpan('junk', options as never, ctx as never).end()).not.toThrow();
      }
    }
    expect(() =>
      tracer.startSpan('links', { links: 'nope' as never, attributes: 'nope' as never, kind: 'x' as never }).end(),
    ).not.toThrow();
    expect(() => tracer.startActiveSpan('x', null as never, null as never, (span) => span.end())).not.toThrow();
  });

  it('normalizes odd names and kinds', () => {
    const { tracer } = setup();
    const span = tracer.startSpan(123 as unknown as string, { kind: 99 as SpanKind }) as unknown as { name: string; kind: SpanKind };
    expect(span.name).toBe('123');
    expect(span.kind).toBe(SpanKind.INTERNAL);
  });

  it('calls processors guarded: a throwing processor breaks neither the app nor the other processors', async () => {
    const exporter = new InMemorySpanExporter();
    const throwing = {
      onStart: () => {
        throw new Error('onStart bug');
      },
      onEnd: () => {
        throw new Error('onEnd bug');
      },
      forceFlush: () => Promise.reject(new Error('flush bug')),
      shutdown: () => {
        throw new Error('shutdown bug');
      },
    };
    const provider = new TracerProvider({
      sampler: new AlwaysOnSampler(),
      spanProcessors: [throwing, new SimpleSpanProcessor(exporter)],
    });
    const single = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [throwing] });
    expect(() => single.getTracer('x').startSpan('alone').end()).not.toThrow();
    expect(() => provider.getTracer('x').startSpan('guarded').end()).not.toThrow();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['guarded']);
    await expect(provider.shutdown()).resolves.toBeUndefined();
    await expect(single.shutdown()).resolves.toBeUndefined();
  });
});

describe('startSpanWithDeferredAttributes', () => {
  const build = () => ({ 'http.request.method': 'GET', 'url.path': '/a-long-path', 'server.port': 8080, 'tls.resumed': false });
  type Deferred = {
    startSpanWithDeferredAttributes: (
      name: string,
      kind: SpanKind,
      context: Context,
      build: (argument: unknown, built: { count: number }) => object,
      argument?: unknown,
    ) => ReturnType<typeof trace.getActiveSpan>;
  };

  it('keeps the built object as the span attributes, counted against the count limit as set ones are', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanLimits: { attributeCountLimit: 5 }, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('deferred') as unknown as Deferred;
    const built = build();
    const span = tracer.startSpanWithDeferredAttributes('GET', SpanKind.SERVER, ROOT_CONTEXT, () => built);
    span?.setAttribute('fifth', 5).setAttribute('sixth', 6);
    span?.end();
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.attributes).toBe(built);
    expect(finished?.attributes).toEqual({ ...build(), fifth: 5 });
    expect(finished?.droppedAttributesCount).toBe(1);
  });

  it('takes the count a builder gives, for the sampler-read and the deferred build alike', () => {
    for (const sampler of [new AlwaysOnSampler(), fixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED }, [])]) {
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({
        sampler,
        spanLimits: { attributeCountLimit: 5 },
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const tracer = provider.getTracer('deferred') as unknown as Deferred;
      const span = tracer.startSpanWithDeferredAttributes('GET', SpanKind.SERVER, ROOT_CONTEXT, (_argument, built) => {
        built.count = 4;
        return build();
      });
      span?.setAttribute('fifth', 5).setAttribute('sixth', 6);
      span?.end();
      const [finished] = exporter.getFinishedSpans();
      expect(finished?.attributes).toEqual({ ...build(), fifth: 5 });
      expect(finished?.droppedAttributesCount).toBe(1);
    }
  });

  it('hands the builder its argument, whether the sampler reads the attributes or not', () => {
    for (const sampler of [new AlwaysOnSampler(), fixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED }, [])]) {
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const tracer = provider.getTracer('deferred') as unknown as Deferred;
      const request = { path: '/from-the-argument' };
      const seen: unknown[] = [];
      tracer
        .startSpanWithDeferredAttributes(
          'GET',
          SpanKind.SERVER,
          ROOT_CONTEXT,
          (argument, built) => {
            seen.push(argument);
            built.count = 1;
            return { 'url.path': (argument as typeof request).path };
          },
          request,
        )
        ?.end();
      expect(seen).toEqual([request]);
      expect(seen[0]).toBe(request);
      expect(exporter.getFinishedSpans()[0]?.attributes).toEqual({ 'url.path': '/from-the-argument' });
    }
  });

  it('drops counted built attributes over the count limit the way set ones are, keeping the first', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanLimits: { attributeCountLimit: 3 }, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('deferred') as unknown as Deferred;
    tracer
      .startSpanWithDeferredAttributes('GET', SpanKind.SERVER, ROOT_CONTEXT, (_argument, built) => {
        built.count = 4;
        return build();
      })
      ?.end();
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.attributes).toEqual({ 'http.request.method': 'GET', 'url.path': '/a-long-path', 'server.port': 8080 });
    expect(finished?.droppedAttributesCount).toBe(1);
  });

  it('applies a finite value length limit and a count limit below the built attributes', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanLimits: { attributeValueLengthLimit: 4, attributeCountLimit: 3 },
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('deferred') as unknown as Deferred;
    tracer.startSpanWithDeferredAttributes('GET', SpanKind.SERVER, ROOT_CONTEXT, build)?.end();
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.attributes).toEqual({ 'http.request.method': 'GET', 'url.path': '/a-l', 'server.port': 8080 });
    expect(finished?.droppedAttributesCount).toBe(1);
  });

  it('builds them before sampling for a sampler that may read them, and not at all for a suppressed span', () => {
    const calls: unknown[][] = [];
    const { exporter, provider } = setup(fixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED }, calls));
    const tracer = provider.getTracer('deferred') as unknown as Deferred;
    let builds = 0;
    const counted = () => {
      builds++;
      return build();
    };
    tracer.startSpanWithDeferredAttributes('GET', SpanKind.SERVER, suppressTracing(ROOT_CONTEXT), counted)?.end();
    expect(builds).toBe(0);
    tracer.startSpanWithDeferredAttributes('GET', SpanKind.SERVER, ROOT_CONTEXT, counted)?.end();
    expect(builds).toBe(1);
    expect(calls.map((call) => [call[3], call[4]])).toEqual([[SpanKind.SERVER, build()]]);
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.kind).toBe(SpanKind.SERVER);
    expect(finished?.attributes).toEqual(build());
  });
});

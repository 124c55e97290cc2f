import { ROOT_CONTEXT, TraceFlags, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  W3CTraceContextPropagator,
  createTraceState,
  type IdGenerator,
  type Sampler,
} from '../../src/index.js';
import { useGlobalContextManager } from '../support/global-context-manager.js';
import { SampledOutSpan } from '../../src/trace/sampled-out-span.js';

useGlobalContextManager();

function tracerWith(sampler: Sampler, idGenerator?: IdGenerator) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ sampler, idGenerator, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer('sampled-out-test') };
}

const REMOTE_PARENT: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.NONE,
  isRemote: true,
  traceState: createTraceState('vendor=value'),
};

describe('a span the sampler drops', () => {
  it('has a valid context of its own, the same object on every read, and records nothing', async () => {
    const { tracer, exporter } = tracerWith(new AlwaysOffSampler());
    const span = tracer.startSpan('dropped');
    expect(span).toBeInstanceOf(SampledOutSpan);
    expect(span.isRecording()).toBe(false);
    span.setAttribute('a', 1).setAttributes({ b: 2 }).addEvent('e').setStatus({ code: 2 }).updateName('x');
    span.addLink({ context: REMOTE_PARENT }).addLinks([]);
    span.recordException(new Error('boom'));
    span.end();
    const first = span.spanContext();
    expect(isSpanContextValid(first)).toBe(true);
    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.spanId).toMatch(/^[0-9a-f]{16}$/);
    // A root of the SDK's random generator carries the W3C random flag, not sampled.
    expect(first.traceFlags).toBe(0x02);
    expect(span.spanContext()).toBe(first);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('draws different ids for different spans', () => {
    const { tracer } = tracerWith(new AlwaysOffSampler());
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { traceId, spanId } = tracer.startSpan('dropped').spanContext();
      seen.add(traceId);
      seen.add(spanId);
    }
    expect(seen.size).toBe(400);
  });

  it('keeps its parent trace id and trace state, and its children and injected headers carry its ids', () => {
    const { tracer } = tracerWith(new AlwaysOffSampler());
    const parentContext = trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT);
    const span = tracer.startSpan('dropped', {}, parentContext);
    const own = span.spanContext();
    expect(own.traceId).toBe(REMOTE_PARENT.traceId);
    expect(own.spanId).not.toBe(REMOTE_PARENT.spanId);
    expect(own.traceState?.serialize()).toBe('vendor=value');
    const spanContext = trace.setSpan(parentContext, span);
    const child = tracer.startSpan('child', {}, spanContext);
    const childContext = child.spanContext();
    expect(childContext.traceId).toBe(own.traceId);
    const headers: Record<string, string> = {};
    new W3CTraceContextPropagator().inject(spanContext, headers, { set: (carrier, key, value) => (carrier[key] = value) });
    expect(headers.traceparent).toBe(`00-${own.traceId}-${own.spanId}-00`);
  });

  it('with a user id generator, calls it at start in the same order as for a recorded span', () => {
    const calls: string[] = [];
    let n = 0;
    const generator: IdGenerator = {
      generateTraceId: () => {
        calls.push('trace');
        return (++n).toString(16).padStart(32, '0');
      },
      generateSpanId: () => {
        calls.push('span');
        return (++n).toString(16).padStart(16, '0');
      },
    };
    const { tracer } = tracerWith(new AlwaysOffSampler(), generator);
    const span = tracer.startSpan('dropped');
    expect(calls).toEqual(['trace', 'span']);
    expect(span.spanContext()).toEqual({
      traceId: '00000000000000000000000000000001',
      spanId: '0000000000000002',
      traceFlags: TraceFlags.NONE,
      traceState: undefined,
    });
    expect(calls).toEqual(['trace', 'span']);
  });

  it('gives a sampler that reads the trace id the root trace id its span keeps', () => {
    const seen: string[] = [];
    const sampler: Sampler = {
      shouldSample: (_context, traceId) => {
        seen.push(traceId);
        return { decision: 0 };
      },
      toString: () => 'Recording',
    };
    const { tracer } = tracerWith(sampler);
    const span = tracer.startSpan('dropped');
    expect(seen[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).toBe(seen[0]);
  });
});

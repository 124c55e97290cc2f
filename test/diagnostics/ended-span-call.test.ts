import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '../../src/index.js';
import { endedSpanCallCount, MAX_ENDED_SPAN_LOGS_PER_WINDOW } from '../../src/diagnostics/ended-span-call.js';
import { captureDiag } from '../support/diag-capture.js';

function endedSpan(name: string) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const span = provider.getTracer('ended-span-call-test').startSpan(name);
  span.end();
  return { span, exporter };
}

// One file, one sequence: the rate limit is process-wide, and vitest gives each file its own module state.
describe('calls on a span that has already ended', () => {
  it('name the span (name, span id) and the call, are ignored, and are counted', () => {
    const { span, exporter } = endedSpan('GET');
    const spanId = span.spanContext().spanId;
    const before = endedSpanCallCount();
    const messages = captureDiag(() => {
      span.setAttribute('http.route', '/api/hello');
      span.updateName('GET /api/hello');
      span.addEvent('late event');
      span.setStatus({ code: SpanStatusCode.ERROR });
    });
    expect(messages).toEqual([
      `otelite: a call on a span that has already ended was ignored: setAttribute('http.route') on span "GET" (span id ${spanId}).`,
      `otelite: a call on a span that has already ended was ignored: updateName('GET /api/hello') on span "GET" (span id ${spanId}).`,
      `otelite: a call on a span that has already ended was ignored: addEvent('late event') on span "GET" (span id ${spanId}).`,
      `otelite: a call on a span that has already ended was ignored: setStatus() on span "GET" (span id ${spanId}).`,
    ]);
    expect(endedSpanCallCount()).toBe(before + 4);
    const [finished] = exporter.getFinishedSpans();
    expect(finished.name).toBe('GET');
    expect(finished.attributes['http.route']).toBeUndefined();
    expect(finished.events).toEqual([]);
  });

  it('are rate-limited: past the per-window limit they are only counted', () => {
    const { span } = endedSpan('x'.repeat(500));
    const before = endedSpanCallCount();
    const messages = captureDiag(() => {
      for (let i = 0; i < 100; i++) span.setAttribute(`key.${i}`, i);
    });
    // Four were logged by the test above, in the same window.
    expect(messages).toHaveLength(MAX_ENDED_SPAN_LOGS_PER_WINDOW - 4);
    expect(messages[0]).toContain(`setAttribute('key.0') on span "${'x'.repeat(64)}…"`);
    expect(endedSpanCallCount()).toBe(before + 100);
  });

  it('cost a live span nothing: its calls take effect and report nothing', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('ended-span-call-test').startSpan('live');
    const before = endedSpanCallCount();
    span.setAttribute('http.route', '/items/[id]');
    span.end();
    expect(endedSpanCallCount()).toBe(before);
    expect(exporter.getFinishedSpans()[0].attributes['http.route']).toBe('/items/[id]');
  });
});

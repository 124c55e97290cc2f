import { describe, expect, it } from 'vitest';
import { AlwaysOnSampler, ExportResultCode, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '../../src/index.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('memory') };
}

describe('InMemorySpanExporter', () => {
  it('keeps exported spans in order until reset', async () => {
    const { exporter, provider, tracer } = setup();
    tracer.startSpan('one').end();
    tracer.startSpan('two').end();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['one', 'two']);
    spans.pop();
    expect(exporter.getFinishedSpans()).toHaveLength(2);
    exporter.reset();
    expect(exporter.getFinishedSpans()).toEqual([]);
    tracer.startSpan('three').end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['three']);
  });

  it('stops collecting after shutdown, keeping what it had', async () => {
    const { exporter, tracer } = setup();
    tracer.startSpan('kept').end();
    await exporter.forceFlush();
    await new Promise((resolve) => setImmediate(resolve));
    await exporter.shutdown();
    const result = await exporter.export([]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    tracer.startSpan('ignored').end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['kept']);
  });
});

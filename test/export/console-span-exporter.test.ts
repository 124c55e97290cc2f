import { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AlwaysOnSampler, ConsoleSpanExporter, ExportResultCode, SimpleSpanProcessor, TracerProvider } from '../../src/index.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return () => text;
}

describe('ConsoleSpanExporter', () => {
  it('writes one readable line per span to the given stream', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    const exporter = new ConsoleSpanExporter({ stream });
    const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('console');
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, startTime: 1_000 });
    const child = tracer.startSpan(
      'child',
      { attributes: { 'http.route': '/users/:id', ok: true }, startTime: 1_000 },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.addEvent('retry');
    child.end(1_002.5);
    parent.setStatus({ code: SpanStatusCode.OK });
    parent.end(1_010);
    await provider.forceFlush();
    const lines = output().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const { traceId, spanId } = child.spanContext();
    expect(lines[0]).toBe(
      `child trace=${traceId} span=${spanId} parent=${parent.spanContext().spanId} kind=INTERNAL duration=2.5ms ` +
        `status=ERROR("boom") attributes={"http.route":"/users/:id","ok":true} events=1`,
    );
    expect(lines[1]).toBe(
      `parent trace=${traceId} span=${parent.spanContext().spanId} parent=- kind=SERVER duration=10ms status=OK attributes={}`,
    );
  });

  it('fails, without throwing, when the stream throws, and after shutdown', async () => {
    const exporter = new ConsoleSpanExporter({
      stream: {
        write: () => {
          throw new Error('closed');
        },
      },
    });
    expect((await exporter.export([])).code).toBe(ExportResultCode.FAILED);
    const working = new ConsoleSpanExporter({ stream: new PassThrough() });
    expect((await working.export([])).code).toBe(ExportResultCode.SUCCESS);
    await working.shutdown();
    expect((await working.export([])).code).toBe(ExportResultCode.FAILED);
  });
});

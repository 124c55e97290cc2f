import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AsyncLocalStorageContextManager,
  InMemorySpanExporter,
  instrumentHttp,
  SimpleSpanProcessor,
  TracerProvider,
  type FinishedSpan,
  type HttpInstrumentation,
} from '../../../../../src/index.js';
import { send, serverSpans, startServer } from './http-test-kit.js';

// The response status code goes into the server span by its own path (not setAttribute's): the same
// attribute, in the same place, counted against the same limit as setAttribute would count it.

let instrumentation: HttpInstrumentation | undefined;

afterEach(() => {
  instrumentation?.disable();
  instrumentation = undefined;
  trace.disable();
  context.disable();
  propagation.disable();
});

/** One request to a server that answers 201 (after `handle`), traced with `attributeCountLimit`; its server span. */
async function serverSpanOf(attributeCountLimit: number | undefined, handle: () => void = () => {}): Promise<FinishedSpan> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(attributeCountLimit === undefined ? {} : { spanLimits: { attributeCountLimit } }),
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  instrumentation = instrumentHttp();
  const server = await startServer((_request, response) => {
    handle();
    response.statusCode = 201;
    response.end('made');
  });
  try {
    expect((await send(`${server.origin}/things`)).status).toBe(201);
    for (let i = 0; i < 200 && serverSpans(exporter.getFinishedSpans()).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const spans = serverSpans(exporter.getFinishedSpans());
    expect(spans).toHaveLength(1);
    return spans[0] as FinishedSpan;
  } finally {
    await server.close();
  }
}

describe('the server span status code', () => {
  it('comes last, after the start attributes, and counts as one attribute', async () => {
    const span = await serverSpanOf(undefined);
    const keys = Object.keys(span.attributes);
    expect(keys.at(-1)).toBe('http.response.status_code');
    expect(span.attributes['http.response.status_code']).toBe(201);
    expect(span.droppedAttributesCount).toBe(0);
  });

  it('is dropped and counted when the start attributes already reach the attribute count limit', async () => {
    const unlimited = Object.keys((await serverSpanOf(undefined)).attributes);
    trace.disable();
    context.disable();
    propagation.disable();
    instrumentation?.disable();
    const span = await serverSpanOf(unlimited.length - 1);
    expect(Object.keys(span.attributes)).toEqual(unlimited.slice(0, -1));
    expect(span.attributes['http.response.status_code']).toBeUndefined();
    expect(span.droppedAttributesCount).toBe(1);
  });

  it('replaces one a handler set, in its place, without counting it again', async () => {
    const span = await serverSpanOf(undefined, () => {
      trace.getActiveSpan()?.setAttribute('http.response.status_code', 599);
      trace.getActiveSpan()?.setAttribute('app.after', 'x');
    });
    const keys = Object.keys(span.attributes);
    expect(keys.slice(-2)).toEqual(['http.response.status_code', 'app.after']);
    expect(span.attributes['http.response.status_code']).toBe(201);
    expect(span.droppedAttributesCount).toBe(0);
  });
});

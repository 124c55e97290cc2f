import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider } from '../../../src/index.js';
import { edgePlatform } from '../../../src/platform/edge/edge-platform.js';
import { WaitUntilFlushProcessor } from '../../../src/processing/wait-until-flush-processor.js';
import { currentWaitUntil } from '../../../src/platform/edge/wait-until-flush.js';

// The edge platform (the `edge-light` condition) outside an edge runtime: its parts against the globals
// Next.js's edge sandbox provides (`EdgeRuntime`, `AsyncLocalStorage`, the `@next/request-context`
// request context). The Next.js suite (test/frameworks/next) runs it in Next.js's real edge runtime.

const REQUEST_CONTEXT = Symbol.for('@next/request-context');
const globals = globalThis as Record<string | symbol, unknown>;

afterEach(() => {
  delete globals.EdgeRuntime;
  delete globals.AsyncLocalStorage;
  delete globals[REQUEST_CONTEXT];
});

/** Next.js's request context: an AsyncLocalStorage of `{ waitUntil }` read through `get()`. */
function installRequestContext(): { run<T>(fn: () => T): { result: T; waited: Promise<unknown>[] } } {
  const storage = new AsyncLocalStorage<{ waitUntil: (promise: Promise<unknown>) => void }>();
  globals[REQUEST_CONTEXT] = { get: () => storage.getStore() };
  return {
    run(fn) {
      const waited: Promise<unknown>[] = [];
      const result = storage.run({ waitUntil: (promise) => void waited.push(promise) }, fn);
      return { result, waited };
    },
  };
}

describe('edge platform', () => {
  it('names the runtime in the resource: the EdgeRuntime global, else edge-light', () => {
    expect(edgePlatform.resourceAttributes()['process.runtime.name']).toBe('edge-light');
    globals.EdgeRuntime = 'edge-runtime';
    expect(edgePlatform.resourceAttributes()).toMatchObject({ 'process.runtime.name': 'edge-runtime', 'telemetry.sdk.language': 'webjs' });
  });

  it("keeps the active context across await with the runtime's global AsyncLocalStorage", async () => {
    globals.AsyncLocalStorage = AsyncLocalStorage;
    const manager = edgePlatform.createContextManager();
    const key = Symbol('k');
    const seen = await manager.with(ROOT_CONTEXT.setValue(key, 'v'), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return manager.active().getValue(key);
    });
    expect(seen).toBe('v');
  });

  it("hands a flush to the request's waitUntil when a local root span ends, and only then", async () => {
    const requests = installRequestContext();
    const exporter = new InMemorySpanExporter();
    // One provider with both processors, as init() adds them.
    const edgeProvider: TracerProvider = new TracerProvider({
      spanProcessors: [
        new BatchSpanProcessor(exporter, { scheduledDelayMillis: 600_000 }),
        new WaitUntilFlushProcessor((): Promise<void> => edgeProvider.forceFlush(), currentWaitUntil),
      ],
    });
    const edgeTracer = edgeProvider.getTracer('edge');
    const { waited } = requests.run(() => {
      const root = edgeTracer.startSpan('middleware GET', { kind: SpanKind.INTERNAL });
      edgeTracer.startSpan('child', {}, trace.setSpan(context.active(), root)).end();
      root.end();
    });
    expect(waited).toHaveLength(1);
    await Promise.all(waited);
    expect(
      exporter
        .getFinishedSpans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['child', 'middleware GET']);
    // Outside a request there is no waitUntil: nothing is handed over.
    expect(currentWaitUntil()).toBeUndefined();
    await edgeProvider.shutdown();
  });
});

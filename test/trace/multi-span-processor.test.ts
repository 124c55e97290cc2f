import { ROOT_CONTEXT, type Context, type Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { failureCounts, type FinishedSpan, type SpanProcessor, TracerProvider } from '../../src/index.js';
import { captureDiagEachTest } from '../support/diag-capture.js';

/**
 * The tracer provider composes several `spanProcessors` into one (src/trace/multi-span-processor.ts):
 * tested through the provider, as users meet it.
 */
const messages = captureDiagEachTest();

/** A processor that records what it was called with, and fails in the ways asked. */
function recorder(name: string, calls: string[], fail: { throwOn?: string[]; rejectOn?: string[] } = {}): SpanProcessor {
  const act = (what: string): void => {
    calls.push(`${name}.${what}`);
    if (fail.throwOn?.includes(what)) throw new Error(`${name} ${what} throws`);
  };
  const settle = (what: string): Promise<void> => {
    act(what);
    return fail.rejectOn?.includes(what) ? Promise.reject(new Error(`${name} ${what} rejects`)) : Promise.resolve();
  };
  return {
    onStart: (_span: Span, _context: Context) => act('onStart'),
    onEnd: (_span: FinishedSpan) => act('onEnd'),
    forceFlush: () => settle('forceFlush'),
    shutdown: () => settle('shutdown'),
  };
}

describe('several span processors', () => {
  it('are called in the order given, for start, end, flush and shutdown', async () => {
    const calls: string[] = [];
    const provider = new TracerProvider({ spanProcessors: [recorder('a', calls), recorder('b', calls)] });
    provider.getTracer('t').startSpan('s', {}, ROOT_CONTEXT).end();
    await provider.forceFlush();
    await provider.shutdown();
    expect(calls).toEqual(['a.onStart', 'b.onStart', 'a.onEnd', 'b.onEnd', 'a.forceFlush', 'b.forceFlush', 'a.shutdown', 'b.shutdown']);
  });

  it('one that throws or rejects neither reaches the application nor starves the others', async () => {
    const calls: string[] = [];
    const before = { ...failureCounts() };
    const broken = recorder('broken', calls, { throwOn: ['onStart', 'onEnd', 'forceFlush'], rejectOn: ['shutdown'] });
    const provider = new TracerProvider({ spanProcessors: [broken, recorder('healthy', calls)] });
    expect(() => provider.getTracer('t').startSpan('s').end()).not.toThrow();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    await expect(provider.shutdown()).resolves.toBeUndefined();
    expect(calls.filter((call) => call.startsWith('healthy.'))).toEqual([
      'healthy.onStart',
      'healthy.onEnd',
      'healthy.forceFlush',
      'healthy.shutdown',
    ]);
    const counted = (kind: string): number => (failureCounts()[kind] ?? 0) - (before[kind] ?? 0);
    expect([
      counted('processor.onStart'),
      counted('processor.onEnd'),
      counted('processor.forceFlush'),
      counted('processor.shutdown'),
    ]).toEqual([1, 1, 1, 1]);
    expect(messages.some((message) => message.includes('broken onEnd throws'))).toBe(true);
  });

  it('a later change to the array given does not change the processors', () => {
    const calls: string[] = [];
    const processors = [recorder('a', calls), recorder('b', calls)];
    const provider = new TracerProvider({ spanProcessors: processors });
    processors.push(recorder('late', calls));
    provider.getTracer('t').startSpan('s').end();
    expect(calls).toEqual(['a.onStart', 'b.onStart', 'a.onEnd', 'b.onEnd']);
  });
});

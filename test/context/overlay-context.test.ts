import { ROOT_CONTEXT, context, createContextKey, trace, type Context } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverlayContext, setContextValue } from '../../src/context/overlay-context.js';
import {
  AlwaysOnSampler,
  AsyncLocalStorageContextManager,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '../../src/index.js';

const A = createContextKey('overlay test A');
const B = createContextKey('overlay test B');
const C = createContextKey('overlay test C');

/** What the API's own context holds for the keys, for comparison. */
function read(ctx: Context): unknown[] {
  return [ctx.getValue(A), ctx.getValue(B), ctx.getValue(C)];
}

describe('OverlayContext', () => {
  it('behaves like the API context for every sequence of set and delete, over the root or an API context', () => {
    const operations: Array<(ctx: Context) => Context> = [
      (ctx) => ctx.setValue(A, 1),
      (ctx) => ctx.setValue(B, 'b'),
      (ctx) => ctx.setValue(A, 2),
      (ctx) => ctx.deleteValue(A),
      (ctx) => ctx.deleteValue(C),
      (ctx) => ctx.setValue(C, undefined),
      (ctx) => ctx.setValue(C, null),
      (ctx) => ctx.deleteValue(B),
    ];
    const bases = [ROOT_CONTEXT, ROOT_CONTEXT.setValue(B, 'base').setValue(C, 0)];
    let compared = 0;
    for (const base of bases) {
      // Every sequence of three operations, each starting from an overlay made by setContextValue.
      for (const first of operations) {
        for (const second of operations) {
          for (const third of operations) {
            let expected: Context = base.setValue(A, 'start');
            let actual: Context = setContextValue(base, A, 'start');
            expect(actual).toBeInstanceOf(OverlayContext);
            const seen: Array<[Context, unknown[]]> = [];
            for (const operation of [first, second, third]) {
              expected = operation(expected);
              actual = operation(actual);
              expect(read(actual)).toEqual(read(expected));
              seen.push([actual, read(actual)]);
              compared++;
            }
            // Immutable: the earlier contexts still hold what they held.
            for (const [ctx, values] of seen) expect(read(ctx)).toEqual(values);
          }
        }
      }
    }
    expect(compared).toBe(2 * 8 * 8 * 8 * 3);
    expect(read(bases[1] as Context)).toEqual([undefined, 'base', 0]);
  });

  it('is made only over contexts known to be immutable; others copy themselves through their own setValue', () => {
    let calls = 0;
    const custom: Context = {
      getValue: () => undefined,
      setValue(key, value) {
        calls++;
        return ROOT_CONTEXT.setValue(key, value);
      },
      deleteValue: () => custom,
    };
    const result = setContextValue(custom, A, 1);
    expect(calls).toBe(1);
    expect(result).not.toBeInstanceOf(OverlayContext);
    expect(result.getValue(A)).toBe(1);
    const overlay = setContextValue(ROOT_CONTEXT, A, 1);
    expect(setContextValue(overlay, B, 2)).toBeInstanceOf(OverlayContext);
    expect(read(setContextValue(overlay, B, 2))).toEqual([1, 2, undefined]);
  });

  it('setting a key again replaces its value and leaves the other keys as they were', () => {
    let ctx = setContextValue(ROOT_CONTEXT.setValue(C, 'c'), A, 0);
    ctx = ctx.setValue(B, 'b');
    for (let n = 1; n <= 1000; n++) ctx = ctx.setValue(A, n);
    expect(read(ctx)).toEqual([1000, 'b', 'c']);
    expect(ctx).toBeInstanceOf(OverlayContext);
  });
});

describe('startActiveSpan contexts', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('hold the span, the caller context values, and follow set/delete as the API context does', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('overlay');
    const outerContext = ROOT_CONTEXT.setValue(B, 'caller');
    await context.with(outerContext, () =>
      tracer.startActiveSpan('outer', async (outer) => {
        const active = context.active();
        expect(trace.getSpan(active)).toBe(outer);
        expect(active.getValue(B)).toBe('caller');
        await tracer.startActiveSpan('inner', async (inner) => {
          await Promise.resolve();
          expect(trace.getSpan(context.active())).toBe(inner);
          expect(context.active().getValue(B)).toBe('caller');
          expect(trace.getSpan(trace.deleteSpan(context.active()))).toBeUndefined();
          expect(trace.deleteSpan(context.active()).getValue(B)).toBe('caller');
          inner.end();
        });
        expect(trace.getSpan(context.active())).toBe(outer);
        outer.end();
      }),
    );
    const [inner, outer] = exporter.getFinishedSpans();
    expect(inner?.name).toBe('inner');
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    await provider.shutdown();
  });
});

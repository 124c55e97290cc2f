// context.attach of @opentelemetry/api 1.10 (installed as the test-only alias @opentelemetry/api-1.10)
// with each context manager otelite ships, real async code in between. The repository's own API (1.9)
// and 1.10 share one global registration, as in an application that has both.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';
import {
  context as context110,
  createContextKey,
  diag as diag110,
  DiagLogLevel,
  trace as trace110,
  type Context,
  type ContextManager,
} from '@opentelemetry/api-1.10';
// The managers answer the root context of the API they import (the repository's 1.9).
import { ROOT_CONTEXT, type ContextManager as ContextManager19 } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAsyncStorageContextManager } from '../../src/context/async-storage-context-manager.js';
import { StackContextManager } from '../../src/context/stack-context-manager.js';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '../../src/index.js';
import { AsyncLocalStorageContextManager } from '../../src/platform/node/context/async-local-storage-context-manager.js';

const KEY = createContextKey('attach test');
const contextWith = (value: unknown): Context => ROOT_CONTEXT.setValue(KEY, value);
const current = (): unknown => context110.active().getValue(KEY);

// The managers type-check as both APIs' ContextManager (1.9's has no attach, 1.10's an optional one).
const managers: Array<[string, () => ContextManager & ContextManager19, boolean]> = [
  ['AsyncLocalStorageContextManager (Node, Bun, Deno)', () => new AsyncLocalStorageContextManager().enable(), true],
  ['createAsyncStorageContextManager over AsyncLocalStorage', () => createAsyncStorageContextManager(new AsyncLocalStorage()), true],
  ['StackContextManager (browsers)', () => new StackContextManager().enable(), false],
];

// Everything registers through 1.10 (the first API to register a global fixes the version every
// later registration must have); otelite's 1.9 reads a 1.10 registration, as in an application.
const messages: string[] = [];
beforeEach(() => {
  messages.length = 0;
  const push = (message: string): void => {
    messages.push(message);
  };
  diag110.setLogger({ error: push, warn: push, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
});
afterEach(() => {
  context110.disable();
  diag110.disable();
});

function install(create: () => ContextManager): ContextManager {
  const manager = create();
  context110.disable();
  expect(context110.setGlobalContextManager(manager)).toBe(true);
  return manager;
}

// First: warnOnce is once per process (per test file here), and the per-manager tests misuse tokens too.
describe('context.attach misuse is reported through diag, once', () => {
  it('a double dispose and an out-of-order dispose each log one warning, however often they recur', () => {
    install(() => new AsyncLocalStorageContextManager().enable());
    for (let round = 0; round < 3; round++) {
      const token = context110.attach(contextWith('a'));
      token.dispose();
      token.dispose();
      const below = context110.attach(contextWith('b'));
      const above = context110.attach(contextWith('c'));
      below.dispose();
      above.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
    }
    expect(messages.filter((message) => message.includes('disposed twice'))).toHaveLength(1);
    expect(messages.filter((message) => message.includes('out of order') || message.includes('still active'))).toHaveLength(1);
    expect(messages).toHaveLength(2);
  });

  it('without attach support the API would warn; with otelite it does not', () => {
    install(() => new AsyncLocalStorageContextManager().enable());
    context110.attach(contextWith('a')).dispose();
    expect(messages.filter((message) => message.includes('does not implement attach'))).toEqual([]);
  });
});

for (const [name, create, asyncContext] of managers) {
  describe(`context.attach with ${name}`, () => {
    it('nested tokens restore in order, each to the exact context before it', () => {
      install(create);
      const [a, b, c] = [contextWith('a'), contextWith('b'), contextWith('c')];
      const tokenA = context110.attach(a);
      const tokenB = context110.attach(b);
      const tokenC = context110.attach(c);
      expect(context110.active()).toBe(c);
      tokenC.dispose();
      expect(context110.active()).toBe(b);
      tokenB.dispose();
      expect(context110.active()).toBe(a);
      tokenA.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
      expect(messages).toEqual([]);
    });

    it('the same context attached twice restores in order too', () => {
      install(create);
      const a = contextWith('a');
      const first = context110.attach(a);
      const second = context110.attach(a);
      second.dispose();
      expect(context110.active()).toBe(a);
      first.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
    });

    it('a token disposed twice changes nothing, also after a later attach', () => {
      install(create);
      const [a, b] = [contextWith('a'), contextWith('b')];
      const tokenA = context110.attach(a);
      tokenA.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
      const tokenB = context110.attach(b);
      tokenA.dispose();
      tokenA.dispose();
      expect(context110.active()).toBe(b);
      tokenB.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
    });

    it('a token disposed out of order leaves the later context active; disposing that one restores past both', () => {
      install(create);
      const [a, b, c] = [contextWith('a'), contextWith('b'), contextWith('c')];
      const tokenA = context110.attach(a);
      const tokenB = context110.attach(b);
      const tokenC = context110.attach(c);
      tokenB.dispose();
      expect(context110.active()).toBe(c);
      tokenC.dispose();
      expect(context110.active()).toBe(a);
      tokenA.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);

      const tokenD = context110.attach(b);
      const tokenE = context110.attach(c);
      tokenD.dispose();
      expect(context110.active()).toBe(c);
      tokenE.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
    });

    it('context.with inside and around attached contexts keeps its own semantics', () => {
      install(create);
      const [a, b, x] = [contextWith('a'), contextWith('b'), contextWith('x')];
      const tokenA = context110.attach(a);
      context110.with(x, () => {
        expect(context110.active()).toBe(x);
        const tokenB = context110.attach(b);
        expect(context110.active()).toBe(b);
        context110.with(a, () => expect(context110.active()).toBe(a));
        expect(context110.active()).toBe(b);
        tokenB.dispose();
        expect(context110.active()).toBe(x);
      });
      expect(context110.active()).toBe(a);
      tokenA.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
      expect(messages).toEqual([]);
    });

    it('a span started after attach has the attached span as its parent, and the active span comes back after dispose', async () => {
      install(create);
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const tracer = provider.getTracer('attach');
      const outer = tracer.startSpan('outer');
      const bridged = tracer.startSpan('bridged');
      await null;
      const outerToken = context110.attach(trace110.setSpan(ROOT_CONTEXT, outer));
      await null;
      const token = context110.attach(trace110.setSpan(context110.active(), bridged));
      expect(trace110.getActiveSpan()).toBe(bridged);
      await sleep(1);
      tracer.startSpan('child').end();
      token.dispose();
      expect(trace110.getActiveSpan()).toBe(outer);
      tracer.startSpan('sibling').end();
      outerToken.dispose();
      expect(trace110.getActiveSpan()).toBeUndefined();
      bridged.end();
      outer.end();
      const byName = new Map(exporter.getFinishedSpans().map((span) => [span.name, span]));
      expect(byName.get('child')?.parentSpanContext?.spanId).toBe(bridged.spanContext().spanId);
      expect(byName.get('sibling')?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      await provider.shutdown();
    });

    it('the caveat, as it is: attach before the first await of an async function stays active in the caller until disposed', async () => {
      install(create);
      const leaked = contextWith('leaked');
      let token: { dispose(): void } | undefined;
      async function attachesTooEarly(): Promise<void> {
        token = context110.attach(leaked);
        await null;
      }
      const done = attachesTooEarly();
      expect(context110.active()).toBe(leaked); // the caller now runs in the attached context
      await done;
      expect(current()).toBe('leaked');
      token?.dispose();
      expect(context110.active()).toBe(ROOT_CONTEXT);
    });

    if (asyncContext) {
      it('is active synchronously and after an await in the same async function; dispose restores exactly the previous context', async () => {
        install(create);
        const outer = contextWith('outer');
        await context110.with(outer, async () => {
          await null; // past the first await: the attach cannot reach the caller
          const attached = contextWith('attached');
          const token = context110.attach(attached);
          expect(context110.active()).toBe(attached);
          await sleep(1);
          expect(context110.active()).toBe(attached);
          await nextMacrotask();
          expect(context110.active()).toBe(attached);
          token.dispose();
          expect(context110.active()).toBe(outer);
          await null;
          expect(context110.active()).toBe(outer);
        });
        expect(context110.active()).toBe(ROOT_CONTEXT);
        expect(messages).toEqual([]);
      });

      it('concurrent async executions each keep their own attached context across awaits', async () => {
        install(create);
        const seen = new Map<string, unknown[]>();
        const request = async (name: string, delay: number): Promise<void> => {
          const saw = (): void => {
            seen.set(name, [...(seen.get(name) ?? []), current()]);
          };
          await null;
          const token = context110.attach(contextWith(name));
          await sleep(delay);
          saw();
          await nextMacrotask();
          saw();
          token.dispose();
          saw();
        };
        await Promise.all([request('first', 5), request('second', 1), request('third', 0)]);
        expect(Object.fromEntries(seen)).toEqual({
          first: ['first', 'first', undefined],
          second: ['second', 'second', undefined],
          third: ['third', 'third', undefined],
        });
      });

      it('a callback bridge: attached in one callback, disposed in another that does not descend from it, changes nothing there', async () => {
        install(create);
        const emitter = new EventEmitter();
        const seen: unknown[] = [];
        let token: { dispose(): void } | undefined;
        emitter.on('start', () => {
          token = context110.attach(contextWith('request'));
          seen.push(['start', current()]);
          setImmediate(() => seen.push(['scheduled while attached', current()]));
        });
        emitter.on('end', () => {
          token?.dispose();
          seen.push(['end', current()]);
        });
        await context110.with(contextWith('first caller'), async () => emitter.emit('start'));
        await context110.with(contextWith('second caller'), async () => {
          await nextMacrotask();
          emitter.emit('end');
        });
        expect(seen).toEqual([
          ['start', 'request'],
          ['scheduled while attached', 'request'],
          ['end', 'second caller'],
        ]);
        expect(messages).toEqual([]);
      });
    } else {
      it('without async context, the attached context stays active across awaits for everything until disposed', async () => {
        install(create);
        const token = context110.attach(contextWith('attached'));
        await sleep(1);
        expect(current()).toBe('attached');
        token.dispose();
        expect(context110.active()).toBe(ROOT_CONTEXT);
      });

      it('a disabled StackContextManager attaches nothing', () => {
        const manager = install(create);
        manager.disable();
        const token = context110.attach(contextWith('a'));
        expect(context110.active()).toBe(ROOT_CONTEXT);
        token.dispose();
        expect(context110.active()).toBe(ROOT_CONTEXT);
      });
    }
  });
}

import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createContextKey, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AsyncLocalStorageContextManager,
  enterContext,
} from '../../../../src/platform/node/context/async-local-storage-context-manager.js';

const KEY = createContextKey('test key');
const contextWith = (value: unknown): Context => ROOT_CONTEXT.setValue(KEY, value);

describe('AsyncLocalStorageContextManager', () => {
  let manager: AsyncLocalStorageContextManager;
  const current = (): unknown => manager.active().getValue(KEY);

  beforeEach(() => {
    manager = new AsyncLocalStorageContextManager().enable();
  });
  afterEach(() => {
    manager.disable();
  });

  it('is ROOT_CONTEXT outside of with, and the given context inside', () => {
    expect(manager.active()).toBe(ROOT_CONTEXT);
    const context = contextWith(1);
    manager.with(context, () => {
      expect(manager.active()).toBe(context);
    });
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('nests and restores the outer context, also after a throw', () => {
    manager.with(contextWith('outer'), () => {
      manager.with(contextWith('inner'), () => expect(current()).toBe('inner'));
      expect(current()).toBe('outer');
      expect(() =>
        manager.with(contextWith('failing'), () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(current()).toBe('outer');
    });
  });

  it('passes thisArg and arguments, and returns the result', () => {
    const receiver = { factor: 3 };
    const result = manager.with(
      contextWith('x'),
      function (this: typeof receiver, a: number, b: number) {
        return [this.factor * a + b, current()];
      },
      receiver,
      2,
      1,
    );
    expect(result).toEqual([7, 'x']);
    expect(manager.with(ROOT_CONTEXT, (a: string, b: string) => a + b, undefined, 'a', 'b')).toBe('ab');
  });

  it('follows await, setTimeout, setImmediate, nextTick and promise chains', async () => {
    const seen = await manager.with(contextWith('async'), async () => {
      const values: unknown[] = [];
      await sleep(1);
      values.push(current());
      await new Promise<void>((resolve) => setTimeout(() => (values.push(current()), resolve()), 1));
      await new Promise<void>((resolve) => setImmediate(() => (values.push(current()), resolve())));
      await new Promise<void>((resolve) => process.nextTick(() => (values.push(current()), resolve())));
      await Promise.resolve()
        .then(() => values.push(current()))
        .then(() => sleep(1))
        .then(() => values.push(current()));
      return values;
    });
    expect(seen).toEqual(['async', 'async', 'async', 'async', 'async', 'async']);
    expect(current()).toBeUndefined();
  });

  it('never mixes the contexts of 100 concurrent tasks', async () => {
    const task = async (id: number): Promise<boolean> => {
      let consistent = true;
      for (let step = 0; step < 5; step++) {
        await sleep(Math.floor(Math.random() * 3));
        await new Promise<void>((resolve) => (step % 2 ? setImmediate(resolve) : setTimeout(resolve, 0)));
        if (current() !== id) consistent = false;
        const inner = await manager.with(contextWith(`${id}-inner`), async () => {
          await sleep(0);
          return current();
        });
        if (inner !== `${id}-inner` || current() !== id) consistent = false;
      }
      return consistent;
    };
    const results = await Promise.all(Array.from({ length: 100 }, (_, id) => manager.with(contextWith(id), task, undefined, id)));
    expect(results.every(Boolean)).toBe(true);
  });

  describe('bind of functions', () => {
    it('runs the function in the bound context wherever it is called, keeping this, arguments and length', async () => {
      const bound = manager.bind(contextWith('bound'), function (this: unknown, a: number, b: number) {
        return { self: this, sum: a + b, value: current() };
      });
      expect(bound.length).toBe(2);
      const receiver = {};
      expect(manager.with(contextWith('other'), () => bound.call(receiver, 1, 2))).toEqual({ self: receiver, sum: 3, value: 'bound' });
      const later = await new Promise((resolve) => setTimeout(() => resolve(bound(0, 0).value), 1));
      expect(later).toBe('bound');
    });

    it('returns values that are neither functions nor emitters unchanged', () => {
      const value = { a: 1 };
      expect(manager.bind(contextWith(1), value)).toBe(value);
      expect(manager.bind(contextWith(1), 5)).toBe(5);
    });
  });

  describe('bind of event emitters', () => {
    it('runs listeners added with every method in the bound context', () => {
      const emitter = manager.bind(contextWith('emitter'), new EventEmitter());
      const seen: string[] = [];
      emitter.on('e', () => seen.push(`on:${current()}`));
      emitter.addListener('e', () => seen.push(`addListener:${current()}`));
      emitter.once('e', () => seen.push(`once:${current()}`));
      emitter.prependListener('e', () => seen.push(`prependListener:${current()}`));
      emitter.prependOnceListener('e', () => seen.push(`prependOnceListener:${current()}`));
      manager.with(contextWith('emit-site'), () => emitter.emit('e'));
      expect(seen).toEqual(['prependOnceListener:emitter', 'prependListener:emitter', 'on:emitter', 'addListener:emitter', 'once:emitter']);
      seen.length = 0;
      emitter.emit('e');
      expect(seen).toEqual(['prependListener:emitter', 'on:emitter', 'addListener:emitter']);
    });

    it('passes arguments and this to listeners', () => {
      const emitter = manager.bind(contextWith('x'), new EventEmitter());
      let received: unknown[] = [];
      emitter.on('e', function (this: unknown, ...args: unknown[]) {
        received = [this, ...args];
      });
      emitter.emit('e', 1, 'two');
      expect(received).toEqual([emitter, 1, 'two']);
    });

    it('removes listeners by their original function with removeListener, off and removeAllListeners', () => {
      const emitter = manager.bind(contextWith('x'), new EventEmitter());
      let calls = 0;
      const listener = (): void => {
        calls++;
      };
      emitter.on('a', listener);
      emitter.removeListener('a', listener);
      emitter.on('b', listener);
      emitter.off('b', listener);
      emitter.once('c', listener);
      emitter.removeListener('c', listener);
      emitter.prependOnceListener('c', listener);
      emitter.off('c', listener);
      emitter.emit('a');
      emitter.emit('b');
      emitter.emit('c');
      expect(calls).toBe(0);
      expect(emitter.listenerCount('a') + emitter.listenerCount('b') + emitter.listenerCount('c')).toBe(0);

      emitter.on('d', listener);
      emitter.on('d', listener);
      emitter.on('e', listener);
      emitter.removeListener('d', listener);
      expect(emitter.listenerCount('d')).toBe(1);
      emitter.removeListener('d', listener);
      expect(emitter.listenerCount('d')).toBe(0);
      emitter.removeAllListeners('e');
      expect(emitter.listenerCount('e')).toBe(0);
      emitter.on('f', listener).on('g', listener);
      emitter.removeAllListeners();
      expect(emitter.eventNames()).toEqual([]);
      emitter.on('f', listener);
      emitter.emit('f');
      expect(calls).toBe(1);
    });

    it('keeps the first bound context when bound twice, and works with events.once', async () => {
      const emitter = manager.bind(contextWith('first'), new EventEmitter());
      expect(manager.bind(contextWith('second'), emitter)).toBe(emitter);
      let value: unknown;
      emitter.on('e', () => (value = current()));
      const waiting = once(emitter, 'e');
      emitter.emit('e', 42);
      expect(await waiting).toEqual([42]);
      expect(value).toBe('first');
    });
  });

  it('disable clears the active context and returns the manager; enable twice is harmless', () => {
    expect(manager.enable().enable()).toBe(manager);
    manager.with(contextWith('x'), () => {
      expect(manager.disable()).toBe(manager);
      expect(manager.active()).toBe(ROOT_CONTEXT);
    });
    manager.enable();
    manager.with(contextWith('y'), () => expect(current()).toBe('y'));
  });

  it('keeps two managers independent', () => {
    const other = new AsyncLocalStorageContextManager().enable();
    manager.with(contextWith('mine'), () => {
      expect(other.active()).toBe(ROOT_CONTEXT);
    });
    other.disable();
  });
});

describe('enterContext', () => {
  const key = createContextKey('enter-test');

  it('enters the most recently enabled manager, and falls back when that one is disabled', async () => {
    const first = new AsyncLocalStorageContextManager().enable();
    const second = new AsyncLocalStorageContextManager().enable();
    try {
      const entered = ROOT_CONTEXT.setValue(key, 'second');
      await second.with(ROOT_CONTEXT, async () => {
        expect(enterContext(entered)).toBe(true);
        await sleep(1);
        expect(second.active()).toBe(entered);
      });

      // A second register() is refused by the API and disables its manager: the first one is global again.
      second.disable();
      const fallback = ROOT_CONTEXT.setValue(key, 'first');
      await first.with(ROOT_CONTEXT, async () => {
        expect(enterContext(fallback)).toBe(true);
        await sleep(1);
        expect(first.active()).toBe(fallback);
      });
    } finally {
      first.disable();
      second.disable();
    }
    expect(enterContext(ROOT_CONTEXT.setValue(key, 'none'))).toBe(false);
  });
});

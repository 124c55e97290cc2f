import { type ContextManager, context, diag } from '@opentelemetry/api';
import { afterAll, beforeAll } from 'vitest';
import { AsyncLocalStorageContextManager } from '../../src/index.js';

/**
 * Registers otelite's AsyncLocalStorage context manager as the API's global one for the calling test
 * file, and after the file disables it and any diag logger a test installed.
 */
export function useGlobalContextManager(): void {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
    diag.disable();
  });
}

/**
 * A context manager whose `active()` and `with()` throw `error` (a broken user implementation), for
 * tests that register it globally and check that telemetry goes on without it.
 */
export function throwingContextManager(error: Error): ContextManager {
  return {
    active: () => {
      throw error;
    },
    with: () => {
      throw error;
    },
    bind: (_context, target) => target,
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  };
}

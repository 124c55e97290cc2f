import { trace, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { TracerProvider } from '../../src/index.js';

// The unit suite runs twice: against the peer as installed (@opentelemetry/api 1.9) and with
// vitest.api-1.10.config.ts, which resolves every import of the API to 1.10. This file proves which one
// a run really loaded, for the tests and for src/ alike.
const expected = process.env.OTELITE_EXPECTED_API_VERSION ?? '1.9.0';
const GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

function registeredVersion(): string | undefined {
  return (globalThis as Record<symbol, { version?: string } | undefined>)[GLOBAL_KEY]?.version;
}

afterEach(() => {
  trace.disable();
});

describe('the @opentelemetry/api this run resolves', () => {
  it(`is ${expected} in the tests: the global the tests' API instance registers carries its version`, () => {
    // The API records the version of the first instance that registers a global (the package exports
    // no VERSION); a later instance of another version is refused. Start from no globals, register, read.
    trace.disable();
    delete (globalThis as Record<symbol, unknown>)[GLOBAL_KEY];
    expect(trace.setGlobalTracerProvider(new TracerProvider() as ApiTracerProvider)).toBe(true);
    expect(registeredVersion()).toBe(expected);
  });

  it(`is ${expected} in src/: the global otelite registers carries the version of the API instance src imported`, () => {
    trace.disable();
    delete (globalThis as Record<symbol, unknown>)[GLOBAL_KEY];
    const provider = new TracerProvider();
    expect(provider.register({ contextManager: null, propagator: null })).toBe(true);
    expect(registeredVersion()).toBe(expected);
    expect(trace.getTracerProvider()).toBeDefined();
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(true);
  });
});

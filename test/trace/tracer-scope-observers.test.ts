import { describe, expect, it } from 'vitest';
import { TracerProvider } from '../../src/index.js';
import { observeTracerScopes } from '../../src/trace/tracer-scope-observers.js';

describe('tracer scope observers', () => {
  it('hear each new tracer scope once per provider, survive a throwing observer, and can stop', () => {
    const heard: string[] = [];
    const stopThrowing = observeTracerScopes(() => {
      throw new Error('observer failure');
    });
    const stop = observeTracerScopes((name) => heard.push(name));
    const provider = new TracerProvider();
    provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
    provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0'); // cached: not heard again
    provider.getTracer('mine');
    expect(heard).toEqual(['@opentelemetry/instrumentation-http', 'mine']);
    stop();
    stopThrowing();
    provider.getTracer('later');
    expect(heard).toEqual(['@opentelemetry/instrumentation-http', 'mine']);
  });
});

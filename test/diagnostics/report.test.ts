import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureDiagEachTest } from '../support/diag-capture.js';

/** The module keeps per-process state (counts, windows, remembered warnings): each test gets a fresh copy. */
async function freshReport() {
  vi.resetModules();
  return import('../../src/diagnostics/report.js');
}

const messages = captureDiagEachTest(DiagLogLevel.WARN);

afterEach(() => vi.useRealTimers());

describe('reportError', () => {
  it('counts every failure and logs at most MAX_LOGS_PER_WINDOW per kind and window, then says how many were not logged', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const report = await freshReport();
    for (let i = 0; i < 12; i++) report.reportError('export', new Error(`refused ${i}`));
    report.reportError('processor.onEnd', new Error('other kind'));
    expect(report.failureCounts()).toEqual({ export: 12, 'processor.onEnd': 1 });
    expect(messages.filter((m) => m.startsWith('otelite: export failed'))).toHaveLength(report.MAX_LOGS_PER_WINDOW);
    expect(messages).toContain('otelite: processor.onEnd failed: other kind');

    vi.setSystemTime(1_000_000 + report.LOG_WINDOW_MILLIS);
    report.reportError('export', new Error('after the window'), 'posting');
    expect(messages).toContain(`otelite: ${12 - report.MAX_LOGS_PER_WINDOW} more "export" failures were not logged in the last window`);
    expect(messages.at(-1)).toBe('otelite: export failed (posting): after the window');
    expect(report.failureCounts().export).toBe(13);
  });

  it('reports one error object once, however many layers pass it on', async () => {
    const report = await freshReport();
    const error = new Error('once');
    report.reportError('export', error);
    report.reportError('processor.export', error);
    expect(report.failureCounts()).toEqual({ export: 1 });
    expect(messages).toEqual(['otelite: export failed: once']);
  });

  it('describes non-errors and never throws, even with a logger that throws', async () => {
    const report = await freshReport();
    report.reportError('propagator.extract', 'a string');
    report.reportError('propagator.extract', {
      toString: () => {
        throw new Error('no');
      },
    });
    expect(messages[0]).toBe('otelite: propagator.extract failed: a string');
    expect(messages[1]).toBe('otelite: propagator.extract failed: unknown error');
    diag.setLogger(
      {
        error: () => {
          throw new Error('broken logger');
        },
        warn: () => {
          throw new Error('broken');
        },
        info() {},
        debug() {},
        verbose() {},
      },
      { suppressOverrideMessage: true },
    );
    expect(() => report.reportError('export', new Error('x'))).not.toThrow();
    expect(() => report.warnOnce('y')).not.toThrow();
    expect(report.failureCounts()['export']).toBe(1);
  });

  it('failureCounts returns a copy', async () => {
    const report = await freshReport();
    report.reportError('export', new Error('a'));
    const counts = report.failureCounts();
    counts.export = 99;
    expect(report.failureCounts().export).toBe(1);
  });
});

describe('warnOnce', () => {
  it('logs a message the first time only', async () => {
    const report = await freshReport();
    report.warnOnce('OTEL_X="y" is not valid; using 1.');
    report.warnOnce('OTEL_X="y" is not valid; using 1.');
    report.warnOnce('another');
    expect(messages).toEqual(['otelite: OTEL_X="y" is not valid; using 1.', 'otelite: another']);
  });

  it('after MAX_REMEMBERED_WARNINGS distinct messages still logs new ones, and repeats of those too (memory stays bounded)', async () => {
    const report = await freshReport();
    const limit = report.MAX_REMEMBERED_WARNINGS;
    for (let i = 0; i < limit; i++) report.warnOnce(`distinct ${i}`);
    expect(messages).toHaveLength(limit);
    messages.length = 0;
    report.warnOnce('distinct 0');
    report.warnOnce('beyond');
    report.warnOnce('beyond');
    expect(messages).toEqual(['otelite: beyond', 'otelite: beyond']);
  });
});

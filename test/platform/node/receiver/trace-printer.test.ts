import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toReceivedSpans, type ReceivedSpan } from '../../../../src/platform/node/receiver/index.js';
import { createTracePrinter, type TracePrinterSettings } from '../../../../src/platform/node/receiver/trace-printer.js';
import { buildRequest, collectingSink, TRACE_A, TRACE_B } from './otlp-fixtures.js';

const SETTINGS: TracePrinterSettings = { traceIdleMillis: 500, maxPendingTraces: 100, maxPendingSpans: 100, color: undefined };

function span(traceId: string, spanId: string, name: string): ReceivedSpan[] {
  return toReceivedSpans(buildRequest('svc', [{ traceId, spanId, name, durationMillis: 1 }])).spans;
}

function traceId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createTracePrinter', () => {
  it('prints a trace once no span of it arrived for traceIdleMillis', () => {
    const sink = collectingSink();
    const printer = createTracePrinter(sink, SETTINGS);
    printer.add(span(TRACE_A, 'a000000000000001', 'first'));
    vi.advanceTimersByTime(400);
    printer.add(span(TRACE_A, 'a000000000000002', 'second'));
    vi.advanceTimersByTime(400);
    expect(sink.text()).toBe('');
    expect(printer.pendingTraces).toBe(1);

    vi.advanceTimersByTime(100);
    expect(sink.text()).toMatch(new RegExp(`^trace ${TRACE_A} · 2 spans · svc\\nfirst .*\\nsecond .*\\n\\n$`));
    expect(printer.pendingTraces).toBe(0);
  });

  it('prints each trace separately, each on its own timer', () => {
    const sink = collectingSink();
    const printer = createTracePrinter(sink, SETTINGS);
    printer.add(span(TRACE_A, 'a000000000000001', 'a'));
    vi.advanceTimersByTime(300);
    printer.add(span(TRACE_B, 'b000000000000001', 'b'));
    vi.advanceTimersByTime(200);
    expect(sink.text()).toContain(`trace ${TRACE_A}`);
    expect(sink.text()).not.toContain(`trace ${TRACE_B}`);
    vi.advanceTimersByTime(300);
    expect(sink.text()).toContain(`trace ${TRACE_B}`);
  });

  it('prints at once with traceIdleMillis 0, and colours a TTY with colours', () => {
    const sink = Object.assign(collectingSink(), { isTTY: true, hasColors: () => true });
    createTracePrinter(sink, { ...SETTINGS, traceIdleMillis: 0 }).add(span(TRACE_A, 'a000000000000001', 'now'));
    expect(sink.text()).toContain('\x1b[1mnow\x1b[0m');

    const noColors = Object.assign(collectingSink(), { isTTY: true, hasColors: () => false });
    createTracePrinter(noColors, { ...SETTINGS, traceIdleMillis: 0 }).add(span(TRACE_A, 'a000000000000001', 'now'));
    expect(noColors.text()).not.toContain('\x1b[');
  });

  it('prints the oldest trace early when too many traces or spans are pending', () => {
    const sink = collectingSink();
    const printer = createTracePrinter(sink, { ...SETTINGS, maxPendingTraces: 2, maxPendingSpans: 3 });
    printer.add([...span(traceId(1), 'a000000000000001', 'one'), ...span(traceId(2), 'a000000000000002', 'two')]);
    printer.add(span(traceId(3), 'a000000000000003', 'three'));
    expect(sink.text()).toContain(`trace ${traceId(1)}`);
    expect(printer.pendingTraces).toBe(2);

    printer.add([...span(traceId(3), 'a000000000000004', 'three-b'), ...span(traceId(3), 'a000000000000005', 'three-c')]);
    expect(sink.text()).toContain(`trace ${traceId(2)}`);
    expect(printer.pendingTraces).toBe(1);

    printer.flush();
    expect(sink.text().match(/^trace /gm)).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports a throwing sink instead of throwing', () => {
    const printer = createTracePrinter(
      {
        write() {
          throw new Error('closed');
        },
      },
      { ...SETTINGS, traceIdleMillis: 0 },
    );
    expect(() => printer.add(span(TRACE_A, 'a000000000000001', 'x'))).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { formatDuration, formatTraceTree, toReceivedSpans, type ReceivedSpan } from '../../../../src/platform/node/receiver/index.js';
import { Span_SpanKind, Status_StatusCode } from '../../../../src/proto.js';
import { buildRequest, TRACE_A } from './otlp-fixtures.js';

function checkoutTrace(): ReceivedSpan[] {
  const checkout = toReceivedSpans(
    buildRequest('checkout', [
      {
        spanId: 'a000000000000003',
        parentSpanId: 'a000000000000001',
        name: 'charge card',
        startMillis: 6,
        durationMillis: 1,
        status: { code: Status_StatusCode.ERROR, message: 'card declined' },
        attributes: { 'error.type': 'CardError' },
      },
      {
        spanId: 'a000000000000002',
        parentSpanId: 'a000000000000001',
        name: 'GET',
        kind: Span_SpanKind.CLIENT,
        startMillis: 1,
        durationMillis: 4.1,
        attributes: { 'http.request.method': 'GET', 'url.full': 'http://inventory.test/stock', 'url.path': '/stock', 'user.id': 'u1' },
      },
      {
        spanId: 'a000000000000001',
        name: 'GET /cart',
        kind: Span_SpanKind.SERVER,
        durationMillis: 12.346,
        status: { code: Status_StatusCode.OK },
        attributes: { 'http.request.method': 'GET', 'http.route': '/cart', 'http.response.status_code': 200 },
      },
    ]),
  ).spans;
  const inventory = toReceivedSpans(
    buildRequest('inventory', [
      {
        spanId: 'b000000000000001',
        parentSpanId: 'a000000000000002',
        name: 'GET /stock',
        kind: Span_SpanKind.SERVER,
        startMillis: 1.5,
        durationMillis: 3.02,
        attributes: { 'http.request.method': 'GET', 'http.route': '/stock' },
      },
    ]),
  ).spans;
  return [...checkout, ...inventory];
}

describe('formatTraceTree', () => {
  it('prints children under parents in start order, with kind, service, duration, status and key attributes', () => {
    expect(formatTraceTree(checkoutTrace())).toBe(
      [
        `trace ${TRACE_A} · 4 spans · checkout, inventory`,
        'GET /cart  SERVER  [checkout]  12.35 ms  OK  http.request.method=GET http.route=/cart http.response.status_code=200',
        '├─ GET  CLIENT  [checkout]  4.10 ms  http.request.method=GET url.full=http://inventory.test/stock',
        '│  └─ GET /stock  SERVER  [inventory]  3.02 ms  http.request.method=GET http.route=/stock',
        '└─ charge card  INTERNAL  [checkout]  1.00 ms  ERROR: card declined  error.type=CardError',
        '',
      ].join('\n'),
    );
  });

  it('prints a span whose parent has not arrived at the root level, marked as an orphan', () => {
    const withoutRoot = checkoutTrace().filter((span) => span.name !== 'GET /cart');
    const lines = formatTraceTree(withoutRoot).split('\n');
    expect(lines[0]).toBe(`trace ${TRACE_A} · 3 spans · checkout, inventory`);
    expect(lines[1]).toBe(
      'GET  CLIENT  [checkout]  4.10 ms  http.request.method=GET url.full=http://inventory.test/stock  (orphan: parent a000000000000001 not received)',
    );
    expect(lines[2]).toBe('└─ GET /stock  SERVER  [inventory]  3.02 ms  http.request.method=GET http.route=/stock');
    expect(lines[3]).toBe(
      'charge card  INTERNAL  [checkout]  1.00 ms  ERROR: card declined  error.type=CardError  (orphan: parent a000000000000001 not received)',
    );
  });

  it('shows url.path when there is no url.full, and marks a continued trace', () => {
    const [span] = toReceivedSpans(
      buildRequest('api', [{ spanId: 'c000000000000001', name: 'GET', durationMillis: 0.0423, attributes: { 'url.path': '/x' } }]),
    ).spans;
    expect(formatTraceTree([span!], { continued: true })).toBe(
      `trace ${TRACE_A} (continued) · 1 span · api\nGET  INTERNAL  [api]  0.042 ms  url.path=/x\n`,
    );
  });

  it('colours only when asked', () => {
    expect(formatTraceTree(checkoutTrace())).not.toContain('\x1b[');
    const coloured = formatTraceTree(checkoutTrace(), { color: true });
    expect(coloured).toContain('\x1b[31mERROR: card declined\x1b[0m');
    expect(coloured).toContain('\x1b[32mOK\x1b[0m');
  });

  it('keeps hostile text on one line and survives parent cycles and deep chains', () => {
    const cycle = toReceivedSpans(
      buildRequest('evil\x1b[2J', [
        { spanId: 'd000000000000001', parentSpanId: 'd000000000000002', name: 'one\nline', durationMillis: 1 },
        { spanId: 'd000000000000002', parentSpanId: 'd000000000000001', name: 'two', durationMillis: 1 },
      ]),
    ).spans;
    const text = formatTraceTree(cycle);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('one?line');
    expect(text).toContain('[evil?[2J]');
    expect(text).not.toContain('\x1b');

    const chain = Array.from({ length: 500 }, (_, i) => ({
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: i === 0 ? undefined : i.toString(16).padStart(16, '0'),
      name: `s${i}`,
      startMillis: i,
      durationMillis: 1,
    }));
    const lines = formatTraceTree(toReceivedSpans(buildRequest('deep', chain)).spans).split('\n');
    expect(lines).toHaveLength(502);
    expect(lines[1]).toMatch(/^s0 /);
    expect(lines.at(-2)!.length).toBeLessThan(200); // indentation stops growing
  });
});

describe('formatDuration', () => {
  it('uses about four significant digits in milliseconds', () => {
    expect(formatDuration(0.0421)).toBe('0.042 ms');
    expect(formatDuration(4.1)).toBe('4.10 ms');
    expect(formatDuration(250)).toBe('250.0 ms');
    expect(formatDuration(12_345.6)).toBe('12346 ms');
    expect(formatDuration(Number.NaN)).toBe('? ms');
  });
});

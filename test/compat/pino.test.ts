import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/platform/node/receiver/index.js';
import { onlySpan, runApp, startCompatReceiver } from './compat-harness.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startCompatReceiver();
});
afterAll(async () => {
  await receiver.close();
});

describe('pino + instrumentation-pino, with --require otelite/register', () => {
  it('puts the active span’s trace_id and span_id into log lines, and nothing outside a span', async () => {
    const run = await runApp(receiver, 'pino-app.cjs', { nodeArguments: ['--require', 'otelite/register'] });
    expect(run.code).toBe(0);
    const report = run.report as { lines: Array<Record<string, unknown>>; traceId: string; spanId: string };
    const work = onlySpan(run.spans, (span) => span.name === 'work', 'work span');
    expect([work.traceId, work.spanId]).toEqual([report.traceId, report.spanId]);
    const outside = report.lines.find((line) => line.msg === 'outside')!;
    const inside = report.lines.find((line) => line.msg === 'inside')!;
    expect(outside.trace_id).toBeUndefined();
    expect(inside.trace_id).toBe(work.traceId);
    expect(inside.span_id).toBe(work.spanId);
    // otelite's root spans carry the W3C random flag next to sampled: 0x03.
    expect(inside.trace_flags).toBe('03');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../../src/platform/node/receiver/index.js';
import { line3Version, onlySpan, parentOf, runApp, startCompatReceiver } from '../compat-harness.js';

// Line 3 only (vitest.compat-3.config.ts): context.attach exists from @opentelemetry/api 1.10.
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startCompatReceiver();
});
afterAll(async () => {
  await receiver.close();
});

describe('context.attach through an instrumentation-style bridge (attach in one callback, dispose in another)', () => {
  it('parents the work inside each job to the job span, restores the previous span at each dispose, nested in order', async () => {
    expect(line3Version('@opentelemetry/api')).toBe('1.10.0');
    const run = await runApp(receiver, 'attach-bridge-app.cjs');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = run.report as {
      seen: Record<string, string | boolean | null>;
      response: { serverActive: string };
      apiVersion: string;
      diagnostics: string[];
    };
    // otelite registered the globals through its own import of the API: that import is 1.10.
    expect(report.apiVersion).toBe('1.10.0');
    expect(report.diagnostics).toEqual([]);
    const { spans } = run;
    const caller = onlySpan(spans, (span) => span.name === 'caller', 'caller span');
    const outer = onlySpan(spans, (span) => span.name === 'job outer', 'outer job span');
    const inner = onlySpan(spans, (span) => span.name === 'job inner', 'inner job span');
    const step = onlySpan(spans, (span) => span.name === 'step', 'step span');
    const withJob = onlySpan(spans, (span) => span.name === 'job with', 'with job span');
    expect(outer.parentSpanId).toBe(caller.spanId);
    expect(inner.parentSpanId).toBe(outer.spanId);
    expect(step.parentSpanId).toBe(inner.spanId);
    expect(withJob.parentSpanId).toBe(caller.spanId);
    expect(report.seen).toEqual({
      caller: caller.spanId,
      inOuter: outer.spanId,
      inInner: inner.spanId,
      stepParent: inner.spanId,
      afterInner: outer.spanId,
      afterOuter: caller.spanId,
      insideWith: caller.spanId,
      afterWith: true,
    });

    // The request made inside the outer job: its CLIENT span is the job's child, the SERVER span the client's.
    const server = onlySpan(spans, (span) => span.kind === 'SERVER', 'SERVER span');
    const client = parentOf(spans, server)!;
    expect(client.kind).toBe('CLIENT');
    expect(client.parentSpanId).toBe(outer.spanId);
    expect(report.response.serverActive).toBe(server.spanId);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  });
});

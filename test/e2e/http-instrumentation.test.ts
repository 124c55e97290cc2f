import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { built, root, skippedWithoutBuild } from './run-fixture.js';

// The consumer files import the BUILT package by name, as users do, and run with plain `node`; they
// use dist/ as `npm run build` left it (the suite never builds).

interface ConsumerSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
}

interface ConsumerOutput {
  format: string;
  body: string;
  spans: ConsumerSpan[];
  received: Array<{ url: string; traceparent: string | null }>;
}

function runConsumer(file: string): Promise<ConsumerOutput> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, 'test/e2e/fixtures', file)], { cwd: root, timeout: 20_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as ConsumerOutput);
    });
  });
}

describe.skipIf(!built).each(['http-consumer.mjs', 'http-consumer.cjs'])(`%s${skippedWithoutBuild}`, (file) => {
  it('produces one linked trace: caller → server → fetch and http.get → downstream servers', async () => {
    const output = await runConsumer(file);
    expect(output.body).toBe('done');
    const { spans } = output;
    expect(spans).toHaveLength(6);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: ConsumerSpan): ConsumerSpan | undefined =>
      span.parentSpanId === null ? undefined : byId.get(span.parentSpanId);

    const front = spans.find((span) => span.kind === 1 && span.attributes['url.path'] === '/work')!;
    const caller = parentOf(front)!;
    expect(caller.kind).toBe(2);
    expect(caller.parentSpanId).toBeNull();
    for (const path of ['/by-fetch', '/by-get']) {
      const downstream = spans.find((span) => span.kind === 1 && span.attributes['url.path'] === path)!;
      const client = parentOf(downstream)!;
      expect(client.kind).toBe(2);
      expect(String(client.attributes['url.full']).endsWith(path)).toBe(true);
      expect(client.parentSpanId).toBe(front.spanId);
      const received = output.received.find((request) => request.url === path)!;
      const [version, traceId, spanId, flags] = String(received.traceparent).split('-');
      expect([version, traceId, spanId]).toEqual(['00', client.traceId, client.spanId]);
      expect(parseInt(flags, 16) & 1).toBe(1); // sampled
    }
  });
});

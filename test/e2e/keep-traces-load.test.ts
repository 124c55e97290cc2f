import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { failureCounts } from '../../src/diagnostics/report.js';
import {
  AlwaysRecordSampler,
  instrumentHttp,
  KeepTracesProcessor,
  OTLPTraceExporter,
  ParentBasedSampler,
  ProbabilitySampler,
  resourceFromAttributes,
  suppressTracing,
  TracerProvider,
  type HttpInstrumentation,
} from '../../src/index.js';
import { KEEP_TRACES_EVICTED } from '../../src/processing/keep-traces.js';
import { startReceiver, type Receiver } from '../../src/platform/node/receiver/index.js';
import { tearDownTracing } from '../platform/node/instrumentation/http/http-test-kit.js';

// 1,000 requests against a real node:http server on 127.0.0.1, traced by the HTTP instrumentation, with
// AlwaysRecord under a 10% head sampler and the keep-traces processor exporting over OTLP/HTTP to the
// embedded receiver. Every request does nested work; some fail in a child span, some with a 500.

const REQUESTS = 1000;
const CONCURRENCY = 25;

/** Whether request `i` fails, and how: a child span with status Error (response 200), or a 500. */
function failureOf(i: number): 'child' | 'response' | undefined {
  if (i % 10 === 3) return 'child';
  if (i % 37 === 0) return 'response';
  return undefined;
}

interface Peak {
  heldSpans: number;
  openFragments: number;
}

let receiver: Receiver | undefined;
let server: http.Server | undefined;
let instrumentation: HttpInstrumentation | undefined;
let provider: TracerProvider | undefined;

afterEach(async () => {
  instrumentation?.disable();
  server?.closeAllConnections();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  await provider?.shutdown();
  tearDownTracing();
  await receiver?.close();
  receiver = server = instrumentation = provider = undefined;
});

async function runLoad(options: {
  maxFragments: number;
  maxSpans: number;
  serviceName: string;
}): Promise<{ peak: Peak; processor: KeepTracesProcessor }> {
  receiver = await startReceiver({ port: 0, print: false, maxRetainedSpans: 20_000 });
  const processor = new KeepTracesProcessor({
    exporter: new OTLPTraceExporter({ url: receiver.tracesUrl }),
    maxFragments: options.maxFragments,
    maxSpans: options.maxSpans,
  });
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new AlwaysRecordSampler(new ParentBasedSampler({ root: new ProbabilitySampler({ ratio: 0.1 }) })),
    spanProcessors: [processor],
  });
  provider.register();
  instrumentation = instrumentHttp();
  const tracer = trace.getTracer('load');
  const peak: Peak = { heldSpans: 0, openFragments: 0 };
  server = http.createServer((request, response) => {
    const i = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('i'));
    void tracer.startActiveSpan('load-data', async (outer) => {
      await new Promise((resolve) => setImmediate(resolve));
      tracer.startSpan('parse').end();
      const inner = tracer.startSpan('query');
      await new Promise((resolve) => setImmediate(resolve));
      if (failureOf(i) === 'child') inner.setStatus({ code: SpanStatusCode.ERROR, message: 'query failed' });
      inner.end();
      outer.end();
      peak.heldSpans = Math.max(peak.heldSpans, processor.heldSpansCount);
      peak.openFragments = Math.max(peak.openFragments, processor.openFragmentsCount);
      response.statusCode = failureOf(i) === 'response' ? 500 : 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      const i = next++;
      // The load generator itself is not traced: each server span is a root.
      await context.with(
        suppressTracing(ROOT_CONTEXT),
        () =>
          new Promise<void>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, path: `/item?i=${i}`, agent }, (res) => res.resume().on('end', resolve))
              .on('error', reject);
          }),
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  await provider.forceFlush();
  return { peak, processor };
}

describe('KeepTracesProcessor under load', () => {
  it('exports every errored trace whole and drops the unsampled rest, holding memory within its caps', async () => {
    const evictedBefore = failureCounts()[KEEP_TRACES_EVICTED] ?? 0;
    const { peak, processor } = await runLoad({ maxFragments: 256, maxSpans: 2048, serviceName: 'keep-load' });
    const spans = receiver!.spans().filter((span) => span.serviceName === 'keep-load');
    const servers = spans.filter((span) => span.kind === 'SERVER');
    const byTrace = receiver!.traces();
    const indexOf = (span: (typeof servers)[number]): number => Number(String(span.attributes['url.query']).slice(2));

    const exported = new Set(servers.map(indexOf));
    let errored = 0;
    let headSampled = 0;
    for (let i = 0; i < REQUESTS; i++) if (failureOf(i) !== undefined) errored++;
    for (const serverSpan of servers) {
      const i = indexOf(serverSpan);
      const sampled = (serverSpan.span.flags & 1) === 1;
      // Only errored or head-sampled traces are exported ...
      expect(failureOf(i) !== undefined || sampled, `request ${i}`).toBe(true);
      if (failureOf(i) === undefined) headSampled++;
      // ... and whole: the server span, load-data, parse and query.
      const names = byTrace
        .get(serverSpan.traceId)!
        .map((span) => span.name)
        .sort();
      expect(names, `request ${i}`).toEqual(['GET', 'load-data', 'parse', 'query']);
    }
    for (let i = 0; i < REQUESTS; i++) if (failureOf(i) !== undefined) expect(exported.has(i), `errored request ${i}`).toBe(true);
    expect(servers).toHaveLength(errored + headSampled);
    expect(new Set(servers.map((span) => span.traceId)).size).toBe(servers.length);
    // 10% head sampling of 1,000 requests: far from 0 and from all.
    expect(headSampled).toBeGreaterThan(20);
    expect(headSampled).toBeLessThan(250);
    // Memory: within the caps, nothing let go, nothing left.
    expect(peak.heldSpans).toBeLessThanOrEqual(2048);
    expect(peak.openFragments).toBeLessThanOrEqual(256);
    expect(peak.heldSpans).toBeGreaterThan(0);
    expect(failureCounts()[KEEP_TRACES_EVICTED] ?? 0).toBe(evictedBefore);
    expect(processor.heldSpansCount).toBe(0);
    expect(processor.openFragmentsCount).toBe(0);
    console.log(
      `keep-traces load: ${REQUESTS} requests, ${errored} errored, ${headSampled} head-sampled, exported ${spans.length} spans; peak held ${peak.heldSpans} spans in ${peak.openFragments} fragments`,
    );
  }, 60_000);

  it('stays within tiny caps under the same load, counting what it lets go, and still exports the errors', async () => {
    const evictedBefore = failureCounts()[KEEP_TRACES_EVICTED] ?? 0;
    const { peak, processor } = await runLoad({ maxFragments: 4, maxSpans: 6, serviceName: 'keep-load-tight' });
    expect(peak.openFragments).toBeLessThanOrEqual(4);
    expect(peak.heldSpans).toBeLessThanOrEqual(6);
    const evicted = (failureCounts()[KEEP_TRACES_EVICTED] ?? 0) - evictedBefore;
    expect(evicted).toBeGreaterThan(0);
    // An error is passed on when it ends, held or not: every failing query span arrives.
    const spans = receiver!.spans().filter((span) => span.serviceName === 'keep-load-tight');
    const failedQueries = spans.filter((span) => span.name === 'query' && span.status.code === 'ERROR');
    expect(failedQueries).toHaveLength(REQUESTS / 10);
    expect(processor.heldSpansCount).toBe(0);
    console.log(`keep-traces tight caps: ${evicted} spans let go, peak held ${peak.heldSpans} spans in ${peak.openFragments} fragments`);
  }, 60_000);
});

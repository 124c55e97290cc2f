import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import { readsNoAttributes } from '../../../../../src/sampling/reads-no-attributes.js';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  instrumentHttp,
  ParentBasedSampler,
  type HttpInstrumentation,
} from '../../../../../src/index.js';
import {
  parseTraceparent,
  randomHex,
  send,
  settle,
  setUpTracing,
  startServer,
  tearDownTracing,
  traceparent,
  type TestServer,
  type Tracing,
} from './http-test-kit.js';

// Unsampled requests record nothing, yet the trace still flows downstream with sampled=0.

let tracing: Tracing | undefined;
let instrumentation: HttpInstrumentation | undefined;
const servers: TestServer[] = [];

afterEach(async () => {
  instrumentation?.disable();
  for (const server of servers.splice(0)) await server.close();
  tearDownTracing();
  tracing = undefined;
});

afterAll(() => tearDownTracing());

/** A front server whose handler calls the downstream server with fetch and with http.get. */
async function startPair(): Promise<{ front: TestServer; downstream: TestServer }> {
  const downstream = await startServer();
  const front = await startServer((_request, response) => {
    void (async () => {
      await (await fetch(`${downstream.origin}/by-fetch`)).text();
      await new Promise<void>((resolve) => http.get(`${downstream.origin}/by-get`, (res) => res.resume().on('end', resolve)));
      response.end();
    })();
  });
  servers.push(front, downstream);
  return { front, downstream };
}

describe('unsampled requests', () => {
  it('record no spans with AlwaysOffSampler, but send a valid traceparent with flags 00', async () => {
    tracing = setUpTracing(new AlwaysOffSampler());
    instrumentation = instrumentHttp();
    const { front, downstream } = await startPair();
    await send(`${front.origin}/`);
    await settle(30);
    expect(tracing.exporter.getFinishedSpans()).toHaveLength(0);
    const sent = downstream.requests.map((request) => parseTraceparent(request.headers.traceparent));
    expect(sent).toHaveLength(2);
    for (const parts of sent) expect(parts?.sampled).toBe(false);
    // Both calls belong to the same (unrecorded) server span.
    expect(sent[0]?.traceId).toBe(sent[1]?.traceId);
    expect(sent[0]?.traceId).not.toBe('0'.repeat(32));
  });

  it('continue an unsampled incoming parent under ParentBased: same trace id, flags 00, no spans', async () => {
    tracing = setUpTracing(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    instrumentation = instrumentHttp();
    const { front, downstream } = await startPair();
    const traceId = randomHex(32);
    await send(`${front.origin}/`, { headers: { traceparent: traceparent(traceId, randomHex(16), '00') } });
    await settle(30);
    expect(tracing.exporter.getFinishedSpans()).toHaveLength(0);
    expect(downstream.requests).toHaveLength(2);
    for (const request of downstream.requests) {
      expect(parseTraceparent(request.headers.traceparent)).toMatchObject({ traceId, sampled: false });
    }
  });
});

describe('the attributes a sampler is given', () => {
  it('are the request attributes for a sampler that may read them, including a subclass of a built-in one', async () => {
    const seen: Attributes[] = [];
    class RecordingAlwaysOn extends AlwaysOnSampler {
      override shouldSample(...args: Parameters<AlwaysOnSampler['shouldSample']>): ReturnType<AlwaysOnSampler['shouldSample']> {
        seen.push({ ...(args as unknown as [unknown, unknown, unknown, unknown, Attributes])[4] });
        return super.shouldSample();
      }
    }
    tracing = setUpTracing(new ParentBasedSampler({ root: new RecordingAlwaysOn() }));
    instrumentation = instrumentHttp();
    const server = await startServer();
    servers.push(server);
    await send(`${server.origin}/sampled?x=1`);
    const spans = await tracing.spans();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/sampled', 'url.scheme': 'http' });
    // With a built-in sampler the attributes are built after the decision; the span has them all the same.
    expect(spans[0]?.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/sampled', 'url.scheme': 'http' });
  });

  it('are deferred only for otelite samplers exactly, and parent-based ones built from them', () => {
    expect(readsNoAttributes(new AlwaysOnSampler())).toBe(true);
    expect(readsNoAttributes(new AlwaysOffSampler())).toBe(true);
    expect(readsNoAttributes(new ParentBasedSampler({ root: new AlwaysOffSampler() }))).toBe(true);
    class Custom extends AlwaysOffSampler {}
    expect(readsNoAttributes(new Custom())).toBe(false);
    expect(readsNoAttributes(new ParentBasedSampler({ root: new Custom() }))).toBe(false);
    expect(readsNoAttributes({ shouldSample: () => ({ decision: 0 }) })).toBe(false);
  });
});

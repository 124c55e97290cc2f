import * as http from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  composableAlwaysOff,
  composableAlwaysOn,
  composableParentThreshold,
  composableRuleBased,
  CompositeSampler,
  instrumentHttp,
  type HttpInstrumentation,
} from '../../../../../src/index.js';
import {
  parseTraceparent,
  send,
  settle,
  setUpTracing,
  startServer,
  tearDownTracing,
  type TestServer,
  type Tracing,
} from './http-test-kit.js';

// A rule-based composite sampler in a real HTTP service: probes dropped by path, the rest kept, rules
// on the attributes the instrumentations hand the sampler at span creation.

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

describe('a rule-based sampler on HTTP attributes', () => {
  it('drops /health and readiness probes and keeps the rest of the service', async () => {
    tracing = setUpTracing(
      new CompositeSampler(
        composableParentThreshold(
          composableRuleBased([
            {
              spanKinds: ['server'],
              attributePatterns: { key: 'url.path', included: ['/health*', '/ready'] },
              sampler: composableAlwaysOff(),
            },
            { attributeValues: { key: 'user_agent.original', values: ['kube-probe/1.30'] }, sampler: composableAlwaysOff() },
            { sampler: composableAlwaysOn() },
          ]),
        ),
      ),
    );
    instrumentation = instrumentHttp();
    const downstream = await startServer();
    const service = await startServer((request, response) => {
      // Work under the server span: a call downstream, which follows the server span's decision.
      http.get(`${downstream.origin}/inner`, (res) => res.resume().on('end', () => response.end('ok')));
    });
    servers.push(service, downstream);
    for (const path of ['/health', '/healthz', '/ready', '/api/items', '/api/items?page=2']) await send(`${service.origin}${path}`);
    await send(`${service.origin}/api/other`, { headers: { 'user-agent': 'kube-probe/1.30' } });
    await send(`${service.origin}/api/items`, { method: 'POST' });
    const spans = await tracing.spans((all) => all.filter((span) => span.kind === 1).length >= 6);
    await settle(30);
    const serverPaths = tracing.exporter
      .getFinishedSpans()
      .filter((span) => span.kind === 1 && span.attributes['server.port'] === service.port)
      .map((span) => `${span.attributes['http.request.method']} ${span.attributes['url.path']}`)
      .sort();
    expect(serverPaths).toEqual(['GET /api/items', 'GET /api/items', 'POST /api/items']);
    // Kept requests carry th:0 downstream; dropped ones propagate sampled=0, and their downstream calls are dropped too.
    const inner = downstream.requests.map((request) => ({
      sampled: parseTraceparent(request.headers.traceparent)?.sampled,
      state: request.headers.tracestate,
    }));
    expect(inner.filter((entry) => entry.sampled === true)).toHaveLength(3);
    expect(inner.filter((entry) => entry.sampled === false)).toHaveLength(4);
    for (const entry of inner.filter((candidate) => candidate.sampled)) expect(entry.state).toBe('ot=th:0');
    expect(spans.every((span) => span.attributes['url.path'] !== '/health')).toBe(true);
  });

  it('matches client spans on url.full and server.port, early-started ones included', async () => {
    const downstream = await startServer();
    servers.push(downstream);
    tracing = setUpTracing(
      new CompositeSampler(
        composableRuleBased([
          {
            spanKinds: ['client'],
            attributeValues: { key: 'server.port', values: [String(downstream.port)] },
            attributePatterns: { key: 'url.full', included: ['*/skip*'] },
            sampler: composableAlwaysOff(),
          },
          // Everything else is kept: a span the first rule cannot see the attributes of is kept too.
          { spanKinds: ['client'], sampler: composableAlwaysOn() },
        ]),
      ),
    );
    instrumentation = instrumentHttp();
    await new Promise<void>((resolve) => http.get(`${downstream.origin}/skip-me`, (res) => res.resume().on('end', resolve)));
    await new Promise<void>((resolve) => http.get(`${downstream.origin}/keep-me`, (res) => res.resume().on('end', resolve)));
    await (await fetch(`${downstream.origin}/skip-too`)).text();
    await (await fetch(`${downstream.origin}/keep-too`)).text();
    // Requests whose span starts before the ClientRequest exists (headers as a list, or Expect): the
    // sampler still gets url.full, server.address and server.port, read from the arguments.
    const viaList = (path: string, url?: string): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const options = { host: '127.0.0.1', port: downstream.port, path, headers: ['x-list', '1'] };
        const request = url === undefined ? http.request(options) : http.request(url, { headers: ['x-list', '1'] });
        request.on('response', (res) => res.resume().on('end', resolve)).on('error', reject);
        request.end();
      });
    await viaList('/skip-list');
    await viaList('/keep-list?q=1');
    await viaList('', `${downstream.origin}/skip-url-list`);
    await new Promise<void>((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port: downstream.port,
        path: '/keep-expect',
        method: 'POST',
        headers: { expect: '100-continue' },
      });
      request.on('continue', () => request.end('body'));
      request.on('response', (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    await tracing.spans((all) => all.length >= 4);
    await settle(30);
    const clients = tracing.exporter.getFinishedSpans().filter((span) => span.kind === 2);
    const urls = clients.map((span) => new URL(String(span.attributes['url.full'])).pathname).sort();
    expect(urls).toEqual(['/keep-expect', '/keep-list', '/keep-me', '/keep-too']);
    const listed = clients.find((span) => String(span.attributes['url.full']).includes('/keep-list'))!;
    expect(listed.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${downstream.origin}/keep-list?q=1`,
      'server.address': '127.0.0.1',
      'server.port': downstream.port,
    });
  });
});

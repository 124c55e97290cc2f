import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Status_StatusCode } from '../../../../src/proto.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../../../../src/platform/node/receiver/index.js';
import { CONTENT_SECURITY_POLICY } from '../../../../src/platform/node/receiver/viewer-server.js';
import type { ChangeEvent, TraceListResponse, TraceResponse } from '../../../../src/viewer-page/viewer-api.js';
import { buildRequest, send, toOtlpJson, toProtobuf, TRACE_A, TRACE_B } from './otlp-fixtures.js';

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const TRACE_C = 'c0000000000000000000000000000003';

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  receivers = [];
});

async function start(options: ReceiverOptions = {}): Promise<Receiver> {
  const receiver = await startReceiver({ port: 0, print: false, ui: true, ...options });
  receivers.push(receiver);
  return receiver;
}

/** Two traces in two services: A (checkout → inventory, with an error and an order id), B (later, longer). */
async function feed(receiver: Receiver): Promise<void> {
  const a = buildRequest('checkout', [
    {
      spanId: 'a000000000000001',
      name: 'POST /checkout',
      durationMillis: 20,
      attributes: { 'order.id': 'ORD-77', 'http.response.status_code': 502 },
    },
  ]);
  const aChild = buildRequest('inventory', [
    {
      spanId: 'a000000000000002',
      parentSpanId: 'a000000000000001',
      name: 'reserve',
      startMillis: 2,
      durationMillis: 5,
      status: { code: Status_StatusCode.ERROR, message: 'out of stock' },
    },
  ]);
  const b = buildRequest('search', [
    { traceId: TRACE_B, spanId: 'b000000000000001', name: 'GET /search', startMillis: 1000, durationMillis: 300 },
    // Its parent never arrives.
    {
      traceId: TRACE_B,
      spanId: 'b000000000000002',
      parentSpanId: 'bfffffffffffffff',
      name: 'late child',
      startMillis: 1010,
      durationMillis: 3,
    },
  ]);
  for (const request of [a, aChild, b]) expect((await send(receiver.tracesUrl, toProtobuf(request), PROTOBUF)).status).toBe(200);
}

async function getJson<T>(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: IncomingMessage['headers'] }> {
  const response = await send(url, undefined, headers, 'GET');
  return { status: response.status, body: JSON.parse(response.body.toString('utf8')) as T, headers: response.headers };
}

describe('the viewer on the receiver port', () => {
  it('serves the built page with a strict Content-Security-Policy, and POST /v1/traces as before', async () => {
    const receiver = await start();
    expect(receiver.uiUrl).toBe(`${receiver.url}/`);
    const page = await send(`${receiver.url}/`, undefined, {}, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.body.toString()).toContain('<script type="module" src="/viewer.js"></script>');
    const script = await send(`${receiver.url}/viewer.js`, undefined, {}, 'GET');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body.length).toBeGreaterThan(1000);
    // The page's code builds text nodes, never markup from data.
    expect(script.body.toString()).not.toContain('innerHTML');
    expect((await send(`${receiver.url}/viewer.css`, undefined, {}, 'GET')).status).toBe(200);
    expect((await send(receiver.tracesUrl, undefined, {}, 'GET')).status).toBe(405);
    expect((await send(`${receiver.url}/nope`, undefined, {}, 'GET')).status).toBe(404);
  });

  it('is off unless asked for: GET / is a 404 and uiUrl is undefined', async () => {
    const receiver = await start({ ui: false });
    expect(receiver.uiUrl).toBeUndefined();
    expect((await send(`${receiver.url}/`, undefined, {}, 'GET')).status).toBe(404);
    expect((await send(`${receiver.url}/api/traces`, undefined, {}, 'GET')).status).toBe(404);
  });

  it('lists traces newest first with root, services, counts, duration, errors and orphans', async () => {
    const receiver = await start();
    await feed(receiver);
    const { status, body } = await getJson<TraceListResponse>(`${receiver.url}/api/traces`);
    expect(status).toBe(200);
    expect(body.traces.map((trace) => trace.traceId)).toEqual([TRACE_B, TRACE_A]);
    const [b, a] = body.traces;
    expect(a).toMatchObject({
      rootName: 'POST /checkout',
      rootService: 'checkout',
      services: ['checkout', 'inventory'],
      spanCount: 2,
      errorCount: 1,
      orphanCount: 0,
      durationMs: 20,
    });
    expect(b).toMatchObject({
      rootName: 'GET /search',
      services: ['search'],
      spanCount: 2,
      errorCount: 0,
      orphanCount: 1,
      durationMs: 300,
    });
    expect(a!.startMs).toBe(1_700_000_000_000);
    expect(body.services).toEqual(['checkout', 'inventory', 'search']);
    expect(body.stats).toMatchObject({ traces: 2, spans: 4, droppedTraces: 0, droppedSpans: 0, receivedSpans: 4 });
  });

  it('filters by service, span name, attribute, free text, errors and minimum duration', async () => {
    const receiver = await start();
    await feed(receiver);
    const ids = async (query: string): Promise<string[]> =>
      (await getJson<TraceListResponse>(`${receiver.url}/api/traces?${query}`)).body.traces.map((trace) => trace.traceId);
    expect(await ids('service=inventory')).toEqual([TRACE_A]);
    expect(await ids('service=nobody')).toEqual([]);
    expect(await ids('name=SEARCH')).toEqual([TRACE_B]);
    expect(await ids(`attr=${encodeURIComponent('order.id=ORD-77')}`)).toEqual([TRACE_A]);
    expect(await ids(`attr=${encodeURIComponent('http.response.status_code=502')}`)).toEqual([TRACE_A]);
    expect(await ids(`attr=${encodeURIComponent('order.id=ORD-78')}`)).toEqual([]);
    expect(await ids('attr=order.id')).toEqual([TRACE_A]);
    expect(await ids(`attr=${encodeURIComponent('service.name=search')}`)).toEqual([TRACE_B]);
    expect(await ids('q=ord-77')).toEqual([TRACE_A]);
    expect(await ids('q=out%20of%20stock')).toEqual([TRACE_A]);
    expect(await ids(`q=${TRACE_B.slice(0, 12)}`)).toEqual([TRACE_B]);
    expect(await ids('errors=1')).toEqual([TRACE_A]);
    expect(await ids('min=100')).toEqual([TRACE_B]);
    expect(await ids('min=100&errors=1')).toEqual([]);
    expect(await ids('limit=1')).toEqual([TRACE_B]);
    const limited = await getJson<TraceListResponse>(`${receiver.url}/api/traces?limit=1`);
    expect(limited.body.matched).toBe(2);
  });

  it('answers one trace with every span in start order, orphans marked, and 404 for one it does not have', async () => {
    const receiver = await start();
    await feed(receiver);
    const { body } = await getJson<TraceResponse>(`${receiver.url}/api/traces/${TRACE_A}`);
    expect(body.spans.map((span) => span.name)).toEqual(['POST /checkout', 'reserve']);
    const [root, child] = body.spans;
    expect(root).toMatchObject({
      spanId: 'a000000000000001',
      parentSpanId: '',
      orphan: false,
      kind: 'INTERNAL',
      service: 'checkout',
      offsetMs: 0,
    });
    expect(root!.attributes).toContainEqual(['order.id', 'ORD-77', 'string']);
    expect(root!.attributes).toContainEqual(['http.response.status_code', '502', 'int']);
    expect(root!.resource).toEqual([['service.name', 'checkout', 'string']]);
    expect(root!.scope).toEqual({ name: 'test-scope', version: '1.2.3' });
    expect(child).toMatchObject({
      parentSpanId: 'a000000000000001',
      offsetMs: 2,
      durationMs: 5,
      status: { code: 'ERROR', message: 'out of stock' },
    });
    const b = await getJson<TraceResponse>(`${receiver.url}/api/traces/${TRACE_B}`);
    expect(b.body.spans.find((span) => span.name === 'late child')!.orphan).toBe(true);
    const missing = await getJson<{ error: string }>(`${receiver.url}/api/traces/${TRACE_C}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain('not stored');
  });

  it('downloads a trace as OTLP/JSON that another receiver accepts, with the same spans', async () => {
    const receiver = await start();
    await feed(receiver);
    const download = await send(`${receiver.url}/api/traces/${TRACE_A}/otlp.json`, undefined, {}, 'GET');
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="trace-${TRACE_A}.json"`);
    const document = JSON.parse(download.body.toString()) as {
      resourceSpans: { scopeSpans: { spans: { traceId: string; kind: number }[] }[] }[];
    };
    expect(document.resourceSpans).toHaveLength(2); // checkout and inventory
    expect(document.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId).toBe(TRACE_A); // hex, not base64
    expect(typeof document.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.kind).toBe('number');

    const again = await start();
    expect((await send(again.tracesUrl, download.body, { 'Content-Type': 'application/json' })).status).toBe(200);
    const key = (receiver: Receiver) =>
      receiver
        .spans()
        .filter((span) => span.traceId === TRACE_A)
        .map((span) => ({ ...span, span: undefined }))
        .sort((x, y) => x.spanId.localeCompare(y.spanId));
    expect(key(again)).toEqual(key(receiver));
    expect(again.spans().map((span) => span.span.endTimeUnixNano)).toEqual(
      receiver
        .spans()
        .filter((s) => s.traceId === TRACE_A)
        .map((span) => span.span.endTimeUnixNano),
    );
  });

  it('evicts the oldest traces past the span cap and counts them', async () => {
    const receiver = await start({ maxStoredSpans: 3 });
    await feed(receiver); // A (2 spans) then B (2 spans): A goes
    const { body } = await getJson<TraceListResponse>(`${receiver.url}/api/traces`);
    expect(body.traces.map((trace) => trace.traceId)).toEqual([TRACE_B]);
    expect(body.stats).toMatchObject({ traces: 1, spans: 2, maxSpans: 3, droppedTraces: 1, droppedSpans: 2, receivedSpans: 4 });
    expect((await send(`${receiver.url}/api/traces/${TRACE_A}`, undefined, {}, 'GET')).status).toBe(404);
    // A trace alone over the cap keeps its newest spans.
    const big = buildRequest(
      'big',
      [1, 2, 3, 4, 5].map((n) => ({ traceId: TRACE_C, spanId: `c00000000000000${n}`, name: `s${n}`, durationMillis: 1 })),
    );
    await send(receiver.tracesUrl, toProtobuf(big), PROTOBUF);
    const after = await getJson<TraceResponse>(`${receiver.url}/api/traces/${TRACE_C}`);
    expect(after.body.spans.map((span) => span.name).sort()).toEqual(['s3', 's4', 's5']);
    expect((await getJson<TraceListResponse>(`${receiver.url}/api/traces`)).body.stats).toMatchObject({
      traces: 1,
      spans: 3,
      droppedTraces: 2,
    });
  });

  it('refuses a request naming another host (DNS rebinding) while listening on loopback', async () => {
    const receiver = await start();
    await feed(receiver);
    const response = await send(`${receiver.url}/api/traces`, undefined, { Host: 'evil.example:4318' }, 'GET');
    expect(response.status).toBe(403);
    expect((await send(`${receiver.url}/api/traces`, undefined, { Host: `localhost:${receiver.port}` }, 'GET')).status).toBe(200);
    expect((await send(`${receiver.url}/`, undefined, {}, 'POST')).status).toBe(405);
  });

  it('streams a change event to open pages when spans arrive, and ends the stream on close', async () => {
    const receiver = await start();
    const events: ChangeEvent[] = [];
    let ended = false;
    const stream = await new Promise<IncomingMessage>((resolve) => get(`${receiver.url}/api/events`, resolve));
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    let buffer = '';
    const waiters: (() => void)[] = [];
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (block.includes('event: change') && data !== undefined) events.push(JSON.parse(data.slice(6)) as ChangeEvent);
        for (const wake of waiters.splice(0)) wake();
      }
    });
    stream.on('end', () => {
      ended = true;
      for (const wake of waiters.splice(0)) wake();
    });
    const until = async (condition: () => boolean): Promise<void> => {
      while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    await until(() => events.length >= 1); // the first event carries the stats
    expect(events[0]).toMatchObject({ changed: [], stats: { traces: 0 } });
    await feed(receiver);
    await until(() => events.some((event) => event.changed.includes(TRACE_B)) && events.some((event) => event.changed.includes(TRACE_A)));
    expect(events.at(-1)!.stats.traces).toBe(2);
    // The JSON of the same request arrives too (one more span for A): the change names A again.
    const more = buildRequest('checkout', [
      { spanId: 'a000000000000003', parentSpanId: 'a000000000000001', name: 'late', durationMillis: 1 },
    ]);
    await send(receiver.tracesUrl, toOtlpJson(more), { 'Content-Type': 'application/json' });
    const seen = events.length;
    await until(() => events.length > seen);
    expect(events.at(-1)!.changed).toEqual([TRACE_A]);
    expect(events.at(-1)!.stats.spans).toBe(5);
    await receiver.close();
    await until(() => ended);
    expect(ended).toBe(true);
  });
});

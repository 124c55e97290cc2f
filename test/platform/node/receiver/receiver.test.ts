import { fromBinary, fromJson } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ExportTraceServiceResponseSchema,
  Span_SpanKind,
  Status_StatusCode,
  type ExportTraceServiceRequest,
} from '../../../../src/proto.js';
import { startReceiver, type ReceivedSpan, type Receiver, type ReceiverOptions } from '../../../../src/platform/node/receiver/index.js';
import { buildRequest, collectingSink, hex, send, toOtlpJson, toProtobuf, TRACE_A, TRACE_B } from './otlp-fixtures.js';

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  receivers = [];
});

async function start(options: ReceiverOptions = {}) {
  const sink = collectingSink();
  const delivered: { request: ExportTraceServiceRequest; spans: readonly ReceivedSpan[] }[] = [];
  const receiver = await startReceiver({
    port: 0,
    print: sink,
    traceIdleMillis: 60_000,
    onSpans: (request, spans) => void delivered.push({ request, spans }),
    ...options,
  });
  receivers.push(receiver);
  return { receiver, sink, delivered };
}

const serverSpan = buildRequest('checkout', [
  {
    spanId: 'a000000000000001',
    name: 'GET /cart',
    kind: Span_SpanKind.SERVER,
    durationMillis: 12.346,
    status: { code: Status_StatusCode.OK },
    attributes: { 'http.request.method': 'GET', 'http.route': '/cart', 'http.response.status_code': 200 },
  },
]);
const childSpan = buildRequest('inventory', [
  {
    spanId: 'b000000000000001',
    parentSpanId: 'a000000000000001',
    name: 'reserve',
    startMillis: 2,
    durationMillis: 3.5,
    status: { code: Status_StatusCode.ERROR, message: 'out of stock' },
  },
]);

/** A request whose resource attribute nests `depth` kvlist values inside one another. */
function deeplyNestedProtobuf(depth: number): Uint8Array {
  const field = (number: number, bytes: Uint8Array): Uint8Array =>
    new BinaryWriter().tag(number, WireType.LengthDelimited).bytes(bytes).finish();
  const keyValue = (value: Uint8Array): Uint8Array =>
    new BinaryWriter().tag(1, WireType.LengthDelimited).string('k').tag(2, WireType.LengthDelimited).bytes(value).finish();
  let anyValue: Uint8Array = new BinaryWriter().tag(1, WireType.LengthDelimited).string('x').finish();
  for (let i = 0; i < depth; i++) anyValue = field(6, field(1, keyValue(anyValue)));
  return field(1, field(1, field(1, keyValue(anyValue))));
}

describe('startReceiver', () => {
  it('listens on 127.0.0.1 with a chosen port and exposes its URLs', async () => {
    const { receiver } = await start();
    expect(receiver.host).toBe('127.0.0.1');
    expect(receiver.port).toBeGreaterThan(0);
    expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}`);
    expect(receiver.tracesUrl).toBe(`${receiver.url}/v1/traces`);
  });

  it('accepts protobuf, answers an ExportTraceServiceResponse and delivers the decoded spans', async () => {
    const { receiver, delivered } = await start();
    const response = await send(receiver.tracesUrl, toProtobuf(serverSpan), PROTOBUF);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    expect(fromBinary(ExportTraceServiceResponseSchema, response.body).partialSuccess).toBeUndefined();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.request).toEqual(serverSpan);
    expect(delivered[0]!.spans[0]).toMatchObject({
      traceId: TRACE_A,
      spanId: 'a000000000000001',
      parentSpanId: '',
      name: 'GET /cart',
      kind: 'SERVER',
      durationMillis: 12.346,
      status: { code: 'OK', message: '' },
      attributes: { 'http.request.method': 'GET', 'http.route': '/cart', 'http.response.status_code': 200 },
      serviceName: 'checkout',
      scope: { name: 'test-scope', version: '1.2.3' },
    });
    expect(receiver.stats()).toEqual({ requests: 1, spans: 1, rejectedSpans: 0, failedRequests: 0 });
  });

  it('accepts OTLP/JSON with hex ids and answers JSON', async () => {
    const { receiver, delivered } = await start();
    const response = await send(receiver.tracesUrl, toOtlpJson(childSpan), { 'Content-Type': 'application/json; charset=utf-8' });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual({});
    expect(delivered[0]!.request).toEqual(childSpan);
    expect(delivered[0]!.spans[0]).toMatchObject({ traceId: TRACE_A, spanId: 'b000000000000001', parentSpanId: 'a000000000000001' });
  });

  it('reads OTLP/JSON in proto field names, numbers for int64, and ignores unknown fields', async () => {
    const { receiver, delivered } = await start();
    const body = JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] },
          scope_spans: [
            {
              spans: [
                {
                  trace_id: TRACE_B,
                  span_id: 'c000000000000001',
                  name: 'raw span',
                  kind: 3,
                  start_time_unix_nano: 1_000_000,
                  end_time_unix_nano: '3000000',
                  links: [{ traceId: TRACE_A, spanId: 'a000000000000001' }],
                  futureField: true,
                },
              ],
            },
          ],
        },
      ],
    });
    const response = await send(receiver.tracesUrl, body, JSON_TYPE);

    expect(response.status).toBe(200);
    const [span] = delivered[0]!.spans;
    expect(span).toMatchObject({ traceId: TRACE_B, name: 'raw span', kind: 'CLIENT', durationMillis: 2, serviceName: 'raw' });
    expect(span!.span.links[0]!.traceId).toEqual(hex(TRACE_A));
  });

  it('inflates gzip bodies of either encoding', async () => {
    const { receiver, delivered } = await start();
    const gzip = { 'Content-Encoding': 'gzip' };
    expect((await send(receiver.tracesUrl, gzipSync(toProtobuf(serverSpan)), { ...PROTOBUF, ...gzip })).status).toBe(200);
    expect((await send(receiver.tracesUrl, gzipSync(toOtlpJson(childSpan)), { ...JSON_TYPE, ...gzip })).status).toBe(200);
    expect(delivered.map((d) => d.request)).toEqual([serverSpan, childSpan]);
  });

  it('prints one tree per trace once it is quiet, across requests and services', async () => {
    // A quiet period long enough that two requests on a loaded machine always fall inside it.
    const { receiver, sink } = await start({ traceIdleMillis: 3000 });
    await send(receiver.tracesUrl, toProtobuf(childSpan), PROTOBUF);
    await send(receiver.tracesUrl, toProtobuf(serverSpan), PROTOBUF);
    expect(sink.text()).toBe('');

    await expect.poll(() => sink.text(), { timeout: 15_000, interval: 20 }).not.toBe('');
    expect(sink.text()).toBe(
      [
        `trace ${TRACE_A} · 2 spans · inventory, checkout`,
        'GET /cart  SERVER  [checkout]  12.35 ms  OK  http.request.method=GET http.route=/cart http.response.status_code=200',
        '└─ reserve  INTERNAL  [inventory]  3.50 ms  ERROR: out of stock',
        '',
        '',
      ].join('\n'),
    );
  });

  it('flush() prints pending traces at once; late spans print as a continuation with their orphan marked', async () => {
    const { receiver, sink } = await start();
    await send(receiver.tracesUrl, toProtobuf(childSpan), PROTOBUF);
    receiver.flush();
    expect(sink.text()).toContain(
      'reserve  INTERNAL  [inventory]  3.50 ms  ERROR: out of stock  (orphan: parent a000000000000001 not received)',
    );

    await send(receiver.tracesUrl, toProtobuf(serverSpan), PROTOBUF);
    receiver.flush();
    expect(sink.text()).toContain(`trace ${TRACE_A} (continued) · 1 span · checkout\nGET /cart  SERVER`);
    receiver.flush();
    expect(sink.text().match(/^trace /gm)).toHaveLength(2);
  });

  it('keeps what it received for spans() and traces(), bounded by maxRetainedSpans', async () => {
    const { receiver } = await start({ maxRetainedSpans: 2, print: false });
    const other = buildRequest('other', [{ traceId: TRACE_B, spanId: 'c000000000000001', name: 'other', durationMillis: 1 }]);
    for (const request of [serverSpan, childSpan, other]) await send(receiver.tracesUrl, toProtobuf(request), PROTOBUF);

    expect(receiver.spans().map((span) => span.name)).toEqual(['reserve', 'other']);
    expect([...receiver.traces().keys()]).toEqual([TRACE_A, TRACE_B]);
    expect(receiver.stats().spans).toBe(3);
    receiver.clear();
    expect(receiver.spans()).toEqual([]);
  });

  it('rejects spans with malformed ids as a partial success', async () => {
    const { receiver, delivered } = await start();
    const request = buildRequest('svc', [
      { spanId: 'a000000000000001', name: 'good', durationMillis: 1 },
      { spanId: '0000000000000000', name: 'zero id', durationMillis: 1 },
      { traceId: 'abcd', spanId: 'a000000000000002', name: 'short trace id', durationMillis: 1 },
    ]);
    const response = await send(receiver.tracesUrl, toOtlpJson(request), JSON_TYPE);

    expect(response.status).toBe(200);
    const body = fromJson(ExportTraceServiceResponseSchema, JSON.parse(response.body.toString()));
    expect(body.partialSuccess?.rejectedSpans).toBe(2n);
    expect(body.partialSuccess?.errorMessage).toMatch(/malformed/);
    expect(delivered[0]!.spans.map((span) => span.name)).toEqual(['good']);
  });

  it('answers 404 for another path, 405 for another method, 415 for other content types or encodings', async () => {
    const { receiver, delivered } = await start();
    const body = toProtobuf(serverSpan);
    expect((await send(`${receiver.url}/v1/metrics`, body, PROTOBUF)).status).toBe(404);
    const get = await send(receiver.tracesUrl, undefined, {}, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
    expect((await send(receiver.tracesUrl, body, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await send(receiver.tracesUrl, body, {})).status).toBe(415);
    expect((await send(receiver.tracesUrl, body, { ...PROTOBUF, 'Content-Encoding': 'br' })).status).toBe(415);
    expect(delivered).toEqual([]);
    expect(receiver.stats().failedRequests).toBe(5);
    // The receiver still works afterwards.
    expect((await send(`${receiver.tracesUrl}?x=1`, body, PROTOBUF)).status).toBe(200);
  });

  it('answers 400 with a google.rpc.Status for undecodable bodies and bad gzip', async () => {
    const { receiver, delivered } = await start();
    const json = await send(receiver.tracesUrl, '{"resourceSpans": [', JSON_TYPE);
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body.toString())).toMatchObject({ code: 3, message: expect.stringMatching(/OTLP\/JSON/) });

    const wrongShape = await send(receiver.tracesUrl, '{"resourceSpans": 5}', JSON_TYPE);
    expect(wrongShape.status).toBe(400);

    const protobuf = await send(receiver.tracesUrl, Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01), PROTOBUF);
    expect(protobuf.status).toBe(400);
    expect(protobuf.headers['content-type']).toBe('application/x-protobuf');
    const reader = new BinaryReader(protobuf.body);
    expect(reader.tag()).toEqual([1, 0]);
    expect(reader.int32()).toBe(3);
    expect(reader.tag()[0]).toBe(2);
    expect(reader.string()).toMatch(/protobuf ExportTraceServiceRequest/);

    const badGzip = await send(receiver.tracesUrl, 'not gzip at all', { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    expect(JSON.parse(badGzip.body.toString()).message).toMatch(/gzip/);
    expect(delivered).toEqual([]);
  });

  it('answers 413 for a body over maxBodyBytes, declared or streamed', async () => {
    const { receiver } = await start({ maxBodyBytes: 1024 });
    const big = Buffer.alloc(4096, 1);
    const declared = await send(receiver.tracesUrl, big, PROTOBUF);
    expect(declared.status).toBe(413);
    expect(JSON.parse((await send(receiver.tracesUrl, big, JSON_TYPE)).body.toString())).toMatchObject({ code: 8 });

    const chunked = await send(receiver.tracesUrl, big, { ...PROTOBUF, 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect((await send(receiver.tracesUrl, toProtobuf(serverSpan), PROTOBUF)).status).toBe(200);
  });

  it('bounds a gzip bomb by its inflated size', async () => {
    const { receiver } = await start({ maxBodyBytes: 64 * 1024 });
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const response = await send(receiver.tracesUrl, bomb, { ...PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(receiver.stats()).toMatchObject({ requests: 0, failedRequests: 1 });
  });

  it('survives hostile JSON (prototype keys, deep nesting) and a throwing onSpans', async () => {
    const { receiver } = await start({
      onSpans: () => {
        throw new Error('user bug');
      },
    });
    const protoKey = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] },
          scopeSpans: [
            {
              spans: [
                { traceId: TRACE_A, spanId: 'a000000000000001', name: 'p', attributes: [{ key: '__proto__', value: { intValue: 1 } }] },
              ],
            },
          ],
        },
      ],
    });
    expect((await send(receiver.tracesUrl, protoKey, JSON_TYPE)).status).toBe(200);
    const [span] = receiver.spans();
    expect(Object.getPrototypeOf(span!.attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(span!.attributes, '__proto__')?.value).toBe(1);

    const deep = `{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(20_000)}1${'}]}}'.repeat(20_000)}}]}}]}`;
    expect((await send(receiver.tracesUrl, deep, JSON_TYPE)).status).toBe(400);
    expect((await send(receiver.tracesUrl, deeplyNestedProtobuf(300), PROTOBUF)).status).toBe(400);
    expect((await send(receiver.tracesUrl, toProtobuf(serverSpan), PROTOBUF)).status).toBe(200);
  });

  it('rejects when the port is taken, and close() is idempotent and prints what was pending', async () => {
    const { receiver, sink } = await start();
    await expect(startReceiver({ port: receiver.port, print: false })).rejects.toThrow(/EADDRINUSE/);
    await send(receiver.tracesUrl, toProtobuf(serverSpan), PROTOBUF);
    await Promise.all([receiver.close(), receiver.close()]);
    expect(sink.text()).toContain('GET /cart  SERVER');
    await expect(send(receiver.tracesUrl, toProtobuf(serverSpan), PROTOBUF)).rejects.toThrow(/ECONNREFUSED/);
  });
});

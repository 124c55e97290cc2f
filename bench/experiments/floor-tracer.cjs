/**
 * The floor tracer: the least work any tracer must do on Node's main thread to produce what otelite's
 * `init()` produces for a hello-world server's request, written by hand for that one shape only. It is a
 * yardstick for issue 26's main-thread target, not a product: no API, no processors, no sampler, no
 * limits, no retries, no configuration, roots only (the benches send no `traceparent`; one that comes is
 * read and taken as the parent), and it knows every attribute in advance.
 *
 * Per request, on `http.server.request.start`: the request's headers read once (`traceparent`, `host`),
 * 24 random id bytes taken from a pooled buffer, one clock read, one record, that record entered as the
 * request's async context (`AsyncLocalStorage.enterWith`, so a handler could find it: the floor every
 * tracer that shows the handler its span pays; on Node 20 it turns async_hooks on). On
 * `http.server.response.finish`: one clock read and the span written straight into the batch's
 * protobuf buffer (fields and attributes in otelite's order, keys pre-encoded, ASCII written by a loop,
 * anything else by `Buffer#utf8Write`). Every 512 spans the batch is framed (resource and scope
 * pre-encoded once) and POSTed to the receiver over a keep-alive agent, as otelite's exporter does.
 *
 * The bytes per span are those otelite's exporter writes for the same request (same fields, same
 * attribute order, same values; test/bench/floor-tracer.test.ts decodes both and compares them).
 *
 *   const { installFloorTracer } = require('./floor-tracer.cjs');
 *   const flush = await installFloorTracer({ endpoint, resourceAttributes, scope });
 *
 * `flush()` sends the partial batch and resolves when every batch sent so far has been answered, with
 * `{ spans }`: how many spans the receiver acknowledged with a 2xx.
 */

'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');
const { randomFillSync } = require('node:crypto');
const { subscribe } = require('node:diagnostics_channel');
const http = require('node:http');
const { performance } = require('node:perf_hooks');

const BATCH = 512;
const ID_POOL_BYTES = 24 * 1024;
const TWO_32 = 4294967296;

/** The attribute keys, each as its encoded `KeyValue.key` field (tag, length, bytes). */
const KEYS = Object.fromEntries(
  [
    'http.request.method',
    'url.scheme',
    'url.path',
    'network.protocol.version',
    'url.query',
    'server.address',
    'server.port',
    'client.address',
    'user_agent.original',
    'http.response.status_code',
  ].map((key) => [key, Uint8Array.from([0x0a, key.length, ...Buffer.from(key, 'latin1')])]),
);

class FloorSpan {
  constructor(pool, i, parent, start, request, socket) {
    // Trace id and span id as six 32-bit words copied from the pool (which is refilled under them).
    this.t0 = pool[i];
    this.t1 = pool[i + 1];
    this.t2 = pool[i + 2];
    this.t3 = pool[i + 3];
    this.s0 = pool[i + 4];
    this.s1 = pool[i + 5];
    this.parent = parent;
    this.start = start;
    this.request = request;
    this.socket = socket;
  }
}

/** @returns {Promise<() => Promise<{ spans: number }>>} */
async function installFloorTracer({ endpoint, resourceAttributes, scope }) {
  const prefix = await encodePrefix(resourceAttributes, scope);
  // Room before the first span for the request's framing: resource, scope and three tags and lengths.
  const headRoom = prefix.resource.length + prefix.scope.length + 16;
  const storage = new AsyncLocalStorage();
  const kSpan = Symbol('floor span');
  const url = new URL('/v1/traces', endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Nanoseconds of the clock's origin, split in 32-bit halves; a time is the origin + performance.now().
  const originNanos = BigInt(Math.round(performance.timeOrigin * 1e3)) * 1000n;
  const originHigh = Number(originNanos >> 32n);
  const originLow = Number(originNanos & 0xffffffffn);

  const pool = new Uint32Array(ID_POOL_BYTES / 4);
  let poolAt = pool.length;
  let acknowledged = 0;
  const pending = new Set();

  let buffer = Buffer.allocUnsafe(headRoom + BATCH * 320);
  let at = headRoom;
  let spans = 0;

  const grow = (need) => {
    if (at + need <= buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buffer.length * 2, at + need));
    buffer.copy(bigger, 0, 0, at);
    buffer = bigger;
  };
  const varint = (value) => {
    while (value > 0x7f) {
      buffer[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buffer[at++] = value;
  };
  const varintSize = (value) => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5);
  const word = (value) => {
    buffer[at++] = value;
    buffer[at++] = value >>> 8;
    buffer[at++] = value >>> 16;
    buffer[at++] = value >>> 24;
  };
  const time = (millis) => {
    const delta = Math.round(millis * 1e6);
    let low = originLow + (delta % TWO_32);
    let high = originHigh + Math.floor(delta / TWO_32);
    if (low >= TWO_32) {
      low -= TWO_32;
      high++;
    }
    word(low);
    word(high);
  };
  /** UTF-8 byte length of `text`, and whether it is ASCII (then length === text.length). */
  const byteLength = (text) => {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text, 'utf8');
    return text.length;
  };
  const text = (value, length) => {
    if (length === value.length) for (let i = 0; i < length; i++) buffer[at++] = value.charCodeAt(i);
    else at += buffer.utf8Write(value, at, length);
  };
  const stringAttribute = (key, value) => {
    const length = byteLength(value);
    const anyValue = 1 + varintSize(length) + length;
    buffer[at++] = 0x4a;
    varint(key.length + 1 + varintSize(anyValue) + anyValue);
    buffer.set(key, at);
    at += key.length;
    buffer[at++] = 0x12;
    varint(anyValue);
    buffer[at++] = 0x0a;
    varint(length);
    text(value, length);
  };
  const intAttribute = (key, value) => {
    const anyValue = 1 + varintSize(value);
    buffer[at++] = 0x4a;
    varint(key.length + 1 + varintSize(anyValue) + anyValue);
    buffer.set(key, at);
    at += key.length;
    buffer[at++] = 0x12;
    varint(anyValue);
    buffer[at++] = 0x18;
    varint(value);
  };

  subscribe('http.server.request.start', ({ request, response, socket }) => {
    const headers = request.headers;
    const traceparent = headers.traceparent;
    if (poolAt + 6 > pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const parent = typeof traceparent === 'string' && traceparent.length === 55 ? traceparent : undefined;
    const span = new FloorSpan(pool, poolAt, parent, performance.now(), request, socket);
    poolAt += 6;
    if (parent !== undefined) {
      // Trace id from the parent; the span id stays the drawn one.
      for (let i = 0; i < 4; i++) span[`t${i}`] = parseWordLe(parent, 3 + 8 * i);
    }
    response[kSpan] = span;
    storage.enterWith(span);
  });

  subscribe('http.server.response.finish', ({ response }) => {
    const span = response[kSpan];
    if (span === undefined) return;
    const end = performance.now();
    const request = span.request;
    const method = request.method;
    const target = request.url;
    const query = target.indexOf('?');
    const path = query === -1 ? target : target.slice(0, query);
    const host = request.headers.host ?? '';
    const colon = host.lastIndexOf(':');
    const address = colon === -1 ? host : host.slice(0, colon);
    const port = colon === -1 ? 80 : Number(host.slice(colon + 1));
    const client = span.socket.remoteAddress ?? '';
    grow(512 + 3 * (target.length + host.length + client.length + method.length + (request.headers['user-agent']?.length ?? 0)));
    buffer[at++] = 0x12;
    const lengthAt = at;
    at += 2;
    buffer[at++] = 0x0a;
    buffer[at++] = 16;
    word(span.t0);
    word(span.t1);
    word(span.t2);
    word(span.t3);
    buffer[at++] = 0x12;
    buffer[at++] = 8;
    word(span.s0);
    word(span.s1);
    if (span.parent !== undefined) {
      buffer[at++] = 0x22;
      buffer[at++] = 8;
      at += buffer.write(span.parent.slice(36, 52), at, 8, 'hex');
    }
    const methodLength = byteLength(method);
    buffer[at++] = 0x2a;
    varint(methodLength);
    text(method, methodLength);
    buffer[at++] = 0x30;
    buffer[at++] = 2;
    buffer[at++] = 0x39;
    time(span.start);
    buffer[at++] = 0x41;
    time(end);
    stringAttribute(KEYS['http.request.method'], method);
    stringAttribute(KEYS['url.scheme'], 'http');
    stringAttribute(KEYS['url.path'], path);
    stringAttribute(KEYS['network.protocol.version'], request.httpVersion);
    if (query !== -1) stringAttribute(KEYS['url.query'], target.slice(query + 1));
    stringAttribute(KEYS['server.address'], address);
    intAttribute(KEYS['server.port'], port);
    stringAttribute(KEYS['client.address'], client);
    const userAgent = request.headers['user-agent'];
    if (userAgent !== undefined) stringAttribute(KEYS['user_agent.original'], userAgent);
    intAttribute(KEYS['http.response.status_code'], response.statusCode);
    buffer[at++] = 0x7a;
    buffer[at++] = 0;
    buffer[at++] = 0x85;
    buffer[at++] = 0x01;
    word(span.parent === undefined ? 0x103 : 0x303);
    // The span's length, in the two bytes kept for it (moved when it needs another size).
    const length = at - lengthAt - 2;
    const size = varintSize(length);
    if (size !== 2) {
      buffer.copy(buffer, lengthAt + size, lengthAt + 2, at);
      at += size - 2;
    }
    const end2 = at;
    at = lengthAt;
    varint(length);
    at = end2;
    if (++spans === BATCH) send();
  });

  function send() {
    if (spans === 0) return;
    const count = spans;
    const body = frame(buffer, headRoom, at, prefix);
    buffer = Buffer.allocUnsafe(buffer.length);
    at = headRoom;
    spans = 0;
    const done = new Promise((resolve) => {
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode >= 200 && response.statusCode < 300) acknowledged += count;
            resolve();
          });
        },
      );
      request.on('error', resolve);
      request.end(body);
    });
    pending.add(done);
    done.then(() => pending.delete(done));
  }

  return async () => {
    send();
    await Promise.all([...pending]);
    return { spans: acknowledged };
  };
}

/** The 32-bit little-endian word of the trace id's hex at `offset` (8 hex digits, bytes in order). */
function parseWordLe(hex, offset) {
  let value = 0;
  for (let i = 3; i >= 0; i--) value = value * 256 + Number.parseInt(hex.slice(offset + 2 * i, offset + 2 * i + 2), 16);
  return value >>> 0;
}

/**
 * Writes the request's framing right before the spans in `buffer[headRoom, end)`: the request's
 * `resource_spans` field, its resource and its `scope_spans` field with the scope (`prefix`), and
 * returns the whole request as a view.
 */
function frame(buffer, headRoom, end, prefix) {
  const spansLength = end - headRoom;
  const scopeSpansLength = prefix.scope.length + spansLength;
  const scopeSpansHead = [0x12, ...varintBytes(scopeSpansLength)];
  const resourceSpansLength = prefix.resource.length + scopeSpansHead.length + scopeSpansLength;
  const head = [0x0a, ...varintBytes(resourceSpansLength), ...prefix.resource, ...scopeSpansHead, ...prefix.scope];
  const start = headRoom - head.length;
  if (start < 0) throw new Error('floor tracer: head room too small');
  buffer.set(head, start);
  return buffer.subarray(start, end);
}

function varintBytes(value) {
  const bytes = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return bytes;
}

/** The resource field (tag 1 of ResourceSpans) and the scope field (tag 1 of ScopeSpans), once. */
async function encodePrefix(resourceAttributes, scope) {
  const field = (tag, bytes) => Uint8Array.from([(tag << 3) | 2, ...varintBytes(bytes.length), ...bytes]);
  const string = (tag, value) => field(tag, [...Buffer.from(value, 'utf8')]);
  const attributes = Object.entries(resourceAttributes).flatMap(([key, value]) => {
    const anyValue = typeof value === 'number' ? [0x18, ...varintBytes(value)] : [...string(1, value)];
    return [...field(1, [...string(1, key), ...field(2, anyValue)])];
  });
  return {
    resource: field(1, attributes),
    scope: field(1, [...string(1, scope.name), ...string(2, scope.version)]),
  };
}

module.exports = { installFloorTracer };

/**
 * The floor tracer: the least work any tracer must do on Node's main thread to produce what otelite's
 * `init()` produces for a hello-world server's request, written by hand for that one shape only. It is a
 * yardstick for issue 26's main-thread target, not a product: no API, no processors, no sampler, no
 * limits, no retries, no configuration, roots only (the benches send no `traceparent`; one that comes is
 * read and taken as the parent), and it knows every attribute in advance.
 *
 * Per request, on `http.server.request.start`: `traceparent`, `host` and `user-agent` found in the raw
 * header list, 24 random id bytes taken from a pooled buffer, one clock read, one record, that record entered as the
 * request's async context (`AsyncLocalStorage.enterWith`, so a handler could find it: the floor every
 * tracer that shows the handler its span pays; on Node 20 it turns async_hooks on). On
 * `http.server.response.finish`: one clock read and the span written straight into the batch's
 * protobuf buffer (fields and attributes in otelite's order, keys pre-encoded, one-byte lengths and
 * ASCII written in one pass, anything else by `Buffer#utf8Write`). Every 512 spans the batch is framed
 * (resource and scope pre-encoded once) and POSTed to the receiver over a keep-alive agent, as otelite's
 * exporter does; answered batches' buffers are reused.
 *
 * The bytes per span are those otelite's exporter writes for the same request (same fields, same
 * attribute order, same values; test/bench/floor-tracer.test.ts decodes both and compares them).
 *
 *   const { installFloorTracer } = require('./floor-tracer.cjs');
 *   const flush = await installFloorTracer({ endpoint, resourceAttributes, scope });
 *
 * `flush()` sends the partial batch and resolves when every batch sent so far has been answered, with
 * `{ spans }`: how many spans the receiver acknowledged with a 2xx.
 *
 * For differential runs (bench/experiments/floor-parts.mjs), `FLOOR_TRACER_STOP` ends the work early:
 * `start` (the start subscriber only: headers, ids, clock, record, context; the finish does nothing),
 * `encode` (spans written, batches dropped instead of sent). Read once, at install.
 * `FLOOR_TRACER_BATCH` sets the spans per batch (512 unless given), e.g. to count what an export costs.
 */

'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');
const { randomFillSync } = require('node:crypto');
const { subscribe } = require('node:diagnostics_channel');
const http = require('node:http');
const { performance } = require('node:perf_hooks');

// Spans per batch: 512, as otelite's default; `FLOOR_TRACER_BATCH` sets another (for per-export costs).
const BATCH = Number(process.env.FLOOR_TRACER_BATCH) > 0 ? Number(process.env.FLOOR_TRACER_BATCH) : 512;
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
  constructor(pool, i, parent, start, request, socket, host, userAgent) {
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
    this.host = host;
    this.userAgent = userAgent;
  }
}

/** Writes `value` as a varint at `o`; returns the offset after it. */
function putVarint(b, o, value) {
  while (value > 0x7f) {
    b[o++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  b[o] = value;
  return o + 1;
}

const varintSize = (value) => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5);

/** A 32-bit word, little-endian (the halves of ids and of fixed64 times). */
function putWord(b, o, value) {
  b[o] = value;
  b[o + 1] = value >>> 8;
  b[o + 2] = value >>> 16;
  b[o + 3] = value >>> 24;
  return o + 4;
}

/**
 * A string `KeyValue` in the span's `attributes` field (tag 9): `key` is the encoded key field. When
 * every length fits one byte and the value is ASCII (the usual case), one pass writes it; otherwise
 * the general path does.
 */
function putStringAttribute(b, o, key, value) {
  const n = value.length;
  const k = key.length;
  if (k + n + 4 < 0x80) {
    const start = o;
    b[o] = 0x4a;
    b[o + 1] = k + n + 4;
    o += 2;
    for (let i = 0; i < k; i++) b[o + i] = key[i];
    o += k;
    b[o] = 0x12;
    b[o + 1] = n + 2;
    b[o + 2] = 0x0a;
    b[o + 3] = n;
    o += 4;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) return putStringAttributeSlowly(b, start, key, value);
      b[o + i] = c;
    }
    return o + n;
  }
  return putStringAttributeSlowly(b, o, key, value);
}

function putStringAttributeSlowly(b, o, key, value) {
  const length = Buffer.byteLength(value, 'utf8');
  const anyValue = 1 + varintSize(length) + length;
  b[o++] = 0x4a;
  o = putVarint(b, o, key.length + 1 + varintSize(anyValue) + anyValue);
  b.set(key, o);
  o += key.length;
  b[o++] = 0x12;
  o = putVarint(b, o, anyValue);
  b[o++] = 0x0a;
  o = putVarint(b, o, length);
  return o + b.utf8Write(value, o, length);
}

/** An int `KeyValue` (a non-negative int below 2^31, as ports and status codes are). */
function putIntAttribute(b, o, key, value) {
  const k = key.length;
  const anyValue = 1 + varintSize(value);
  b[o] = 0x4a;
  b[o + 1] = k + 2 + anyValue;
  o += 2;
  for (let i = 0; i < k; i++) b[o + i] = key[i];
  o += k;
  b[o] = 0x12;
  b[o + 1] = anyValue;
  b[o + 2] = 0x18;
  return putVarint(b, o + 3, value);
}

/** @returns {Promise<() => Promise<{ spans: number }>>} */
async function installFloorTracer({ endpoint, resourceAttributes, scope }) {
  const stop = process.env.FLOOR_TRACER_STOP;
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
  const putTime = (b, o, millis) => {
    const delta = Math.round(millis * 1e6);
    let low = originLow + (delta % TWO_32);
    let high = originHigh + Math.floor(delta / TWO_32);
    if (low >= TWO_32) {
      low -= TWO_32;
      high++;
    }
    return putWord(b, putWord(b, o, low), high);
  };

  const pool = new Uint32Array(ID_POOL_BYTES / 4);
  let poolAt = pool.length;
  let acknowledged = 0;
  const pending = new Set();

  // The batch being written, and the buffers of answered batches, kept for the next ones.
  const capacity = headRoom + BATCH * 320;
  const free = [];
  let buffer = Buffer.allocUnsafeSlow(capacity);
  let at = headRoom;
  let spans = 0;

  subscribe('http.server.request.start', ({ request, response, socket }) => {
    // The headers a tracer needs, from the raw list (building `request.headers` costs more).
    const raw = request.rawHeaders;
    let traceparent;
    let host;
    let userAgent;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      if (name.length === 4) {
        if (name === 'Host' || name.toLowerCase() === 'host') host = raw[i + 1];
      } else if (name.length === 10) {
        if (name === 'User-Agent' || name.toLowerCase() === 'user-agent') userAgent = raw[i + 1];
      } else if (name.length === 11 && name.toLowerCase() === 'traceparent') traceparent = raw[i + 1];
    }
    if (poolAt + 6 > pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const parent = traceparent !== undefined && traceparent.length === 55 ? traceparent : undefined;
    const span = new FloorSpan(pool, poolAt, parent, performance.now(), request, socket, host, userAgent);
    poolAt += 6;
    if (parent !== undefined) {
      // Trace id from the parent; the span id stays the drawn one.
      span.t0 = parseWordLe(parent, 3);
      span.t1 = parseWordLe(parent, 11);
      span.t2 = parseWordLe(parent, 19);
      span.t3 = parseWordLe(parent, 27);
    }
    response[kSpan] = span;
    storage.enterWith(span);
  });

  subscribe('http.server.response.finish', ({ response }) => {
    const span = response[kSpan];
    if (span === undefined) return;
    if (stop === 'start') {
      acknowledged++;
      return;
    }
    const end = performance.now();
    const request = span.request;
    const method = request.method;
    const target = request.url;
    const query = target.indexOf('?');
    const path = query === -1 ? target : target.slice(0, query);
    const host = span.host ?? '';
    const colon = host.lastIndexOf(':');
    const address = colon === -1 ? host : host.slice(0, colon);
    const port = colon === -1 ? 80 : Number(host.slice(colon + 1));
    const client = span.socket.remoteAddress ?? '';
    const userAgent = span.userAgent;
    const need = 512 + 3 * (target.length + host.length + client.length + method.length + (userAgent?.length ?? 0));
    if (at + need > buffer.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, at + need));
      buffer.copy(bigger, 0, 0, at);
      buffer = bigger;
    }
    const b = buffer;
    let o = at;
    b[o] = 0x12;
    const lengthAt = o + 1;
    o += 3; // two bytes kept for the span's length
    b[o] = 0x0a;
    b[o + 1] = 16;
    o = putWord(b, o + 2, span.t0);
    o = putWord(b, o, span.t1);
    o = putWord(b, o, span.t2);
    o = putWord(b, o, span.t3);
    b[o] = 0x12;
    b[o + 1] = 8;
    o = putWord(b, o + 2, span.s0);
    o = putWord(b, o, span.s1);
    if (span.parent !== undefined) {
      b[o] = 0x22;
      b[o + 1] = 8;
      o += 2 + b.write(span.parent.slice(36, 52), o + 2, 8, 'hex');
    }
    b[o] = 0x2a;
    o = putVarint(b, o + 1, Buffer.byteLength(method, 'latin1'));
    o += b.latin1Write(method, o);
    b[o] = 0x30;
    b[o + 1] = 2;
    b[o + 2] = 0x39;
    o = putTime(b, o + 3, span.start);
    b[o] = 0x41;
    o = putTime(b, o + 1, end);
    o = putStringAttribute(b, o, KEYS['http.request.method'], method);
    o = putStringAttribute(b, o, KEYS['url.scheme'], 'http');
    o = putStringAttribute(b, o, KEYS['url.path'], path);
    o = putStringAttribute(b, o, KEYS['network.protocol.version'], request.httpVersion);
    if (query !== -1) o = putStringAttribute(b, o, KEYS['url.query'], target.slice(query + 1));
    o = putStringAttribute(b, o, KEYS['server.address'], address);
    o = putIntAttribute(b, o, KEYS['server.port'], port);
    o = putStringAttribute(b, o, KEYS['client.address'], client);
    if (userAgent !== undefined) o = putStringAttribute(b, o, KEYS['user_agent.original'], userAgent);
    o = putIntAttribute(b, o, KEYS['http.response.status_code'], response.statusCode);
    b[o] = 0x7a;
    b[o + 1] = 0;
    b[o + 2] = 0x85;
    b[o + 3] = 0x01;
    // Root: sampled and random (W3C level 2), not remote; child: the parent's flags, remote parent.
    o = putWord(b, o + 4, span.parent === undefined ? 0x103 : 0x300 | Number.parseInt(span.parent.slice(53, 55), 16));
    // The span's length, in the two bytes kept for it (the span moved when it needs another size).
    const length = o - lengthAt - 2;
    if (length >= 0x80 && length < 0x4000) {
      b[lengthAt] = (length & 0x7f) | 0x80;
      b[lengthAt + 1] = length >>> 7;
    } else {
      const size = varintSize(length);
      b.copy(b, lengthAt + size, lengthAt + 2, o);
      o += size - 2;
      putVarint(b, lengthAt, length);
    }
    at = o;
    if (++spans === BATCH) send();
  });

  function send() {
    if (spans === 0) return;
    const count = spans;
    const sent = buffer;
    const body = frame(sent, headRoom, at, prefix);
    buffer = free.pop() ?? Buffer.allocUnsafeSlow(capacity);
    at = headRoom;
    spans = 0;
    if (stop === 'encode') {
      acknowledged += count;
      if (sent.length === capacity) free.push(sent);
      return;
    }
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
            if (sent.length === capacity) free.push(sent);
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

/** The 32-bit little-endian word of the hex at `offset` (8 hex digits, bytes in order). */
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

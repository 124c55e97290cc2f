import {
  context,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type SpanContext,
} from '@opentelemetry/api';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOtlpEnvironment } from '../../../src/export/otlp/otlp-environment.js';
import { environmentOf, withEnvironment } from '../../support/environment.js';
import { AsyncLocalStorageContextManager } from '../../../src/platform/node/context/async-local-storage-context-manager.js';
import { isTracingSuppressed } from '../../../src/context/suppress-tracing.js';
import { failureCounts } from '../../../src/diagnostics/report.js';
import { isExporterRequest } from '../../../src/transport/exporter-requests.js';
import { resolveExporterOptions } from '../../../src/export/otlp/otlp-exporter-options.js';
import { OTLPTraceExporter } from '../../../src/export/otlp/otlp-trace-exporter.js';
import type { OTLPTraceExporterOptions } from '../../../src/export/otlp/otlp-exporter-options.js';
import { ExportResultCode } from '../../../src/export/span-exporter.js';
import { BatchSpanProcessor } from '../../../src/processing/batch-span-processor.js';
import { resourceFromAttributes } from '../../../src/resource/resource.js';
import { TracerProvider } from '../../../src/trace/tracer-provider.js';
import { clockNanosToHrTime, clockNanosToUnixNanoBigInt, nanosToHrTime } from '../../../src/trace/clock.js';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../../src/trace/finished-span.js';
import { startOtlpTestReceiver, type OtlpTestReceiver } from './otlp-test-receiver.js';
import { throwingContextManager } from '../../support/global-context-manager.js';

const SECRET = 'Bearer s3cret-token-value';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

// ---------------------------------------------------------------- fixtures

const resource = {
  attributes: { 'service.name': 'checkout', 'service.instance.id': 'i-1' },
  schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
};
const scope = { name: 'test-scope', version: '1.2.3' };
let nextSpanId = 1;

function spanContext(spanId: string, extra: Partial<SpanContext> = {}): SpanContext {
  return { traceId: TRACE_ID, spanId, traceFlags: 1, ...extra };
}

function makeSpan(overrides: Partial<Omit<FinishedSpan, 'spanContext'>> & { context?: SpanContext } = {}): FinishedSpan {
  const spanId = (nextSpanId++).toString(16).padStart(16, '0');
  const { context: ownContext = spanContext(spanId), ...rest } = overrides;
  const startTimeNanos = rest.startTimeNanos ?? 1_000_000_000;
  const endTimeNanos = rest.endTimeNanos ?? 1_250_000_000;
  return {
    name: 'operation',
    kind: SpanKind.INTERNAL,
    spanContext: () => ownContext,
    parentSpanContext: undefined,
    startTimeNanos,
    endTimeNanos,
    get startTime() {
      return clockNanosToHrTime(startTimeNanos);
    },
    get endTime() {
      return clockNanosToHrTime(endTimeNanos);
    },
    get duration() {
      return nanosToHrTime(endTimeNanos - startTimeNanos);
    },
    attributes: {},
    events: [],
    links: [],
    status: { code: SpanStatusCode.UNSET },
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ended: true,
    ...rest,
  };
}

const spanIdOf = (span: FinishedSpan): string => span.spanContext().spanId;

/** A span that uses every feature: remote parent, trace state, links, events, every attribute type, error status, dropped counts. */
function fullSpan(): FinishedSpan {
  const attributes: Attributes = {
    'http.method': 'GET',
    'http.status_code': 503,
    ratio: 0.25,
    retried: true,
    tags: ['a', 'b'],
    ports: [80, 443],
    weights: [0.5, 1.5],
    flags: [true, false],
  };
  const event: SpanEvent = {
    name: 'exception',
    timeNanos: 1_100_000_000,
    time: clockNanosToHrTime(1_100_000_000),
    attributes: { 'exception.message': 'boom' },
    droppedAttributesCount: 2,
  };
  const link: SpanLink = {
    context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true },
    attributes: { 'link.kind': 'follows' },
    droppedAttributesCount: 1,
  };
  const traceState = {
    serialize: () => 'vendor=value',
    get: () => undefined,
    set() {
      return this;
    },
    unset() {
      return this;
    },
  };
  return makeSpan({
    name: 'GET /cart',
    kind: SpanKind.SERVER,
    context: spanContext('b7ad6b7169203331', { traceState }),
    parentSpanContext: { traceId: TRACE_ID, spanId: '53995c3f42cd8ad8', traceFlags: 1, isRemote: true },
    startTimeNanos: 1_000_000_000,
    endTimeNanos: 1_500_000_000,
    attributes,
    events: [event],
    links: [link],
    status: { code: SpanStatusCode.ERROR, message: 'upstream unavailable' },
    droppedAttributesCount: 3,
    droppedEventsCount: 4,
    droppedLinksCount: 5,
  });
}

// ---------------------------------------------------------------- harness

let receiver: OtlpTestReceiver;
let exporters: OTLPTraceExporter[];
const diagMessages: string[] = [];
/** Every diag message of the file (reportError logs at most 5 per kind per minute, so later tests see fewer). */
const allDiagMessages: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const collect = (...args: unknown[]): void => {
  const message = args.map(String).join(' ');
  diagMessages.push(message);
  allDiagMessages.push(message);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  diag.setLogger({ error: collect, warn: collect, info: collect, debug: collect, verbose: collect }, DiagLogLevel.ALL);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  diag.disable();
  expect(unhandled).toEqual([]);
  // Header values are secrets: nothing this file logged may contain one.
  expect(allDiagMessages.length).toBeGreaterThan(10);
  expect(allDiagMessages.join('\n')).not.toContain('s3cret');
});

beforeEach(async () => {
  receiver = await startOtlpTestReceiver();
  exporters = [];
  diagMessages.length = 0;
});

afterEach(async () => {
  await Promise.all(exporters.map((exporter) => exporter.shutdown()));
  await receiver.close();
  expect(unhandled).toEqual([]);
  expect(diagMessages.join('\n')).not.toContain('s3cret');
});

/** Fast retries for tests: 1 ms waits, no jitter. */
const FAST_RETRY = { initialBackoffMillis: 1, maxBackoffMillis: 1, jitter: 0 };

function exporter(options: OTLPTraceExporterOptions = {}, env: Record<string, string> = {}): OTLPTraceExporter {
  const created = withEnvironment(env, () => new OTLPTraceExporter({ url: receiver.url, retry: FAST_RETRY, ...options }));
  exporters.push(created);
  return created;
}

function exportCount(): number {
  return failureCounts().export ?? 0;
}

// ---------------------------------------------------------------- tests

describe('OTLPTraceExporter: what the receiver gets', () => {
  it('delivers every field of a span as binary protobuf', async () => {
    const span = fullSpan();
    const result = await exporter({ headers: { Authorization: SECRET } }).export([span]);
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request.headers['content-type']).toBe('application/x-protobuf');
    expect(request.headers.authorization).toBe(SECRET);
    expect(request.headers['user-agent']).toMatch(/^otelite\//);
    expect(request.decodeError).toBeUndefined();

    const message = request.message!;
    expect(message.resourceSpans).toHaveLength(1);
    const resourceSpans = message.resourceSpans[0];
    expect(resourceSpans.schemaUrl).toBe(resource.schemaUrl);
    expect(Object.fromEntries(resourceSpans.resource!.attributes.map((kv) => [kv.key, kv.value?.value.value]))).toEqual(
      resource.attributes,
    );
    const scopeSpans = resourceSpans.scopeSpans[0];
    expect(scopeSpans.scope?.name).toBe('test-scope');
    expect(scopeSpans.scope?.version).toBe('1.2.3');
    const decoded = scopeSpans.spans[0];
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(hex(decoded.traceId)).toBe(TRACE_ID);
    expect(hex(decoded.spanId)).toBe('b7ad6b7169203331');
    expect(hex(decoded.parentSpanId)).toBe('53995c3f42cd8ad8');
    expect(decoded.traceState).toBe('vendor=value');
    // W3C flags in the low byte, plus HAS_IS_REMOTE (0x100) and IS_REMOTE (0x200) for a remote parent.
    expect(decoded.flags).toBe(0x301);
    expect(decoded.name).toBe('GET /cart');
    expect(decoded.kind).toBe(2); // SPAN_KIND_SERVER
    expect(decoded.startTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(1_000_000_000));
    expect(decoded.endTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(1_500_000_000));
    expect(Object.fromEntries(decoded.attributes.map((kv) => [kv.key, kv.value?.value]))).toEqual({
      'http.method': { case: 'stringValue', value: 'GET' },
      'http.status_code': { case: 'intValue', value: 503n },
      ratio: { case: 'doubleValue', value: 0.25 },
      retried: { case: 'boolValue', value: true },
      tags: {
        case: 'arrayValue',
        value: expect.objectContaining({
          values: [
            expect.objectContaining({ value: { case: 'stringValue', value: 'a' } }),
            expect.objectContaining({ value: { case: 'stringValue', value: 'b' } }),
          ],
        }),
      },
      ports: {
        case: 'arrayValue',
        value: expect.objectContaining({
          values: [
            expect.objectContaining({ value: { case: 'intValue', value: 80n } }),
            expect.objectContaining({ value: { case: 'intValue', value: 443n } }),
          ],
        }),
      },
      weights: {
        case: 'arrayValue',
        value: expect.objectContaining({
          values: [
            expect.objectContaining({ value: { case: 'doubleValue', value: 0.5 } }),
            expect.objectContaining({ value: { case: 'doubleValue', value: 1.5 } }),
          ],
        }),
      },
      flags: {
        case: 'arrayValue',
        value: expect.objectContaining({
          values: [
            expect.objectContaining({ value: { case: 'boolValue', value: true } }),
            expect.objectContaining({ value: { case: 'boolValue', value: false } }),
          ],
        }),
      },
    });
    expect(decoded.droppedAttributesCount).toBe(3);
    expect(decoded.droppedEventsCount).toBe(4);
    expect(decoded.droppedLinksCount).toBe(5);
    expect(decoded.events).toHaveLength(1);
    expect(decoded.events[0].name).toBe('exception');
    expect(decoded.events[0].timeUnixNano).toBe(clockNanosToUnixNanoBigInt(1_100_000_000));
    expect(decoded.events[0].attributes[0]).toMatchObject({
      key: 'exception.message',
      value: { value: { case: 'stringValue', value: 'boom' } },
    });
    expect(decoded.events[0].droppedAttributesCount).toBe(2);
    expect(decoded.links).toHaveLength(1);
    expect(hex(decoded.links[0].traceId)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(hex(decoded.links[0].spanId)).toBe('00f067aa0ba902b7');
    expect(decoded.links[0].flags).toBe(0x301);
    expect(decoded.links[0].attributes[0]).toMatchObject({ key: 'link.kind', value: { value: { case: 'stringValue', value: 'follows' } } });
    expect(decoded.links[0].droppedAttributesCount).toBe(1);
    expect(decoded.status?.code).toBe(2); // STATUS_CODE_ERROR
    expect(decoded.status?.message).toBe('upstream unavailable');
  });

  it('sends OTLP/JSON with hex ids and integer enums', async () => {
    const result = await exporter({ protocol: 'http/json' }).export([fullSpan()]);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const [request] = receiver.requests;
    expect(request.headers['content-type']).toBe('application/json');
    const span = request.json.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.spanId).toBe('b7ad6b7169203331');
    expect(span.parentSpanId).toBe('53995c3f42cd8ad8');
    expect(span.kind).toBe(2);
    expect(span.status.code).toBe(2);
    expect(span.links[0].spanId).toBe('00f067aa0ba902b7');
    expect(String(span.startTimeUnixNano)).toBe(String(clockNanosToUnixNanoBigInt(1_000_000_000)));
  });

  it('gzips the body when asked; the receiver gunzips the same spans', async () => {
    const spans = Array.from({ length: 20 }, () => makeSpan({ attributes: { text: 'x'.repeat(200) } }));
    expect((await exporter({ compression: 'gzip' }).export(spans)).code).toBe(ExportResultCode.SUCCESS);
    const [request] = receiver.requests;
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.rawBody.length).toBeLessThan(request.body.length);
    expect(request.spanIds).toEqual(spans.map(spanIdOf));
  });

  it('resolves FAILED instead of throwing when called with something that is not spans', async () => {
    const result = await exporter().export(null as never, 5 as never);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends nothing for an empty batch', async () => {
    expect(await exporter().export([])).toEqual({ code: ExportResultCode.SUCCESS });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('OTLPTraceExporter: spans from the SDK', () => {
  it('delivers spans a TracerProvider records, through a batch processor, after a retry', async () => {
    receiver.script({ status: 503 });
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'e2e' }),
      spanProcessors: [new BatchSpanProcessor(exporter({ compression: 'gzip' }), { scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('e2e-scope', '0.0.1');
    const remoteParent = { traceId: TRACE_ID, spanId: '53995c3f42cd8ad8', traceFlags: 1, isRemote: true };
    const span = tracer.startSpan(
      'GET /items',
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': 'GET', count: 2, ok: true },
        links: [{ context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 } }],
      },
      trace.setSpanContext(ROOT_CONTEXT, remoteParent),
    );
    span.addEvent('cache miss', { key: 'k1' });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    span.end();
    tracer.startSpan('second').end();
    await provider.forceFlush();
    await provider.shutdown();

    expect(receiver.requests).toHaveLength(2);
    const [scopeSpans] = receiver.requests[1].message!.resourceSpans[0].scopeSpans;
    const serviceName = receiver.requests[1].message!.resourceSpans[0].resource?.attributes.find((kv) => kv.key === 'service.name');
    expect(serviceName?.value?.value).toEqual({ case: 'stringValue', value: 'e2e' });
    expect(scopeSpans.scope).toMatchObject({ name: 'e2e-scope', version: '0.0.1' });
    expect(scopeSpans.spans.map((s) => s.name)).toEqual(['GET /items', 'second']);
    const [server] = scopeSpans.spans;
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(hex(server.traceId)).toBe(TRACE_ID);
    expect(hex(server.spanId)).toBe(span.spanContext().spanId);
    expect(hex(server.parentSpanId)).toBe('53995c3f42cd8ad8');
    expect(server.kind).toBe(2);
    expect(server.attributes.map((kv) => kv.key)).toEqual(['http.request.method', 'count', 'ok']);
    expect(server.events.map((event) => event.name)).toEqual(['cache miss']);
    expect(hex(server.links[0].spanId)).toBe('00f067aa0ba902b7');
    expect(server.status).toMatchObject({ code: 2, message: 'failed' });
    expect(server.endTimeUnixNano).toBeGreaterThanOrEqual(server.startTimeUnixNano);
    expect([...receiver.deliveredSpanIds().values()]).toEqual([1, 1]);
  });
});

describe('OTLPTraceExporter: retries', () => {
  for (const status of [429, 502, 503, 504]) {
    it(`retries ${status}, then delivers the spans exactly once`, async () => {
      receiver.script({ status });
      const spans = [makeSpan(), makeSpan()];
      expect(await exporter().export(spans)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(receiver.requests).toHaveLength(2);
      expect(receiver.requests[1].spanIds).toEqual(receiver.requests[0].spanIds);
      expect([...receiver.deliveredSpanIds()]).toEqual(spans.map((span) => [spanIdOf(span), 1]));
    });
  }

  for (const status of [400, 401, 403, 404, 413, 500, 501]) {
    it(`does not retry ${status}`, async () => {
      receiver.script({ status, errorMessage: `no thanks (${status})` });
      const before = exportCount();
      const result = await exporter({ headers: { authorization: SECRET } }).export([makeSpan()]);
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error?.message).toContain(`answered ${status}`);
      expect(result.error?.message).toContain(`no thanks (${status})`);
      expect(result.error?.message).not.toContain('s3cret');
      expect(receiver.requests).toHaveLength(1);
      expect(exportCount()).toBe(before + 1);
    });
  }

  it('reads a JSON error body when the response is JSON', async () => {
    receiver.script({ status: 400, errorMessage: 'bad json payload' });
    const result = await exporter({ protocol: 'http/json' }).export([makeSpan()]);
    expect(result.error?.message).toMatch(/answered 400 Bad Request: bad json payload/);
  });

  it('gives up after maxAttempts with the last error', async () => {
    receiver.script({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const result = await exporter({ retry: { ...FAST_RETRY, maxAttempts: 3 } }).export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/answered 503 Service Unavailable \(gave up after 3 attempts\)/);
    expect(receiver.requests).toHaveLength(3);
  });

  it('honours Retry-After in seconds over its own backoff', async () => {
    // A 60 s backoff would time the test out: the retry comes at once because the receiver says 0.
    receiver.script({ status: 429, headers: { 'retry-after': '0' } });
    const result = await exporter({ retry: { initialBackoffMillis: 60_000, maxBackoffMillis: 60_000 } }).export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests).toHaveLength(2);
  });

  it('waits the Retry-After seconds before retrying', async () => {
    receiver.script({ status: 503, headers: { 'retry-after': '1' } });
    const started = Date.now();
    expect((await exporter().export([makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('honours Retry-After as an HTTP date', async () => {
    receiver.script({ status: 503, headers: { 'retry-after': new Date(Date.now() - 5000).toUTCString() } });
    const result = await exporter({ retry: { initialBackoffMillis: 60_000, maxBackoffMillis: 60_000 } }).export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests).toHaveLength(2);
  });

  it('does not retry when Retry-After reaches past the export deadline', async () => {
    receiver.script({ status: 503, headers: { 'retry-after': '3600' } });
    const result = await exporter().export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/no retry: the export deadline comes first/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('fails a request the receiver never answers after timeoutMillis', async () => {
    receiver.script({ neverAnswer: true });
    const result = await exporter({ timeoutMillis: 150, exportTimeoutMillis: 5000, retry: { maxAttempts: 1 } }).export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/timed out after 150 ms/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries after a timeout', async () => {
    receiver.script({ neverAnswer: true });
    const spans = [makeSpan()];
    expect((await exporter({ timeoutMillis: 150 }).export(spans)).code).toBe(ExportResultCode.SUCCESS);
    // The first attempt times out and is retried. On a loaded machine an answered attempt can also take
    // longer than 150 ms and be retried once more, so the count is at least 2, not exactly 2.
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect([...receiver.deliveredSpanIds().keys()]).toEqual([spanIdOf(spans[0])]);
  });

  it('retries a connection the receiver destroys mid-request', async () => {
    receiver.script({ destroySocket: true }, { destroySocket: true });
    expect((await exporter().export([makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests).toHaveLength(3);
  });

  it('retries a refused connection, then fails', async () => {
    const url = receiver.url;
    await receiver.close();
    receiver = await startOtlpTestReceiver();
    const result = await exporter({ url, retry: { ...FAST_RETRY, maxAttempts: 3 } }).export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/ECONNREFUSED.*gave up after 3 attempts/);
  });

  it('stops waiting at once when the caller aborts', async () => {
    receiver.script({ status: 503 });
    const controller = new AbortController();
    const exporting = exporter({ retry: { initialBackoffMillis: 20_000, maxBackoffMillis: 20_000 } }).export([makeSpan()], {
      signal: controller.signal,
    });
    // Abort once the first attempt has been answered (503), i.e. while the exporter sits in its 20 s
    // backoff; a fixed delay could fire before the request reached the receiver on a loaded machine.
    while (receiver.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const result = await exporting;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('export aborted by its caller');
    expect(receiver.requests).toHaveLength(1);
  });

  it('ends the export at exportTimeoutMillis, retries included', async () => {
    receiver.script({ neverAnswer: true }, { neverAnswer: true }, { neverAnswer: true });
    const result = await exporter({ timeoutMillis: 10_000, exportTimeoutMillis: 200 }).export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/did not finish within exportTimeoutMillis \(200 ms\)/);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('OTLPTraceExporter: responses', () => {
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`counts a ${protocol} partial success as success and logs it once`, async () => {
      receiver.script({ partialSuccess: { rejectedSpans: 3, errorMessage: 'attribute too long' } });
      const result = await exporter({ protocol }).export([makeSpan(), makeSpan(), makeSpan()]);
      expect(result).toEqual({ code: ExportResultCode.SUCCESS });
      expect(receiver.requests).toHaveLength(1);
      const logged = diagMessages.filter((message) => message.includes('partially'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain('3 spans rejected');
      expect(logged[0]).toContain('attribute too long');
    });
  }

  it('logs a partial success that only warns', async () => {
    receiver.script({ partialSuccess: { rejectedSpans: 0, errorMessage: 'use a newer schema' } });
    expect((await exporter().export([makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
    expect(diagMessages.filter((message) => message.includes('use a newer schema'))).toHaveLength(1);
  });

  it('discards a 200 response body over 4 MiB without buffering it', async () => {
    receiver.script({ streamBytes: 64 * 1024 * 1024 });
    const result = await exporter().export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.streamedBytes).toBeLessThan(64 * 1024 * 1024);
    expect(diagMessages.some((message) => message.includes('exceeds the 4194304-byte limit'))).toBe(true);
  });

  it('treats an oversize 503 response as final', async () => {
    receiver.script({ status: 503, streamBytes: 5 * 1024 * 1024, announceLength: true });
    const result = await exporter().export([makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/503.*exceeds the 4194304-byte limit/);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('OTLPTraceExporter: request size limit', () => {
  it('splits a batch over maxRequestBytes and delivers every span once', async () => {
    const spans = Array.from({ length: 10 }, () => makeSpan({ attributes: { text: 'x'.repeat(300) } }));
    const result = await exporter({ maxRequestBytes: 1500 }).export(spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests.length).toBeGreaterThan(1);
    for (const request of receiver.requests) expect(request.body.length).toBeLessThanOrEqual(1500);
    expect([...receiver.deliveredSpanIds()]).toEqual(spans.map((span) => [spanIdOf(span), 1]));
  });

  it('drops and reports a single span that alone exceeds the limit', async () => {
    const small = makeSpan();
    const huge = makeSpan({ attributes: { text: 'x'.repeat(5000) } });
    const before = exportCount();
    const result = await exporter({ maxRequestBytes: 1000 }).export([small, huge]);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect([...receiver.deliveredSpanIds().keys()]).toEqual([spanIdOf(small)]);
    expect(exportCount()).toBe(before + 1);
  });
});

describe('OTLPTraceExporter: concurrency, flush and shutdown', () => {
  it('bounds exports in flight; the one past the bound fails at once and is counted', async () => {
    receiver.script({ delayMillis: 150 });
    const bounded = exporter({ maxConcurrentExports: 1 });
    const first = bounded.export([makeSpan()]);
    const before = exportCount();
    const second = await bounded.export([makeSpan()]);
    expect(second.code).toBe(ExportResultCode.FAILED);
    expect(second.error?.message).toMatch(/1 exports already in flight.*1 spans dropped/);
    expect(exportCount()).toBe(before + 1);
    expect((await first).code).toBe(ExportResultCode.SUCCESS);
    expect((await bounded.export([makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
  });

  it('allows maxConcurrentExports exports at once', async () => {
    receiver.script({ delayMillis: 50 }, { delayMillis: 50 });
    const concurrent = exporter();
    const results = await Promise.all([concurrent.export([makeSpan()]), concurrent.export([makeSpan()])]);
    expect(results.map((result) => result.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
  });

  it('forceFlush waits for exports in flight', async () => {
    receiver.script({ delayMillis: 100 });
    const flushing = exporter();
    let settled = false;
    void flushing.export([makeSpan()]).then(() => (settled = true));
    await flushing.forceFlush();
    expect(settled).toBe(true);
    expect(receiver.requests).toHaveLength(1);
  });

  it('shutdown waits for exports in flight, is idempotent, and fails later exports at once', async () => {
    receiver.script({ delayMillis: 100 });
    const closing = exporter();
    const inFlight = closing.export([makeSpan()]);
    const first = closing.shutdown();
    const second = closing.shutdown();
    await Promise.all([first, second]);
    expect((await inFlight).code).toBe(ExportResultCode.SUCCESS);
    const after = await closing.export([makeSpan()]);
    expect(after.code).toBe(ExportResultCode.FAILED);
    expect(after.error?.message).toMatch(/shut down/);
    expect(receiver.requests).toHaveLength(1);
    await closing.shutdown();
  });
});

describe('OTLPTraceExporter: never traced', () => {
  it('sends from a suppressed context and marks its requests', async () => {
    const manager = new AsyncLocalStorageContextManager();
    context.setGlobalContextManager(manager.enable());
    const seen: Array<{ suppressed: boolean; marked: boolean }> = [];
    const onStart = (message: unknown): void => {
      const { request } = message as { request: ClientRequest };
      seen.push({ suppressed: isTracingSuppressed(context.active()), marked: isExporterRequest(request) });
    };
    subscribe('http.client.request.start', onStart);
    try {
      receiver.script({ status: 503 });
      expect((await exporter().export([makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
    } finally {
      unsubscribe('http.client.request.start', onStart);
      context.disable();
    }
    expect(seen).toEqual([
      { suppressed: true, marked: true },
      { suppressed: true, marked: true },
    ]);
  });

  it('delivers its spans when the global context manager throws, and reports the manager once', async () => {
    const broken = new Error('this context manager is broken');
    context.setGlobalContextManager(throwingContextManager(broken));
    const spans = [makeSpan(), makeSpan()];
    try {
      expect((await exporter().export(spans)).code).toBe(ExportResultCode.SUCCESS);
    } finally {
      context.disable();
    }
    const [request] = receiver.requests;
    expect(request.spanIds).toEqual(spans.map(spanIdOf));
    // Reported where the export stepped around it; the request made under it (same error) is not reported again.
    expect(diagMessages.filter((message) => message.includes('this context manager is broken'))).toEqual([
      expect.stringMatching(/context manager failed \(exporting without it\)/),
    ]);
  });
});

describe('OTLPTraceExporter: configuration', () => {
  const resolve = (options: OTLPTraceExporterOptions, env: Record<string, string>) =>
    resolveExporterOptions(options, readOtlpEnvironment(environmentOf(env)));

  it('defaults', () => {
    const settings = resolve({}, {});
    expect(settings.url.href).toBe('http://localhost:4318/v1/traces');
    expect(settings.headers).toEqual({});
    expect(settings.timeoutMillis).toBe(10_000);
    expect(settings.compression).toBe('none');
    expect(settings.protocol).toBe('http/protobuf');
    expect(settings.maxConcurrentExports).toBe(2);
    expect(settings.exportTimeoutMillis).toBe(70_000);
    expect(settings.maxResponseBytes).toBe(4 * 1024 * 1024);
    expect(settings.maxRequestBytes).toBe(64 * 1024 * 1024);
    expect(settings.retry).toEqual({
      maxAttempts: 5,
      initialBackoffMillis: 1000,
      maxBackoffMillis: 5000,
      backoffMultiplier: 1.5,
      jitter: 0.2,
    });
  });

  // Each row: what options and environment say, and what wins (options > TRACES_ > general > default).
  const general = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-a=general,x-b=general',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  };
  const specific = {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://specific:4318/custom/path',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-b=specific,x-c=specific',
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
    OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
  };
  const options: OTLPTraceExporterOptions = {
    url: 'https://option:4318/v1/traces',
    headers: { 'X-C': 'option', 'x-d': 'option' },
    timeoutMillis: 4000,
    compression: 'gzip',
    protocol: 'http/json',
  };

  it.each([
    [
      'general variables',
      {},
      general,
      ['http://general:4318/v1/traces', { 'x-a': 'general', 'x-b': 'general' }, 2000, 'gzip', 'http/json'],
    ],
    [
      'TRACES_ variables over general ones',
      {},
      { ...general, ...specific },
      ['http://specific:4318/custom/path', { 'x-a': 'general', 'x-b': 'specific', 'x-c': 'specific' }, 3000, 'none', 'http/protobuf'],
    ],
    [
      'options over everything',
      options,
      { ...general, ...specific },
      [
        'https://option:4318/v1/traces',
        { 'x-a': 'general', 'x-b': 'specific', 'x-c': 'option', 'x-d': 'option' },
        4000,
        'gzip',
        'http/json',
      ],
    ],
  ] as const)('%s', (_name, given, env, [url, headers, timeoutMillis, compression, protocol]) => {
    const settings = resolve(given, env);
    expect(settings.url.href).toBe(url);
    expect(settings.headers).toEqual(headers);
    expect(settings.timeoutMillis).toBe(timeoutMillis);
    expect(settings.compression).toBe(compression);
    expect(settings.protocol).toBe(protocol);
    expect(settings.exportTimeoutMillis).toBe(timeoutMillis * 5 + 4 * 5000);
  });

  it('turns grpc into http/protobuf with a warning, from options or environment', () => {
    expect(resolve({ protocol: 'grpc' as never }, {}).protocol).toBe('http/protobuf');
    expect(resolve({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).protocol).toBe('http/protobuf');
    expect(diagMessages.filter((message) => message.includes('grpc'))).toHaveLength(2);
  });

  it('warns once per invalid option and uses the fallback', () => {
    const settings = resolve(
      {
        url: 'ftp://user:hunter2@example.com',
        timeoutMillis: -1,
        compression: 'brotli' as never,
        maxConcurrentExports: 0,
        exportTimeoutMillis: Number.NaN,
        maxResponseBytes: 1.5,
        retry: { maxAttempts: 0, jitter: 2, backoffMultiplier: 0.5 },
        headers: { Authorization: SECRET, 'bad header': 'x' },
      },
      { OTEL_EXPORTER_OTLP_TIMEOUT: '1234' },
    );
    expect(settings.url.href).toBe('http://localhost:4318/v1/traces');
    expect(settings.timeoutMillis).toBe(1234);
    expect(settings.compression).toBe('none');
    expect(settings.maxConcurrentExports).toBe(2);
    expect(settings.exportTimeoutMillis).toBe(1234 * 5 + 4 * 5000);
    expect(settings.maxResponseBytes).toBe(4 * 1024 * 1024);
    expect(settings.retry.maxAttempts).toBe(5);
    expect(settings.retry.jitter).toBe(0.2);
    expect(settings.retry.backoffMultiplier).toBe(1.5);
    expect(settings.headers).toEqual({ authorization: SECRET });
    const warnings = diagMessages.join('\n');
    for (const name of [
      'url',
      'timeoutMillis',
      'compression',
      'maxConcurrentExports',
      'exportTimeoutMillis',
      'maxResponseBytes',
      'retry.maxAttempts',
      'retry.jitter',
      'retry.backoffMultiplier',
      '"bad header"',
    ]) {
      expect(warnings).toContain(name);
    }
    expect(warnings).not.toContain('hunter2');
  });

  it('takes url, headers, protocol and compression from the environment end to end', async () => {
    const fromEnv = withEnvironment(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(SECRET)}`,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      },
      () => new OTLPTraceExporter({ retry: FAST_RETRY }),
    );
    exporters.push(fromEnv);
    expect((await fromEnv.export([makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
    const [request] = receiver.requests;
    expect(request.path).toBe('/v1/traces');
    expect(request.headers.authorization).toBe(SECRET);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['content-encoding']).toBe('gzip');
  });

  it('reads process.env when no environment is given', async () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `http://127.0.0.1:${receiver.port}/from/env`;
    try {
      const fromProcess = new OTLPTraceExporter({ retry: FAST_RETRY });
      exporters.push(fromProcess);
      expect((await fromProcess.export([makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
      expect(receiver.requests[0].path).toBe('/from/env');
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = saved;
    }
  });

  it('keeps header values out of every log and error', async () => {
    const before = exportCount();
    receiver.script({ status: 401, errorMessage: 'unauthenticated' });
    const secretive = exporter({ headers: { authorization: SECRET, 'x-api-key': 's3cret-2' } });
    const denied = await secretive.export([makeSpan()]);
    const closedUrl = receiver.url;
    await receiver.close();
    receiver = await startOtlpTestReceiver();
    const refused = await exporter({ url: closedUrl, headers: { authorization: SECRET }, retry: { ...FAST_RETRY, maxAttempts: 2 } }).export(
      [makeSpan()],
    );
    for (const result of [denied, refused]) {
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(JSON.stringify({ message: result.error?.message, cause: String(result.error?.cause) })).not.toContain('s3cret');
    }
    expect(exportCount()).toBe(before + 2);
    // The logs themselves are checked after each test and over the whole file (afterEach, afterAll).
  });
});

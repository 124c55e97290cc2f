import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clockNanosToUnixNanoBigInt } from '../../../src/trace/clock.js';
import {
  findTracesV3,
  getTraceV1,
  plainAttributes,
  servicesV3,
  tagRecord,
  type TypedValue,
  type V1Span,
  type V3Span,
} from './jaeger-api.js';
import { JAEGER_VERSION, listeningAddresses, startJaeger, type JaegerInstance } from './jaeger.mjs';
import {
  ITEMS,
  runTwoServiceScenario,
  TYPED_SERVICE,
  type Compression,
  type PrintedSpan,
  type Protocol,
  type ScenarioRun,
} from './two-service-scenario.js';

/**
 * The demo's two services and a hand-made span, exported by otelite to a real Jaeger v2, read back
 * through Jaeger's query APIs and compared field by field with what the applications created. Once per
 * wire format: protobuf, JSON, and gzip-compressed protobuf; each run gets a fresh Jaeger (in memory).
 */

const binary = inject('jaegerBinary');
const skipReason = inject('jaegerSkipReason');
const packageVersion = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
const built = (() => {
  try {
    readFileSync(join(process.cwd(), 'dist/src/index.js'));
    return true;
  } catch {
    return false;
  }
})();

/** OTLP `SpanKind` numbers, as API v3 returns them. */
const KIND_NUMBERS: Record<PrintedSpan['kind'], number> = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };

const runs: { protocol: Protocol; compression: Compression }[] = [
  { protocol: 'http/protobuf', compression: 'none' },
  { protocol: 'http/json', compression: 'none' },
  { protocol: 'http/protobuf', compression: 'gzip' },
];

/** `value` typed as the OTLP JSON would type what the application set (JSON has one number type: whole numbers are ints here). */
function expectedTyped(value: unknown): TypedValue {
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'int' : 'double', value };
  if (Array.isArray(value)) return { type: 'array', value: value as TypedValue['value'] };
  throw new Error(`no attribute type for ${String(value)}`);
}

function nanosOf([seconds, nanos]: [number, number]): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

/** Polls until `read` returns `count` items or more (the services have flushed before this is called, so it is normally at once). */
async function readUntil<T>(read: () => Promise<T[]>, count: number): Promise<T[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const items = await read();
    if (items.length >= count || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!binary || !built)(
  `Jaeger ${JAEGER_VERSION}${!binary ? ` (skipped: ${skipReason || 'no Jaeger binary'})` : !built ? ' (skipped: dist/ is missing; run npm run build)' : ''}`,
  () => {
    describe.each(runs)('$protocol, compression $compression', ({ protocol, compression }) => {
      let jaeger: JaegerInstance;
      let run: ScenarioRun;
      let frontendSpans: V3Span[];
      let typedSpans: V3Span[];

      beforeAll(async () => {
        jaeger = await startJaeger({ binary });
        run = await runTwoServiceScenario(jaeger.otlpUrl!, protocol, compression);
        const query = { startTimeMin: run.window.start, startTimeMax: run.window.end };
        frontendSpans = await readUntil(() => findTracesV3(jaeger.queryUrl!, { ...query, serviceName: 'frontend' }), ITEMS.length * 3);
        typedSpans = await readUntil(() => findTracesV3(jaeger.queryUrl!, { ...query, serviceName: TYPED_SERVICE }), 1);
      });

      afterAll(async () => {
        await jaeger?.stop();
      });

      it('the applications behaved as the demo does: 200, 200, 502, both services ended by SIGTERM', () => {
        expect(run.requests).toEqual([
          { item: '42', status: 200 },
          { item: '7', status: 200 },
          { item: 'unicorn', status: 502 },
        ]);
        expect(run.endings).toEqual([
          { code: null, signal: 'SIGTERM' },
          { code: null, signal: 'SIGTERM' },
        ]);
        // Ground truth: per request, the frontend's server and client spans and the backend's server span.
        expect(run.spans.filter((span) => span.service === 'frontend')).toHaveLength(6);
        expect(run.spans.filter((span) => span.service === 'backend')).toHaveLength(3);
      });

      it('Jaeger lists both services (and the hand-made one), and has one trace per request holding every span of it', async () => {
        expect((await servicesV3(jaeger.queryUrl!)).sort()).toEqual(['backend', 'frontend', TYPED_SERVICE].sort());
        const createdTraces = new Set(run.spans.map((span) => span.traceId));
        expect(createdTraces.size).toBe(ITEMS.length);
        expect(new Set(frontendSpans.map((span) => span.traceId))).toEqual(createdTraces);
        // Every span created, each exactly once, and nothing else.
        expect(frontendSpans.map((span) => `${span.traceId}/${span.spanId}`).sort()).toEqual(
          run.spans.map((span) => `${span.traceId}/${span.spanId}`).sort(),
        );
      });

      it('each span as created: name, parent (across the two processes), kind, status, every attribute with its type, resource', () => {
        for (const created of run.spans) {
          const stored = frontendSpans.find((span) => span.spanId === created.spanId)!;
          expect(stored.traceId).toBe(created.traceId);
          expect(stored.name).toBe(created.name);
          expect(stored.parentSpanId).toBe(created.parentSpanId);
          expect(stored.kind).toBe(KIND_NUMBERS[created.kind]);
          expect(stored.status.code).toBe(created.status === 'UNSET' ? 0 : created.status === 'OK' ? 1 : 2);
          expect(stored.attributes).toEqual(
            Object.fromEntries(Object.entries(created.attributes).map(([key, value]) => [key, expectedTyped(value)])),
          );
          expect(stored.scope.name).toBe('otelite/http'); // the HTTP instrumentation's tracer
          expect(plainAttributes(stored.resource)).toMatchObject({
            'service.name': created.service,
            'telemetry.sdk.name': 'otelite',
            'telemetry.sdk.language': 'nodejs',
            'telemetry.sdk.version': packageVersion,
            'process.pid': created.pid,
          });
        }
      });

      it('the HTTP semantics of each request: methods, routes, URLs, status codes, errors, and the chain frontend server → client → backend server', () => {
        for (const [index, item] of ITEMS.entries()) {
          const failed = item === 'unicorn';
          const frontendServer = frontendSpans.find(
            (span) =>
              span.kind === 2 &&
              plainAttributes(span.resource)['service.name'] === 'frontend' &&
              span.attributes['url.path']?.value === `/checkout/${item}`,
          )!;
          expect(frontendServer, `the frontend's server span for ${item}`).toBeDefined();
          const trace = frontendSpans.filter((span) => span.traceId === frontendServer.traceId);
          expect(trace).toHaveLength(3);
          const client = trace.find((span) => span.kind === 3)!;
          const backendServer = trace.find((span) => span.kind === 2 && span !== frontendServer)!;

          expect(frontendServer.parentSpanId).toBe('');
          expect(client.parentSpanId).toBe(frontendServer.spanId);
          expect(backendServer.parentSpanId).toBe(client.spanId);
          expect(plainAttributes(client.resource)['service.name']).toBe('frontend');
          expect(plainAttributes(backendServer.resource)['service.name']).toBe('backend');

          expect(frontendServer.name).toBe('GET /checkout/:item');
          expect(plainAttributes(frontendServer.attributes)).toMatchObject({
            'http.request.method': 'GET',
            'http.route': '/checkout/:item',
            'http.response.status_code': failed ? 502 : 200,
          });
          expect(client.name).toBe('GET');
          expect(plainAttributes(client.attributes)).toMatchObject({
            'http.request.method': 'GET',
            'url.full': `${run.backendUrl}/inventory/${item}`,
            'http.response.status_code': failed ? 500 : 200,
          });
          expect(backendServer.name).toBe('GET /inventory/:item');
          expect(plainAttributes(backendServer.attributes)).toMatchObject({
            'http.request.method': 'GET',
            'http.route': '/inventory/:item',
            'http.response.status_code': failed ? 500 : 200,
          });
          for (const span of trace) {
            expect(span.status.code, `${span.name} of request ${index}`).toBe(failed ? 2 : 0);
            if (failed)
              expect(span.attributes['error.type']).toEqual({
                type: 'string',
                value: span.kind === 3 || span === backendServer ? '500' : '502',
              });
            else expect(span.attributes['error.type']).toBeUndefined();
          }
        }
      });

      it('times: durations as the applications measured them, children inside their parents, the same in the UI API (microseconds)', async () => {
        for (const created of run.spans) {
          const stored = frontendSpans.find((span) => span.spanId === created.spanId)!;
          const durationMillis = Number(stored.endTimeUnixNano - stored.startTimeUnixNano) / 1e6;
          // The console exporter prints milliseconds to three decimals.
          expect(Math.abs(durationMillis - created.durationMillis)).toBeLessThanOrEqual(0.0005 + 1e-9);
          if (stored.parentSpanId !== '') {
            const parent = frontendSpans.find((span) => span.spanId === stored.parentSpanId)!;
            if (plainAttributes(parent.resource)['process.pid'] === plainAttributes(stored.resource)['process.pid']) {
              // One process, one clock: the client span lies within the server span that made the call.
              expect(stored.startTimeUnixNano).toBeGreaterThanOrEqual(parent.startTimeUnixNano);
              expect(stored.endTimeUnixNano).toBeLessThanOrEqual(parent.endTimeUnixNano);
            } else {
              // Across processes the two clocks' origins were read separately: allow 2 ms at the start. The
              // server span ends when the backend's end() is called, before its client has the response
              // (issue 22): no child outlives the call that waited for it.
              expect(stored.startTimeUnixNano + 2_000_000n).toBeGreaterThanOrEqual(parent.startTimeUnixNano);
              expect(stored.endTimeUnixNano, `${stored.name} ends within its client span`).toBeLessThanOrEqual(parent.endTimeUnixNano);
            }
          }
        }
        for (const traceId of new Set(frontendSpans.map((span) => span.traceId))) {
          const uiSpans = await getTraceV1(jaeger.queryUrl!, traceId);
          expect(uiSpans).toHaveLength(3);
          for (const uiSpan of uiSpans) {
            const stored = frontendSpans.find((span) => span.spanId === uiSpan.spanID)!;
            expect(uiSpan.traceID).toBe(traceId);
            // Jaeger's clock-skew adjuster warns about a child that ends after its parent.
            expect(uiSpan.warnings ?? [], `${uiSpan.operationName}: Jaeger's warnings`).toEqual([]);
            expect(uiSpan.operationName).toBe(stored.name);
            expect(uiSpan.process.serviceName).toBe(plainAttributes(stored.resource)['service.name']);
            expect(uiSpan.references).toEqual(
              stored.parentSpanId === '' ? [] : [{ refType: 'CHILD_OF', traceID: traceId, spanID: stored.parentSpanId }],
            );
            expect(BigInt(uiSpan.startTime)).toBe(stored.startTimeUnixNano / 1000n);
            expect(BigInt(uiSpan.duration)).toBe((stored.endTimeUnixNano - stored.startTimeUnixNano) / 1000n);
            const tags = tagRecord(uiSpan.tags);
            expect(tags['span.kind']).toBe(stored.kind === 2 ? 'server' : 'client');
            expect(tags['http.response.status_code']).toBe(stored.attributes['http.response.status_code'].value);
            if (stored.status.code === 2) expect(tags).toMatchObject({ error: true, 'otel.status_code': 'ERROR' });
            else expect(tags.error).toBeUndefined();
          }
        }
      });

      it('the hand-made span: typed attributes, event, link, exception, status, times as the SDK exported them to the nanosecond', () => {
        const { finished, linked, exception } = run.typed;
        expect(typedSpans).toHaveLength(1);
        const [stored] = typedSpans;
        expect(stored.traceId).toBe(finished.spanContext().traceId);
        expect(stored.spanId).toBe(finished.spanContext().spanId);
        expect(stored.parentSpanId).toBe('');
        expect(stored.name).toBe('reconcile stock');
        expect(stored.kind).toBe(4);
        expect(stored.scope).toEqual({ name: 'jaeger-e2e', version: '1.2.3' });
        expect(plainAttributes(stored.resource)).toMatchObject({
          'service.name': TYPED_SERVICE,
          'deployment.environment.name': 'e2e',
          'telemetry.sdk.name': 'otelite',
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.version': packageVersion,
          'process.pid': process.pid,
        });
        expect(stored.attributes).toEqual({
          'item.name': { type: 'string', value: 'unicorn' },
          'item.count': { type: 'int', value: 42 },
          'item.weight': { type: 'double', value: 1.5 },
          'item.available': { type: 'bool', value: false },
          'item.tags': { type: 'array', value: ['rare', 'magic'] },
          'item.sizes': { type: 'array', value: [1, 2, 3] },
          'item.ratios': { type: 'array', value: [0.25, 0.5] },
          'item.flags': { type: 'array', value: [true, false] },
        });
        expect(stored.status).toEqual({ code: 2, message: 'stock mismatch' });

        // Exactly the times the SDK exported (API v3 keeps nanoseconds).
        expect(stored.startTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(finished.startTimeNanos));
        expect(stored.endTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(finished.endTimeNanos));
        expect(stored.endTimeUnixNano - stored.startTimeUnixNano).toBe(nanosOf(run.typed.endTime) - nanosOf(run.typed.startTime));
        const [eventNanos, exceptionNanos] = finished.events.map((event) => clockNanosToUnixNanoBigInt(event.timeNanos));

        expect(stored.events).toEqual([
          {
            name: 'cache miss',
            timeUnixNano: eventNanos,
            attributes: {
              'cache.key': { type: 'string', value: 'stock:unicorn' },
              'cache.hit': { type: 'bool', value: false },
              'cache.age_seconds': { type: 'double', value: 3.25 },
            },
          },
          {
            name: 'exception',
            timeUnixNano: exceptionNanos,
            attributes: {
              'exception.type': { type: 'string', value: 'TypeError' },
              'exception.message': { type: 'string', value: exception.message },
              'exception.stacktrace': { type: 'string', value: exception.stack },
            },
          },
        ]);
        expect(stored.links).toEqual([
          {
            traceId: linked.traceId,
            spanId: linked.spanId,
            attributes: { 'link.reason': { type: 'string', value: 'the failed checkout' }, 'link.attempt': { type: 'int', value: 2 } },
          },
        ]);
        // The linked span is the backend's span of the failed request, stored under the other trace.
        expect(frontendSpans.find((span) => span.spanId === linked.spanId)?.attributes['http.response.status_code']?.value).toBe(500);
      });

      it('the hand-made span in the UI API: microsecond times, tags, logs, and the link as a FOLLOWS_FROM reference', async () => {
        const [stored] = typedSpans;
        const [uiSpan] = (await getTraceV1(jaeger.queryUrl!, stored.traceId)) as [V1Span];
        expect(uiSpan.operationName).toBe('reconcile stock');
        expect(uiSpan.process.serviceName).toBe(TYPED_SERVICE);
        const { finished } = run.typed;
        const exported = (clockNanos: number): bigint => clockNanosToUnixNanoBigInt(clockNanos) / 1000n;
        expect(BigInt(uiSpan.startTime)).toBe(exported(finished.startTimeNanos));
        expect(BigInt(uiSpan.duration)).toBe((nanosOf(run.typed.endTime) - nanosOf(run.typed.startTime)) / 1000n);
        expect(uiSpan.references).toEqual([
          { refType: 'FOLLOWS_FROM', traceID: run.typed.linked.traceId, spanID: run.typed.linked.spanId },
        ]);
        expect(tagRecord(uiSpan.tags)).toMatchObject({
          'item.name': 'unicorn',
          'item.count': 42,
          'item.weight': 1.5,
          'item.available': false,
          'span.kind': 'producer',
          'otel.status_code': 'ERROR',
          'otel.status_description': 'stock mismatch',
          error: true,
        });
        expect(uiSpan.logs.map((log) => ({ timestamp: BigInt(log.timestamp), fields: tagRecord(log.fields) }))).toEqual([
          {
            timestamp: exported(finished.events[0].timeNanos),
            fields: { event: 'cache miss', 'cache.key': 'stock:unicorn', 'cache.hit': false, 'cache.age_seconds': 3.25 },
          },
          {
            timestamp: exported(finished.events[1].timeNanos),
            fields: {
              event: 'exception',
              'exception.type': 'TypeError',
              'exception.message': run.typed.exception.message,
              'exception.stacktrace': run.typed.exception.stack,
            },
          },
        ]);
      });

      it('explicit times arrive exactly as the application gave them: nanoseconds in API v3, microseconds in the UI API', async () => {
        const [stored] = typedSpans;
        expect(stored.startTimeUnixNano).toBe(nanosOf(run.typed.startTime));
        expect(stored.endTimeUnixNano).toBe(nanosOf(run.typed.endTime));
        expect(stored.events.map((event) => event.timeUnixNano)).toEqual([nanosOf(run.typed.eventTime), nanosOf(run.typed.exceptionTime)]);
        const [uiSpan] = await getTraceV1(jaeger.queryUrl!, stored.traceId);
        expect(BigInt(uiSpan.startTime)).toBe(nanosOf(run.typed.startTime) / 1000n);
        expect(uiSpan.logs.map((log) => BigInt(log.timestamp))).toEqual([
          nanosOf(run.typed.eventTime) / 1000n,
          nanosOf(run.typed.exceptionTime) / 1000n,
        ]);
      });

      it.runIf(protocol === 'http/protobuf' && compression === 'none')(
        'Jaeger listens on 127.0.0.1 only, on the four ports it was given',
        () => {
          const addresses = listeningAddresses(jaeger.pid);
          if (addresses === undefined) return; // no /proc here
          const { otlpHttp, queryHttp, queryGrpc, health } = jaeger.ports;
          expect(addresses).toEqual([otlpHttp!, queryHttp!, queryGrpc!, health].map((port) => `127.0.0.1:${port}`).sort());
        },
      );
    });
  },
);

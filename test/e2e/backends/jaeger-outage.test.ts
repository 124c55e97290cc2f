import type { Context, Span } from '@opentelemetry/api';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  BatchSpanProcessor,
  ExportResultCode,
  failureCounts,
  OTLPTraceExporter,
  resourceFromAttributes,
  TracerProvider,
  type ExportOptions,
  type ExportResult,
  type FinishedSpan,
  type RetryPolicy,
  type SpanExporter,
  type SpanProcessor,
} from '../../../src/index.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/otlp.js';
import {
  collectDiagnostics,
  guardApplication,
  sleep,
  type ApplicationGuard,
  type DiagCollector,
} from '../../reliability/pipeline-harness.js';
import { findTracesV3 } from './jaeger-api.js';
import { JAEGER_VERSION, startJaeger, type JaegerInstance } from './jaeger.mjs';

/**
 * A real collector outage. Two Jaegers: a storage Jaeger (memory storage, query API) and a collector
 * Jaeger in front of it (OTLP/HTTP receiver, writing through to the storage Jaeger; no queue, so its
 * 200 means stored). Spans go to the collector under a steady load; the collector is stopped by PID
 * (SIGTERM) for 10 s and started again on the same ports, while the storage keeps what it has.
 *
 * Two pipelines run the same load side by side, each its own provider, processor and exporter:
 * - `default-retry`: otelite's defaults for retrying (5 attempts, about 8 s of waiting), so a batch
 *   caught at the start of the outage is given up on, and counted;
 * - `patient-retry`: retries that outlast the outage (about a minute), so no batch is given up on.
 *
 * Afterwards every span is looked up by span id in the storage Jaeger's API v3 (raw, without the
 * adjuster that merges duplicates) and must be exactly one of: delivered once (its export succeeded),
 * dropped at the full queue (counted by the processor), or in a given-up export (counted by the
 * processor and in `failureCounts().export`). Set `JAEGER_OUTAGE_REPORT=1` to print the figures.
 */

const binary = inject('jaegerBinary');
const skipReason = inject('jaegerSkipReason');

const SPANS_PER_SECOND = 150; // per pipeline
const UP_BEFORE_MILLIS = 4000;
const OUTAGE_MILLIS = 10_000;
const UP_AFTER_MILLIS = 8000;
const MAX_QUEUE_SIZE = 512;
const MAX_EXPORT_BATCH_SIZE = 128;
/** Each span carries a unique 4 KiB string, so a queue that did not stop growing would show in the heap. */
const PAYLOAD_CHARACTERS = 4096;

const PATIENT_RETRY: Partial<RetryPolicy> = { maxAttempts: 40, initialBackoffMillis: 500, maxBackoffMillis: 2000 };

/** `global.gc`, made available at run time (vitest's workers are not started with --expose-gc). */
function getGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Remembers every span id that ended, in order, with when. */
class EndedSpans implements SpanProcessor {
  readonly ids: string[] = [];
  readonly endedAt: number[] = [];
  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(span: FinishedSpan): void {
    this.ids.push(span.spanContext().spanId);
    this.endedAt.push(performance.now());
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One call of `export` as the processor made it. */
interface ExportCall {
  ids: string[];
  startedAt: number;
  endedAt: number;
  code: ExportResultCode;
}

/** Passes every export to the OTLP exporter and keeps which span ids each carried and how it ended. */
class RecordingExporter implements SpanExporter {
  readonly calls: ExportCall[] = [];
  readonly #inner: SpanExporter;
  constructor(inner: SpanExporter) {
    this.#inner = inner;
  }
  async export(spans: readonly FinishedSpan[], options?: ExportOptions): Promise<ExportResult> {
    const call: ExportCall = {
      ids: spans.map((span) => span.spanContext().spanId),
      startedAt: performance.now(),
      endedAt: Number.NaN,
      code: ExportResultCode.FAILED,
    };
    const result = await this.#inner.export(spans, options);
    call.endedAt = performance.now();
    call.code = result.code;
    this.calls.push(call);
    return result;
  }
  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}

interface Pipeline {
  name: string;
  provider: TracerProvider;
  processor: BatchSpanProcessor;
  exporter: RecordingExporter;
  ended: EndedSpans;
}

function createPipeline(name: string, url: string, retry: Partial<RetryPolicy> | undefined): Pipeline {
  const exporter = new RecordingExporter(
    new OTLPTraceExporter(retry === undefined ? { url } : { url, retry, exportTimeoutMillis: 120_000 }),
  );
  const processor = new BatchSpanProcessor(exporter, {
    maxQueueSize: MAX_QUEUE_SIZE,
    maxExportBatchSize: MAX_EXPORT_BATCH_SIZE,
    scheduledDelayMillis: 500,
    ...(retry === undefined ? {} : { exportTimeoutMillis: 120_000 }),
  });
  const ended = new EndedSpans();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': `outage-${name}` }),
    spanProcessors: [ended, processor],
  });
  return { name, provider, processor, exporter, ended };
}

/** What one pipeline's spans became, by span id. */
interface Accounting {
  ended: number;
  delivered: number;
  duplicated: number;
  dropped: number;
  failed: number;
  /** Spans whose export started before the restart and succeeded after it: retried across the outage. */
  retriedAcrossOutage: number;
  /** From the restart until the last span that had ended before it and was still to be sent was delivered, ms. */
  drainMillis: number;
}

let guard: ApplicationGuard;
let diagnostics: DiagCollector;

beforeAll(() => {
  guard = guardApplication();
  diagnostics = collectDiagnostics();
});

afterAll(() => {
  diagnostics.uninstall();
  guard.uninstall();
});

describe.skipIf(!binary)(
  `a collector outage: Jaeger ${JAEGER_VERSION} stopped for 10 s under load${binary ? '' : ` (skipped: ${skipReason || 'no Jaeger binary'})`}`,
  () => {
    let storage: JaegerInstance;
    let collector: JaegerInstance;

    beforeAll(async () => {
      storage = await startJaeger({ binary, role: 'storage' });
      collector = await startJaeger({ binary, role: 'collector', storage });
    });

    afterAll(async () => {
      await collector?.stop();
      await storage?.stop();
    });

    it('every span is delivered exactly once, or dropped at the full queue, or in a given-up export, and counted; the heap stays bounded; the application sees nothing', async () => {
      const gc = getGc();
      const url = `${collector.otlpUrl!}/v1/traces`;
      const pipelines = [createPipeline('default-retry', url, undefined), createPipeline('patient-retry', url, PATIENT_RETRY)];
      const exportFailuresBefore = failureCounts().export ?? 0;
      const windowStart = new Date(Date.now() - 1000);
      const payload = (index: number): string => `${index}:`.padEnd(PAYLOAD_CHARACTERS, 'x');

      // The load: every 10 ms, each pipeline catches up to SPANS_PER_SECOND since the start.
      let applicationErrors = 0;
      let produced = 0;
      const loadStarted = performance.now();
      const tracers = pipelines.map((pipeline) => pipeline.provider.getTracer('outage'));
      const load = setInterval(() => {
        const target = Math.floor(((performance.now() - loadStarted) / 1000) * SPANS_PER_SECOND);
        for (let budget = 50; produced < target && budget > 0; budget--, produced++) {
          for (const tracer of tracers) {
            try {
              tracer.startSpan('unit of work', { attributes: { 'work.index': produced, 'work.payload': payload(produced) } }).end();
            } catch {
              applicationErrors++;
            }
          }
        }
      }, 10);

      await sleep(UP_BEFORE_MILLIS);
      const stopped = await collector.stop();
      const outageStarted = performance.now();
      await sleep(4000);
      const heapEarly = heapAfterGc(gc);
      const producedEarly = produced;
      await sleep(OUTAGE_MILLIS - 4000 - 500);
      const heapLate = heapAfterGc(gc);
      const producedLate = produced;
      await sleep(outageStarted + OUTAGE_MILLIS - performance.now());
      // The collector is still down here; it accepts requests a little before startJaeger sees it ready.
      const restarting = performance.now();
      collector = await startJaeger({ binary, role: 'collector', storage, ports: collector.ports, workDirectory: collector.workDirectory });
      const restarted = performance.now();
      await sleep(UP_AFTER_MILLIS);
      clearInterval(load);
      for (const pipeline of pipelines) await pipeline.provider.shutdown();
      const windowEnd = new Date(Date.now() + 1000);

      // Everything the storage Jaeger holds, one second of start times at a time (the spans carry 4 KiB each).
      const stored = new Map<string, number>();
      for (const service of pipelines.map((pipeline) => `outage-${pipeline.name}`)) {
        for (let from = windowStart.getTime(); from < windowEnd.getTime(); from += 1000) {
          const spans = await findTracesV3(storage.queryUrl!, {
            serviceName: service,
            startTimeMin: new Date(from),
            startTimeMax: new Date(from + 1000),
            numberOfTraces: 100_000,
            raw: true,
          });
          for (const span of spans) {
            const startMillis = Number(span.startTimeUnixNano / 1_000_000n);
            if (startMillis < from || startMillis >= from + 1000) continue; // each span in one window only
            stored.set(span.spanId, (stored.get(span.spanId) ?? 0) + 1);
          }
        }
      }

      const results: Record<string, Accounting> = {};
      for (const pipeline of pipelines) {
        const { ids, endedAt } = pipeline.ended;
        const handed = new Map<string, ExportCall>();
        for (const call of pipeline.exporter.calls) for (const id of call.ids) handed.set(id, call);
        const dropped = ids.filter((id) => !handed.has(id));
        const failed = ids.filter((id) => handed.get(id)?.code === ExportResultCode.FAILED);
        const succeeded = ids.filter((id) => handed.get(id)?.code === ExportResultCode.SUCCESS);
        const delivered = ids.filter((id) => stored.has(id));
        const duplicated = ids.filter((id) => (stored.get(id) ?? 0) > 1);

        // The application saw every span end normally, and each one reached exactly one fate.
        expect(new Set(ids).size, pipeline.name).toBe(ids.length);
        expect(dropped.length + failed.length + succeeded.length, pipeline.name).toBe(ids.length);
        // Dropped at the full queue: counted by the processor, never sent.
        expect(dropped.length, `${pipeline.name}: the queue filled during the outage`).toBeGreaterThan(0);
        expect(pipeline.processor.droppedSpansCount, pipeline.name).toBe(dropped.length);
        expect(
          dropped.filter((id) => stored.has(id)),
          pipeline.name,
        ).toEqual([]);
        // Given up after the retry rules ran out: counted by the processor, and not in Jaeger.
        expect(pipeline.processor.failedSpansCount, pipeline.name).toBe(failed.length);
        expect(
          failed.filter((id) => stored.has(id)),
          pipeline.name,
        ).toEqual([]);
        // Every export that succeeded, first time or after retries: in Jaeger, exactly once.
        expect(
          succeeded.filter((id) => stored.get(id) !== 1),
          pipeline.name,
        ).toEqual([]);
        expect(delivered.length, pipeline.name).toBe(succeeded.length);
        expect(duplicated, pipeline.name).toEqual([]);

        // In flight while the collector was down and succeeded after: retried across the outage. (Not
        // measured at `restarted`: a retry can land between the collector's port opening and its readiness.)
        const retriedAcrossOutage = succeeded.filter(
          (id) => handed.get(id)!.startedAt < restarting && handed.get(id)!.endedAt > restarting,
        );
        const toDrain = ids.filter((id, index) => endedAt[index] < restarted && handed.get(id)?.code === ExportResultCode.SUCCESS);
        const drainedAt = Math.max(restarted, ...toDrain.map((id) => handed.get(id)!.endedAt));
        results[pipeline.name] = {
          ended: ids.length,
          delivered: delivered.length,
          duplicated: duplicated.length,
          dropped: dropped.length,
          failed: failed.length,
          retriedAcrossOutage: retriedAcrossOutage.length,
          drainMillis: Math.round(drainedAt - restarted),
        };
      }
      const [defaultRetry, patientRetry] = pipelines.map((pipeline) => results[pipeline.name]);
      // Retries that outlast the outage lose nothing but what the queue could not hold; the batch caught
      // by the outage is sent again once the collector is back and arrives once.
      expect(patientRetry.failed).toBe(0);
      expect(patientRetry.retriedAcrossOutage).toBeGreaterThan(0);
      // With the default rules, a batch that fails five times in a row is given up on: counted, as one
      // failed export per batch.
      const failedExports = pipelines
        .flatMap((pipeline) => pipeline.exporter.calls)
        .filter((call) => call.code === ExportResultCode.FAILED).length;
      expect(failureCounts().export ?? 0).toBe(exportFailuresBefore + failedExports);
      expect(
        pipelines[0].exporter.calls.filter((call) => call.code === ExportResultCode.FAILED).length > 0 ||
          defaultRetry.retriedAcrossOutage > 0,
      ).toBe(true);

      // Bounded: while the queues were full, 6 more seconds of spans (4 KiB each) ended, and the heap did not grow with them.
      const spansWhileFull = (producedLate - producedEarly) * pipelines.length;
      const payloadWhileFull = spansWhileFull * PAYLOAD_CHARACTERS;
      expect(payloadWhileFull).toBeGreaterThan(4 * 1024 * 1024);
      expect(heapLate - heapEarly).toBeLessThan(payloadWhileFull / 3);

      // The application: nothing thrown, no unhandled rejection; the SDK reported the queue being full once.
      expect(applicationErrors).toBe(0);
      expect(guard.unhandledRejections).toEqual([]);
      expect(guard.uncaughtExceptions).toEqual([]);
      expect(diagnostics.count('dropped spans because its queue was full')).toBe(1);
      expect(stopped).toEqual({ code: 0, signal: null });

      if (process.env.JAEGER_OUTAGE_REPORT === '1') {
        process.stdout.write(
          `${JSON.stringify(
            {
              results,
              heapGrowthMiB: (heapLate - heapEarly) / 1048576,
              payloadWhileFullMiB: payloadWhileFull / 1048576,
              restartMillis: Math.round(restarted - outageStarted - OUTAGE_MILLIS),
              defaultRetryPolicy: DEFAULT_RETRY_POLICY,
            },
            null,
            2,
          )}\n`,
        );
      }
    });
  },
);

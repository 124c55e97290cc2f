import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withEnvironment } from '../support/environment.js';
import {
  BatchSpanProcessor,
  failureCounts,
  OTLPTraceExporter,
  TracerProvider,
  type OTLPTraceExporterOptions,
  type RetryPolicy,
} from '../../src/index.js';
import { startFaultInjectingReceiver, TEN_MIB, type FaultInjectingReceiver, type FaultName } from './fault-injecting-receiver.js';
import {
  collectDiagnostics,
  CountingExporter,
  endSpans,
  guardApplication,
  probeEventLoop,
  sleep,
  timed,
  type ApplicationGuard,
  type DiagCollector,
} from './pipeline-harness.js';

/**
 * Fault injection through the whole pipeline: TracerProvider → BatchSpanProcessor → OTLPTraceExporter →
 * a real receiver on 127.0.0.1 that misbehaves on purpose. Spans are counted by id at the receiver.
 * Expected outcomes follow opentelemetry-proto `docs/specification.md` ("OTLP/HTTP Response"): 429, 502,
 * 503, 504 and lost connections are retried; every other failure is final and its spans are dropped
 * and counted. Whatever happens, the application sees no exception and no unhandled rejection, its
 * event loop keeps turning, and `forceFlush()`/`shutdown()` resolve.
 */

const SPANS = 10;
/** Retry waits of 500, 600, 720 ms: long enough to see the loop turn during them, short enough for the suite. */
const VISIBLE_RETRY: Partial<RetryPolicy> = { initialBackoffMillis: 500, backoffMultiplier: 1.2, maxBackoffMillis: 1000, jitter: 0 };
/** Retry waits of 20 ms, for scenarios that are not about the wait. */
const QUICK_RETRY: Partial<RetryPolicy> = { initialBackoffMillis: 20, maxBackoffMillis: 20, jitter: 0 };

let receiver: FaultInjectingReceiver;
let diagnostics: DiagCollector;
let guard: ApplicationGuard;
const observations: Record<string, unknown>[] = [];

beforeAll(() => {
  guard = guardApplication();
  diagnostics = collectDiagnostics();
});

afterAll(() => {
  diagnostics.uninstall();
  guard.uninstall();
  expect(guard.unhandledRejections).toEqual([]);
  expect(guard.uncaughtExceptions).toEqual([]);
  if (process.env.RELIABILITY_REPORT) console.log(JSON.stringify(observations, null, 1));
});

beforeEach(async () => {
  receiver = await startFaultInjectingReceiver();
  diagnostics.clear();
});

afterEach(async () => {
  await receiver.close();
  expect(guard.unhandledRejections).toEqual([]);
  expect(guard.uncaughtExceptions).toEqual([]);
});

interface ScenarioOptions {
  exporter?: OTLPTraceExporterOptions;
  /** The batch processor's export timeout, in milliseconds. Default 10 000. */
  exportTimeoutMillis?: number;
  spans?: number;
  attributes?: Record<string, string>;
  /** Runs after the spans ended, while the export is under way. */
  during?: () => Promise<void>;
}

/** One run of the pipeline against the receiver with `fault` injected, and everything observed. */
async function runScenario(fault: FaultName | undefined, options: ScenarioOptions = {}) {
  const exporter = new CountingExporter(
    withEnvironment({}, () => new OTLPTraceExporter({ url: receiver.url, retry: QUICK_RETRY, ...options.exporter })),
  );
  const processor = new BatchSpanProcessor(exporter, {
    scheduledDelayMillis: 10,
    exportTimeoutMillis: options.exportTimeoutMillis ?? 10_000,
  });
  const provider = new TracerProvider({ spanProcessors: [processor], forceFlushTimeoutMillis: 10_000 });
  const tracer = provider.getTracer('reliability');
  if (fault !== undefined) receiver.inject(fault);
  const before = failureCounts();
  const probe = probeEventLoop();
  const started = performance.now();
  let ids: string[] = [];
  expect(() => (ids = endSpans(tracer, options.spans ?? SPANS, 'work', options.attributes))).not.toThrow();
  await options.during?.();
  const flush = await timed(() => provider.forceFlush());
  const shutdown = await timed(() => provider.shutdown());
  const totalMillis = performance.now() - started;
  probe.stop();
  const after = failureCounts();
  const counted = (kind: string): number => (after[kind] ?? 0) - (before[kind] ?? 0);
  const delivered = receiver.deliveredSpanIds();
  const attempts = receiver.requests.length;
  const gaps = receiver.requests.slice(1).map((request, i) => Math.round(request.receivedAtMillis - receiver.requests[i].receivedAtMillis));
  const observation = {
    fault: fault ?? 'none',
    attempts,
    gapsMillis: gaps,
    delivered: [...delivered.values()].reduce((sum, n) => sum + n, 0),
    failedSpans: exporter.failedSpans,
    processorFailedSpans: processor.failedSpansCount,
    exportFailuresCounted: counted('export'),
    flushMillis: Math.round(flush.millis),
    shutdownMillis: Math.round(shutdown.millis),
    totalMillis: Math.round(totalMillis),
    ticks: probe.ticks,
    maxLoopDelayMillis: Math.round(probe.maxDelayMillis),
  };
  observations.push(observation);
  return { ids, delivered, exporter, processor, attempts, gaps, counted, probe, totalMillis, observation };
}

/** Every id delivered exactly once, and nothing else. */
function expectExactlyOnce(ids: string[], delivered: Map<string, number>): void {
  expect(new Set(delivered.keys())).toEqual(new Set(ids));
  expect([...delivered.values()].every((times) => times === 1)).toBe(true);
}

describe('retryable faults: every span arrives exactly once', () => {
  it('503 three times, then 200: four attempts, the waits do not block the event loop', async () => {
    const run = await runScenario('unavailableThrice', { exporter: { retry: VISIBLE_RETRY } });
    expect(run.attempts).toBe(4);
    for (const request of receiver.requests) expect(new Set(request.spanIds)).toEqual(new Set(run.ids));
    expectExactlyOnce(run.ids, run.delivered);
    expect(run.exporter.failedSpans).toBe(0);
    expect(run.counted('export')).toBe(0);
    expect(run.processor.droppedSpansCount).toBe(0);
    // The waits are 500, 600 and 720 ms: a blocking wait would stall the loop that long.
    expect(run.gaps.every((gap) => gap >= 450)).toBe(true);
    expect(run.probe.ticks).toBeGreaterThan(30);
    expect(run.probe.maxDelayMillis).toBeLessThan(500);
  });

  it('429 with Retry-After in seconds: the receiver’s wait wins over a 10 s backoff', async () => {
    const run = await runScenario('throttledSeconds', { exporter: { retry: { initialBackoffMillis: 10_000, maxBackoffMillis: 10_000 } } });
    expect(run.attempts).toBe(2);
    expectExactlyOnce(run.ids, run.delivered);
    expect(run.gaps[0]).toBeGreaterThanOrEqual(950);
    expect(run.gaps[0]).toBeLessThan(5000);
    expect(run.probe.maxDelayMillis).toBeLessThan(900);
  });

  it('429 with Retry-After as an HTTP date: waits until that date (1 to 2 s), then delivers once', async () => {
    const run = await runScenario('throttledUntilDate', {
      exporter: { retry: { initialBackoffMillis: 10_000, maxBackoffMillis: 10_000 } },
    });
    expect(run.attempts).toBe(2);
    expectExactlyOnce(run.ids, run.delivered);
    expect(run.gaps[0]).toBeGreaterThanOrEqual(900);
    expect(run.gaps[0]).toBeLessThan(5000);
  });

  it('a connection reset while the body is still arriving is retried; the spans arrive once', async () => {
    // About 200 KB of spans, so the body spans several TCP reads and the reset comes mid-body.
    const run = await runScenario('resetMidRequest', { spans: 50, attributes: { payload: 'x'.repeat(4096) } });
    expect(run.attempts).toBe(2);
    expect(receiver.requests[0].spanIds).toEqual([]);
    expect(receiver.requests[0].rawBody.length).toBeLessThan(Number(receiver.requests[0].headers['content-length']));
    expectExactlyOnce(run.ids, run.delivered);
    expect(run.exporter.failedSpans).toBe(0);
  });

  it('a request never answered is abandoned after timeoutMillis and sent again; the spans arrive once', async () => {
    const run = await runScenario('neverAnswersOnce', { exporter: { timeoutMillis: 300 } });
    expect(run.attempts).toBe(2);
    // The gap is taken at the receiver: under load the first request can reach it tens of ms after the
    // exporter's timer started, so the bound leaves room for that; an early abandon would show ~0 ms.
    expect(run.gaps[0]).toBeGreaterThanOrEqual(200);
    expectExactlyOnce(run.ids, run.delivered);
  });

  it('a refused connection (receiver down) is retried until the receiver is back', async () => {
    await receiver.pause();
    const run = await runScenario(undefined, {
      exporter: { retry: { initialBackoffMillis: 100, maxBackoffMillis: 100, jitter: 0, maxAttempts: 10 } },
      during: async () => {
        await sleep(350);
        await receiver.resume();
      },
    });
    expect(run.attempts).toBe(1);
    expectExactlyOnce(run.ids, run.delivered);
    expect(run.exporter.failedSpans).toBe(0);
  });

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`gzip (${protocol}): 503s then 200, every attempt gzipped and decodable, spans once`, async () => {
      const run = await runScenario('unavailableThrice', { exporter: { compression: 'gzip', protocol } });
      expect(run.attempts).toBe(4);
      for (const request of receiver.requests) {
        expect(request.headers['content-encoding']).toBe('gzip');
        expect(request.decodeError).toBeUndefined();
        expect(request.rawBody.length).toBeLessThan(request.body.length);
      }
      expectExactlyOnce(run.ids, run.delivered);
    });
  }
});

describe('final faults: spans are dropped, counted and reported, never retried', () => {
  for (const [fault, status] of [
    ['badRequest', 400],
    ['internalError', 500],
  ] as const) {
    it(`${status}: one attempt, the batch counted as failed, nothing thrown`, async () => {
      const run = await runScenario(fault);
      expect(run.attempts).toBe(1);
      expect(run.delivered.size).toBe(0);
      expect(run.exporter.failedSpans).toBe(SPANS);
      expect(run.processor.failedSpansCount).toBe(SPANS);
      expect(run.exporter.errors[0]).toContain(`answered ${status}`);
      // Reported by the exporter; the processor passes the same error on without counting it again.
      expect(run.counted('export')).toBe(1);
      expect(diagnostics.count(`answered ${status}`)).toBe(1);
    });
  }

  it('503 with a 10 MiB body: over the response limit, so final; the body is not read', async () => {
    const run = await runScenario('hugeUnavailableBody');
    expect(run.attempts).toBe(1);
    expect(run.exporter.failedSpans).toBe(SPANS);
    expect(run.exporter.errors[0]).toMatch(/answered 503.*exceeds the 4194304-byte limit/);
    expect(receiver.streamedBytes).toBeLessThan(TEN_MIB);
  });

  it('never answered at all: each export ends at the processor’s export timeout; flush and shutdown still resolve', async () => {
    const run = await runScenario('neverAnswers', { exporter: { timeoutMillis: 300 }, exportTimeoutMillis: 1000 });
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    expect(run.delivered.size).toBe(0);
    expect(run.exporter.failedSpans).toBe(SPANS);
    expect(run.exporter.errors[0]).toMatch(/1000 ms/);
    expect(run.totalMillis).toBeGreaterThanOrEqual(950);
    expect(run.totalMillis).toBeLessThan(5000);
    expect(run.probe.ticks).toBeGreaterThan(20);
  });
});

describe('successful answers that are unusual', () => {
  it('a slow 200 (600 ms) within timeoutMillis: one attempt, the loop turns meanwhile', async () => {
    const run = await runScenario('slowOk');
    expect(run.attempts).toBe(1);
    expectExactlyOnce(run.ids, run.delivered);
    expect(run.totalMillis).toBeGreaterThanOrEqual(550);
    expect(run.probe.ticks).toBeGreaterThan(15);
    expect(run.probe.maxDelayMillis).toBeLessThan(500);
  });

  it('a slow 200 past timeoutMillis is sent again: delivered twice (at-least-once, as OTLP allows)', async () => {
    const run = await runScenario('slowOk', { exporter: { timeoutMillis: 300 } });
    await sleep(700); // the receiver answers the abandoned first request late
    expect(run.attempts).toBe(2);
    expect(run.exporter.failedSpans).toBe(0);
    expect(new Set(receiver.deliveredSpanIds().keys())).toEqual(new Set(run.ids));
    expect([...receiver.deliveredSpanIds().values()].every((times) => times === 2)).toBe(true);
  });

  it('200 with partial_success: success, no retry, the rejection counted and logged', async () => {
    const run = await runScenario('partialSuccess');
    expect(run.attempts).toBe(1);
    expect(run.exporter.failedSpans).toBe(0);
    expect(run.counted('export')).toBe(0);
    expect(run.counted('export.partial_success')).toBe(1);
    expect(diagnostics.count('1 spans rejected: span 1 had no name')).toBe(1);
  });

  it('200 with a 10 MiB body: the spans count as delivered, the body is abandoned after 4 MiB', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const run = await runScenario('hugeOkBody');
    expect(run.attempts).toBe(1);
    expect(run.exporter.failedSpans).toBe(0);
    expectExactlyOnce(run.ids, run.delivered);
    expect(run.counted('export.response')).toBe(1);
    expect(receiver.streamedBytes).toBeLessThan(TEN_MIB);
    // The body is never buffered whole (a 10 MiB Buffer would show up here).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(TEN_MIB);
  });
});

import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span, type Tracer } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureCounts } from '../../src/diagnostics/report.js';
import { InMemorySpanExporter } from '../../src/export/in-memory-span-exporter.js';
import {
  KEEP_TRACES_EVICTED,
  KEEP_TRACES_ROOT_TIMEOUT,
  KeepTracesProcessor,
  type KeepTracesProcessorOptions,
} from '../../src/processing/keep-traces.js';
import { SimpleSpanProcessor } from '../../src/processing/simple-span-processor.js';
import { AlwaysOffSampler } from '../../src/sampling/always-off.js';
import { AlwaysOnSampler } from '../../src/sampling/always-on.js';
import { AlwaysRecordSampler } from '../../src/sampling/always-record.js';
import { ParentBasedSampler } from '../../src/sampling/parent-based.js';
import type { Sampler } from '../../src/sampling/sampler.js';
import { TracerProvider } from '../../src/trace/tracer-provider.js';
import { captureDiagEachTest } from '../support/diag-capture.js';

interface Setup {
  tracer: Tracer;
  exporter: InMemorySpanExporter;
  processor: KeepTracesProcessor;
  provider: TracerProvider;
  exported: () => string[];
}

const providers: TracerProvider[] = [];

function setup(options: Omit<KeepTracesProcessorOptions, 'processor' | 'exporter'> = {}, head: Sampler = new AlwaysOffSampler()): Setup {
  const exporter = new InMemorySpanExporter();
  const processor = new KeepTracesProcessor({ processor: new SimpleSpanProcessor(exporter), ...options });
  const provider = new TracerProvider({
    sampler: new AlwaysRecordSampler(new ParentBasedSampler({ root: head })),
    spanProcessors: [processor],
  });
  providers.push(provider);
  return {
    tracer: provider.getTracer('test'),
    exporter,
    processor,
    provider,
    exported: () => exporter.getFinishedSpans().map((span) => span.name),
  };
}

/** Starts `name` as a child of `parent` (or a root). */
function start(tracer: Tracer, name: string, parent?: Span): Span {
  return tracer.startSpan(name, { kind: SpanKind.INTERNAL }, parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent));
}

function failed(span: Span): Span {
  span.setStatus({ code: SpanStatusCode.ERROR });
  return span;
}

describe('KeepTracesProcessor', () => {
  const warnings = captureDiagEachTest();

  afterEach(async () => {
    vi.useRealTimers();
    for (const provider of providers.splice(0)) await provider.shutdown();
  });

  it('drops a fragment whose root ends without error, fast, not sampled', () => {
    const { tracer, exported, processor } = setup();
    const root = start(tracer, 'root');
    start(tracer, 'child', root).end();
    expect(processor.heldSpansCount).toBe(1);
    root.end();
    expect(exported()).toEqual([]);
    expect(processor.heldSpansCount).toBe(0);
    expect(processor.openFragmentsCount).toBe(0);
  });

  it('keeps the whole fragment when any span ends with status Error, with the sampled flag as propagated', () => {
    const { tracer, exported, exporter } = setup();
    const root = start(tracer, 'root');
    const child = start(tracer, 'child', root);
    start(tracer, 'before', child).end();
    failed(start(tracer, 'grandchild', child)).end();
    expect(exported()).toEqual(['before', 'grandchild']); // passed on as soon as the error shows
    child.end();
    root.end();
    expect(exported()).toEqual(['before', 'grandchild', 'child', 'root']);
    expect(exporter.getFinishedSpans().every((span) => (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0)).toBe(true);
  });

  it('keeps a fragment whose root ended with an error', () => {
    const { tracer, exported } = setup();
    const root = start(tracer, 'root');
    start(tracer, 'child', root).end();
    failed(root).end();
    expect(exported()).toEqual(['child', 'root']);
  });

  it('keeps a fragment whose root lasted at least the latency threshold', () => {
    const { tracer, exported } = setup({ latencyThresholdMillis: 500 });
    const slow = tracer.startSpan('slow', { startTime: 1_000 }, ROOT_CONTEXT);
    tracer.startSpan('slow-child', { startTime: 1_001 }, trace.setSpan(ROOT_CONTEXT, slow)).end(1_002);
    slow.end(1_500);
    const fast = tracer.startSpan('fast', { startTime: 2_000 }, ROOT_CONTEXT);
    tracer.startSpan('fast-child', { startTime: 2_001 }, trace.setSpan(ROOT_CONTEXT, fast)).end(2_002);
    fast.end(2_499);
    expect(exported()).toEqual(['slow-child', 'slow']);
  });

  it('passes head-sampled fragments on as they end, holding nothing', () => {
    const { tracer, exported, processor } = setup({}, new AlwaysOnSampler());
    const root = start(tracer, 'root');
    start(tracer, 'child', root).end();
    expect(exported()).toEqual(['child']);
    expect(processor.heldSpansCount).toBe(0);
    expect(processor.openFragmentsCount).toBe(0);
    root.end();
    expect(exported()).toEqual(['child', 'root']);
  });

  it('treats a remote parent as the start of a local fragment', () => {
    const { tracer, exported } = setup();
    const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0, isRemote: true });
    const server = tracer.startSpan('server', { kind: SpanKind.SERVER }, remote);
    const other = tracer.startSpan('other-server', { kind: SpanKind.SERVER }, remote);
    failed(start(tracer, 'db', server)).end();
    server.end();
    start(tracer, 'other-child', other).end();
    other.end();
    expect(exported()).toEqual(['db', 'server']);
  });

  it('a span started as root despite an active span opens its own fragment', () => {
    const { tracer, exported } = setup();
    const outer = start(tracer, 'outer');
    const inner = context.with(trace.setSpan(ROOT_CONTEXT, outer), () => tracer.startSpan('inner', { root: true }));
    failed(start(tracer, 'inner-child', inner)).end();
    inner.end();
    outer.end();
    expect(exported()).toEqual(['inner-child', 'inner']);
  });

  it('decides late spans by the fragment: dropped after a plain root, kept after a kept one, an error keeps itself', () => {
    const { tracer, exported } = setup();
    const plain = start(tracer, 'plain');
    const lateChild = start(tracer, 'late-plain', plain);
    const lateError = start(tracer, 'late-error', plain);
    plain.end();
    lateChild.end();
    failed(lateError).end();
    start(tracer, 'after-error', plain).end();
    const kept = start(tracer, 'kept');
    const keptLate = start(tracer, 'kept-late', kept);
    failed(kept).end();
    keptLate.end();
    expect(exported()).toEqual(['late-error', 'after-error', 'kept', 'kept-late']);
  });

  it('holds at most maxFragments fragments, letting the oldest go and counting its spans', () => {
    const { tracer, exported, processor } = setup({ maxFragments: 2 });
    const before = failureCounts()[KEEP_TRACES_EVICTED] ?? 0;
    const roots = [start(tracer, 'r0'), start(tracer, 'r1')];
    start(tracer, 'c0', roots[0]).end();
    start(tracer, 'c0b', roots[0]).end();
    roots.push(start(tracer, 'r2')); // r0's fragment goes: 2 held spans dropped
    expect(processor.openFragmentsCount).toBe(2);
    expect(failureCounts()[KEEP_TRACES_EVICTED]).toBe(before + 2);
    start(tracer, 'c0c', roots[0]).end(); // not held any more, counted
    expect(failureCounts()[KEEP_TRACES_EVICTED]).toBe(before + 3);
    // An error still keeps what is left of the fragment.
    failed(roots[0]!).end();
    start(tracer, 'c1', roots[1]).end();
    failed(roots[1]!).end();
    expect(exported()).toEqual(['r0', 'c1', 'r1']);
    expect(warnings.join()).toMatch(/more than 2 trace fragments/);
    roots[2]!.end();
  });

  it('holds at most maxSpans ended spans, letting the oldest fragments go', () => {
    const { tracer, processor } = setup({ maxSpans: 5 });
    const before = failureCounts()[KEEP_TRACES_EVICTED] ?? 0;
    const a = start(tracer, 'a');
    const b = start(tracer, 'b');
    for (let i = 0; i < 3; i++) start(tracer, `a${i}`, a).end();
    for (let i = 0; i < 3; i++) start(tracer, `b${i}`, b).end(); // the 6th held span: a's fragment goes
    expect(processor.heldSpansCount).toBe(3);
    expect(processor.openFragmentsCount).toBe(1);
    expect(failureCounts()[KEEP_TRACES_EVICTED]).toBe(before + 3);
    for (let i = 0; i < 100; i++) start(tracer, `b-more${i}`, b).end();
    expect(processor.heldSpansCount).toBeLessThanOrEqual(5);
    a.end();
    b.end();
    expect(processor.heldSpansCount).toBe(0);
  });

  it('lets a fragment go when its root does not end within rootTimeoutMillis', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const { tracer, exported, processor } = setup({ rootTimeoutMillis: 1_000 });
    const before = failureCounts()[KEEP_TRACES_ROOT_TIMEOUT] ?? 0;
    const stuck = start(tracer, 'stuck');
    start(tracer, 'stuck-child', stuck).end();
    await vi.advanceTimersByTimeAsync(500);
    const later = start(tracer, 'later');
    start(tracer, 'later-child', later).end();
    await vi.advanceTimersByTimeAsync(600); // stuck's deadline passed, later's not
    expect(processor.openFragmentsCount).toBe(1);
    expect(failureCounts()[KEEP_TRACES_ROOT_TIMEOUT]).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(500);
    expect(processor.openFragmentsCount).toBe(0);
    expect(processor.heldSpansCount).toBe(0);
    expect(failureCounts()[KEEP_TRACES_ROOT_TIMEOUT]).toBe(before + 2);
    expect(exported()).toEqual([]);
    expect(warnings.join()).toMatch(/did not end within 1000 ms/);
    stuck.end();
    later.end();
  });

  it('keeps a timed-out fragment when the wait itself is over the latency threshold', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const { tracer, exported } = setup({ rootTimeoutMillis: 1_000, latencyThresholdMillis: 800 });
    const stuck = start(tracer, 'stuck');
    start(tracer, 'stuck-child', stuck).end();
    await vi.advanceTimersByTimeAsync(1_001);
    expect(exported()).toEqual(['stuck-child']);
    stuck.end();
    expect(exported()).toEqual(['stuck-child', 'stuck']);
  });

  it('exports through an exporter, unsampled spans included', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      sampler: new AlwaysRecordSampler(new AlwaysOffSampler()),
      spanProcessors: [new KeepTracesProcessor({ exporter, maxFragments: 10 })],
    });
    providers.push(provider);
    const tracer = provider.getTracer('test');
    failed(start(tracer, 'root')).end();
    start(tracer, 'plain').end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['root']);
  });

  it('lets fragments still waiting go at shutdown, counted, and shuts the downstream down', async () => {
    const { tracer, processor, exporter } = setup();
    const before = failureCounts()[KEEP_TRACES_ROOT_TIMEOUT] ?? 0;
    const root = start(tracer, 'root');
    start(tracer, 'child', root).end();
    await processor.shutdown();
    expect(failureCounts()[KEEP_TRACES_ROOT_TIMEOUT]).toBe(before + 1);
    failed(root).end();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await processor.shutdown();
  });

  it('warns about invalid options and uses the defaults', () => {
    new KeepTracesProcessor({ exporter: new InMemorySpanExporter(), maxSpans: -1, maxFragments: 1.5, rootTimeoutMillis: Number.NaN });
    expect(warnings).toHaveLength(3);
    new KeepTracesProcessor({} as KeepTracesProcessorOptions);
    expect(warnings.join()).toMatch(/neither a processor nor an exporter/);
  });
});

import type { StoreStats, TraceSummary } from '../../../viewer-page/viewer-api.js';
import type { ReceivedSpan, ReceivedValue } from './received-span.js';

/** Default {@link TraceStoreOptions.maxSpans}: about 100–200 MB of a laptop's memory at typical span sizes. */
export const DEFAULT_MAX_STORED_SPANS = 50_000;

/** Options of {@link TraceStore}. */
export interface TraceStoreOptions {
  /** Spans kept at most over all traces; past it the oldest traces (by first arrival) are evicted. */
  maxSpans?: number;
}

/** What changed in one {@link TraceStore.add}. */
export interface StoreChange {
  changed: string[];
  evicted: string[];
}

/** One stored trace: its spans and what the list and search read from them, kept up to date on add. */
export class StoredTrace {
  readonly traceId: string;
  readonly spans: ReceivedSpan[] = [];
  readonly services = new Set<string>();
  errorCount = 0;
  start = 0n;
  end = 0n;
  version = 0;
  #summary: TraceSummary | undefined;
  #text: string | undefined;

  constructor(traceId: string) {
    this.traceId = traceId;
  }

  add(span: ReceivedSpan): void {
    this.spans.push(span);
    this.services.add(span.serviceName);
    if (span.status.code === 'ERROR') this.errorCount++;
    if (span.startTimeUnixNano > 0n && (this.start === 0n || span.startTimeUnixNano < this.start)) this.start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > this.end) this.end = span.endTimeUnixNano;
    this.#summary = undefined;
    this.#text = undefined;
  }

  /** Drops the oldest `count` spans (only when one trace alone is over the cap). */
  dropOldest(count: number): void {
    this.spans.splice(0, count);
    this.services.clear();
    this.errorCount = 0;
    this.start = 0n;
    this.end = 0n;
    const kept = this.spans.splice(0);
    for (const span of kept) this.add(span);
  }

  /** The span the trace is named after: the earliest root, else the earliest span. */
  root(): ReceivedSpan | undefined {
    let best: ReceivedSpan | undefined;
    let bestIsRoot = false;
    for (const span of this.spans) {
      const isRoot = span.parentSpanId === '';
      if (best === undefined || (isRoot && !bestIsRoot) || (isRoot === bestIsRoot && span.startTimeUnixNano < best.startTimeUnixNano)) {
        best = span;
        bestIsRoot = isRoot;
      }
    }
    return best;
  }

  summary(): TraceSummary {
    if (this.#summary !== undefined) return this.#summary;
    const root = this.root();
    const ids = new Set<string>();
    for (const span of this.spans) ids.add(span.spanId);
    let orphanCount = 0;
    for (const span of this.spans) if (span.parentSpanId !== '' && !ids.has(span.parentSpanId)) orphanCount++;
    const rootService = root?.serviceName ?? '';
    const services = [rootService, ...[...this.services].filter((service) => service !== rootService).sort()];
    this.#summary = {
      traceId: this.traceId,
      rootName: root?.name ?? '',
      rootService,
      services,
      spanCount: this.spans.length,
      errorCount: this.errorCount,
      orphanCount,
      startMs: Number(this.start / 1000n) / 1000,
      durationMs: this.end >= this.start && this.start > 0n ? Number(this.end - this.start) / 1e6 : 0,
      version: this.version,
    };
    return this.#summary;
  }

  /** Span names and attribute values (span and resource), lowercased, for free-text search. */
  searchText(): string {
    if (this.#text !== undefined) return this.#text;
    const parts: string[] = [this.traceId];
    const resources = new Set<object>();
    for (const span of this.spans) {
      parts.push(span.name.toLowerCase(), span.spanId, span.status.message.toLowerCase());
      for (const key in span.attributes) pushValue(parts, span.attributes[key]!);
      for (const event of span.span.events) parts.push(event.name.toLowerCase());
      if (!resources.has(span.resourceAttributes)) {
        resources.add(span.resourceAttributes);
        for (const key in span.resourceAttributes) pushValue(parts, span.resourceAttributes[key]!);
      }
    }
    this.#text = parts.join('\u0000');
    return this.#text;
  }
}

function pushValue(parts: string[], value: ReceivedValue): void {
  if (typeof value === 'string') parts.push(value.toLowerCase());
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') parts.push(String(value));
  else if (Array.isArray(value)) for (const item of value) pushValue(parts, item);
  else if (value !== null && !(value instanceof Uint8Array)) for (const key in value) pushValue(parts, value[key]!);
}

/**
 * The viewer's in-memory traces: spans grouped by trace id, at most `maxSpans` of them over all traces.
 * Past the cap the traces that arrived first are evicted whole (a trace alone over the cap keeps its
 * newest spans), and the evictions are counted so that the page can say what it no longer has.
 *
 * @example
 * ```ts
 * const store = new TraceStore({ maxSpans: 10_000 });
 * store.add(toReceivedSpans(request).spans);
 * console.log(store.stats().traces);
 * ```
 */
export class TraceStore {
  readonly maxSpans: number;
  /** In order of first arrival: the first entry is the next to evict. */
  readonly #traces = new Map<string, StoredTrace>();
  #spanCount = 0;
  #droppedTraces = 0;
  #droppedSpans = 0;
  #receivedSpans = 0;
  #version = 0;

  constructor(options: TraceStoreOptions = {}) {
    const max = options.maxSpans ?? DEFAULT_MAX_STORED_SPANS;
    this.maxSpans = Number.isFinite(max) && max >= 1 ? Math.floor(max) : DEFAULT_MAX_STORED_SPANS;
  }

  /** Stores the spans of one request and evicts what the cap asks for; returns what changed. */
  add(spans: readonly ReceivedSpan[]): StoreChange {
    const changed = new Set<string>();
    const version = ++this.#version;
    for (const span of spans) {
      let trace = this.#traces.get(span.traceId);
      if (trace === undefined) {
        trace = new StoredTrace(span.traceId);
        this.#traces.set(span.traceId, trace);
      }
      trace.add(span);
      trace.version = version;
      changed.add(span.traceId);
    }
    this.#spanCount += spans.length;
    this.#receivedSpans += spans.length;
    const evicted: string[] = [];
    while (this.#spanCount > this.maxSpans) {
      const [traceId, oldest] = this.#traces.entries().next().value as [string, StoredTrace];
      if (this.#traces.size === 1) {
        const excess = this.#spanCount - this.maxSpans;
        oldest.dropOldest(excess);
        this.#spanCount -= excess;
        this.#droppedSpans += excess;
        break;
      }
      this.#traces.delete(traceId);
      this.#spanCount -= oldest.spans.length;
      this.#droppedSpans += oldest.spans.length;
      this.#droppedTraces++;
      changed.delete(traceId);
      evicted.push(traceId);
    }
    return { changed: [...changed], evicted };
  }

  get(traceId: string): StoredTrace | undefined {
    return this.#traces.get(traceId);
  }

  /** Every stored trace, in order of first arrival. */
  traces(): IterableIterator<StoredTrace> {
    return this.#traces.values();
  }

  stats(): StoreStats {
    return {
      traces: this.#traces.size,
      spans: this.#spanCount,
      maxSpans: this.maxSpans,
      droppedTraces: this.#droppedTraces,
      droppedSpans: this.#droppedSpans,
      receivedSpans: this.#receivedSpans,
    };
  }
}

/**
 * The JSON the receiver's viewer API answers with (see src/platform/node/receiver/viewer-server.ts), shared by
 * the server and the page as types only.
 * @packageDocumentation
 */

/** One row of the trace list. */
export interface TraceSummary {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** The root span's name, or the earliest span's when no root arrived (yet). */
  rootName: string;
  /** The root (or earliest) span's service. */
  rootService: string;
  /** Every service with a span in the trace, the root's first. */
  services: string[];
  spanCount: number;
  /** Spans with status ERROR. */
  errorCount: number;
  /** Spans whose parent is not in the trace. */
  orphanCount: number;
  /** Earliest span start, epoch milliseconds. */
  startMs: number;
  /** Earliest start to latest end, in milliseconds. */
  durationMs: number;
  /** Increases whenever the trace receives spans. */
  version: number;
}

/** What the store holds and what it let go. */
export interface StoreStats {
  traces: number;
  spans: number;
  /** The span cap. */
  maxSpans: number;
  /** Traces evicted (oldest first) to stay under the cap. */
  droppedTraces: number;
  /** Spans evicted with them. */
  droppedSpans: number;
  /** Spans received since start. */
  receivedSpans: number;
}

/** `GET /api/traces`. */
export interface TraceListResponse {
  traces: TraceSummary[];
  /** Traces that matched the query (more than `traces.length` when the list was cut at `limit`). */
  matched: number;
  /** Every service stored, sorted. */
  services: string[];
  stats: StoreStats;
}

/** An attribute as the page shows it: the key, the value as text, and the value's type. */
export type AttributeView = [key: string, text: string, type: string];

export interface SpanEventView {
  name: string;
  /** Milliseconds since the trace's start. */
  offsetMs: number;
  timeUnixNano: string;
  attributes: AttributeView[];
}

export interface SpanLinkView {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: AttributeView[];
}

/** One span of `GET /api/traces/:id`. */
export interface SpanView {
  spanId: string;
  /** `''` for a root span. */
  parentSpanId: string;
  /** True when `parentSpanId` is set but that span is not in the trace. */
  orphan: boolean;
  name: string;
  kind: string;
  service: string;
  /** Milliseconds since the trace's start. */
  offsetMs: number;
  /** `NaN` is sent as `null`. */
  durationMs: number | null;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message: string };
  traceState: string;
  attributes: AttributeView[];
  events: SpanEventView[];
  links: SpanLinkView[];
  scope: { name: string; version: string };
  resource: AttributeView[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

/** `GET /api/traces/:id`. */
export interface TraceResponse {
  summary: TraceSummary;
  /** In start order. */
  spans: SpanView[];
}

/** The data of a `change` server-sent event on `GET /api/events`. */
export interface ChangeEvent {
  /** Traces that received spans since the last event. */
  changed: string[];
  /** Traces evicted since the last event. */
  evicted: string[];
  /** More traces changed than `changed` lists: reload whatever is shown. */
  truncated: boolean;
  stats: StoreStats;
}

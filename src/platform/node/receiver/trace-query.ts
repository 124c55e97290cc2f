import type { ReceivedValue } from './received-span.js';
import type { StoredTrace } from './trace-store.js';

/** A trace-list query, as the page puts it in its URL and the API reads it from the query string. */
export interface TraceQuery {
  /** Traces with a span of this service (exact). */
  service: string;
  /** Traces with a span whose name contains this (case-insensitive). */
  name: string;
  /** `key=value`: traces with a span (or resource) attribute `key` whose value reads `value`; `key` alone: having the attribute. */
  attr: string;
  /** Free text, case-insensitive, over span names, attribute values, status messages, event names and ids. */
  text: string;
  /** Only traces with an ERROR span. */
  errorsOnly: boolean;
  /** Only traces lasting at least this many milliseconds. */
  minDurationMs: number;
  /** Rows returned at most. */
  limit: number;
}

/** Default and largest {@link TraceQuery.limit}. */
export const DEFAULT_LIST_LIMIT = 1000;
export const MAX_LIST_LIMIT = 10_000;

/** Reads a query from URL search parameters; absent or malformed values mean "no filter". */
export function parseTraceQuery(params: URLSearchParams): TraceQuery {
  const min = Number(params.get('min') ?? '');
  const limit = Number(params.get('limit') ?? '');
  return {
    service: params.get('service') ?? '',
    name: (params.get('name') ?? '').trim().toLowerCase(),
    attr: (params.get('attr') ?? '').trim(),
    text: (params.get('q') ?? '').trim().toLowerCase(),
    errorsOnly: params.get('errors') === '1',
    minDurationMs: Number.isFinite(min) && min > 0 ? min : 0,
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIST_LIMIT) : DEFAULT_LIST_LIMIT,
  };
}

/** True when `trace` satisfies every filter of `query`. The cheap filters run first. */
export function matchesTrace(trace: StoredTrace, query: TraceQuery): boolean {
  if (query.errorsOnly && trace.errorCount === 0) return false;
  if (query.minDurationMs > 0 && trace.summary().durationMs < query.minDurationMs) return false;
  if (query.service !== '' && !trace.services.has(query.service)) return false;
  if (query.name !== '' && !trace.spans.some((span) => span.name.toLowerCase().includes(query.name))) return false;
  if (query.attr !== '' && !matchesAttribute(trace, query.attr)) return false;
  if (query.text !== '' && !trace.searchText().includes(query.text)) return false;
  return true;
}

function matchesAttribute(trace: StoredTrace, filter: string): boolean {
  const equals = filter.indexOf('=');
  const key = (equals === -1 ? filter : filter.slice(0, equals)).trim();
  const wanted = equals === -1 ? undefined : filter.slice(equals + 1).trim();
  const has = (record: Readonly<Record<string, ReceivedValue>>): boolean =>
    Object.hasOwn(record, key) && (wanted === undefined || valueText(record[key]!) === wanted);
  return trace.spans.some((span) => has(span.attributes) || has(span.resourceAttributes));
}

/** An attribute value as one line of text (what a `key=value` filter compares with). */
export function valueText(value: ReceivedValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (typeof value === 'object' && value !== null) {
    return JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
    );
  }
  return String(value);
}

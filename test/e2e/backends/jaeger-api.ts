/**
 * Reading back what Jaeger stored, through its two public query APIs:
 *
 * - API v3 (`/api/v3/traces`): OTLP JSON (hex ids, nanosecond times as decimal strings, typed values);
 * - the UI's JSON API (`/api/traces/{id}`): Jaeger's own model (microsecond times, tags, logs,
 *   references, processes).
 */

/** An attribute value as JavaScript: string, boolean, number (int and double alike), or an array of them. */
export type AttributeValue = string | boolean | number | AttributeValue[] | null;

/** The value with its OTLP type kept, to check that an int stays an int and a double a double. */
export interface TypedValue {
  type: 'string' | 'bool' | 'int' | 'double' | 'array' | 'bytes' | 'kvlist' | 'empty';
  value: AttributeValue;
}

/** One span as API v3 returns it, with its resource and scope. */
export interface V3Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP `SpanKind`: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, TypedValue>;
  events: { name: string; timeUnixNano: bigint; attributes: Record<string, TypedValue> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, TypedValue> }[];
  /** OTLP `Status`: code 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Record<string, TypedValue>;
  scope: { name: string; version: string };
}

interface OtlpJsonKeyValue {
  key: string;
  value?: OtlpJsonAnyValue;
}

interface OtlpJsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpJsonAnyValue[] };
  kvlistValue?: unknown;
  bytesValue?: string;
}

interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpJsonKeyValue[];
  events?: { name: string; timeUnixNano: string; attributes?: OtlpJsonKeyValue[] }[];
  links?: { traceId: string; spanId: string; attributes?: OtlpJsonKeyValue[] }[];
  status?: { code?: number; message?: string };
}

interface OtlpJsonTraces {
  resourceSpans?: {
    resource?: { attributes?: OtlpJsonKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: OtlpJsonSpan[] }[];
  }[];
}

function typedValue(value: OtlpJsonAnyValue | undefined): TypedValue {
  if (value === undefined) return { type: 'empty', value: null };
  if (value.stringValue !== undefined) return { type: 'string', value: value.stringValue };
  if (value.boolValue !== undefined) return { type: 'bool', value: value.boolValue };
  if (value.intValue !== undefined) return { type: 'int', value: Number(value.intValue) };
  if (value.doubleValue !== undefined) return { type: 'double', value: Number(value.doubleValue) };
  if (value.arrayValue !== undefined) {
    return { type: 'array', value: (value.arrayValue.values ?? []).map((item) => typedValue(item).value) };
  }
  if (value.bytesValue !== undefined) return { type: 'bytes', value: value.bytesValue };
  if (value.kvlistValue !== undefined) return { type: 'kvlist', value: JSON.stringify(value.kvlistValue) };
  return { type: 'empty', value: null };
}

function typedAttributes(list: OtlpJsonKeyValue[] | undefined): Record<string, TypedValue> {
  const attributes: Record<string, TypedValue> = {};
  for (const { key, value } of list ?? []) attributes[key] = typedValue(value);
  return attributes;
}

/** Only the values, for comparing with what an application set. */
export function plainAttributes(attributes: Record<string, TypedValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(attributes).map(([key, { value }]) => [key, value]));
}

/** Flattens an OTLP JSON `TracesData` into spans that each carry their resource and scope. */
export function v3Spans(traces: OtlpJsonTraces): V3Span[] {
  const spans: V3Span[] = [];
  for (const resourceSpans of traces.resourceSpans ?? []) {
    const resource = typedAttributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' };
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind ?? 0,
          startTimeUnixNano: BigInt(span.startTimeUnixNano),
          endTimeUnixNano: BigInt(span.endTimeUnixNano),
          attributes: typedAttributes(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name,
            timeUnixNano: BigInt(event.timeUnixNano),
            attributes: typedAttributes(event.attributes),
          })),
          links: (span.links ?? []).map((link) => ({
            traceId: link.traceId,
            spanId: link.spanId,
            attributes: typedAttributes(link.attributes),
          })),
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** What to search for with API v3. */
export interface V3TraceQuery {
  serviceName: string;
  startTimeMin: Date;
  startTimeMax: Date;
  /** At most this many traces (Jaeger's `query.num_traces`). Default 1 000. */
  numberOfTraces?: number;
  /** `true`: as stored, without Jaeger's adjusters (which, for one, merge duplicate spans). Default false. */
  raw?: boolean;
}

/** `GET /api/v3/traces?query.service_name=…&query.start_time_min=…&query.start_time_max=…`: every span of every trace found. */
export async function findTracesV3(queryUrl: string, query: V3TraceQuery): Promise<V3Span[]> {
  const parameters = new URLSearchParams({
    'query.service_name': query.serviceName,
    'query.start_time_min': query.startTimeMin.toISOString(),
    'query.start_time_max': query.startTimeMax.toISOString(),
    'query.num_traces': String(query.numberOfTraces ?? 1000),
  });
  if (query.raw === true) parameters.set('query.raw_traces', 'true');
  const { status, body } = await getJson(`${queryUrl}/api/v3/traces?${parameters.toString()}`);
  if (status === 404) return []; // "No traces found"
  if (status !== 200) throw new Error(`GET /api/v3/traces answered ${status}: ${JSON.stringify(body)}`);
  return v3Spans((body as { result: OtlpJsonTraces }).result);
}

/** `GET /api/v3/services`. */
export async function servicesV3(queryUrl: string): Promise<string[]> {
  const { status, body } = await getJson(`${queryUrl}/api/v3/services`);
  if (status !== 200) throw new Error(`GET /api/v3/services answered ${status}: ${JSON.stringify(body)}`);
  return (body as { services?: string[] }).services ?? [];
}

/** A tag or log field of Jaeger's own model. */
export interface V1Tag {
  key: string;
  type: string;
  value: string | number | boolean;
}

/** One span of `GET /api/traces/{id}`, with its process resolved. */
export interface V1Span {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: V1Tag[];
  logs: { timestamp: number; fields: V1Tag[] }[];
  process: { serviceName: string; tags: V1Tag[] };
  warnings: string[] | null;
}

/** `GET /api/traces/{id}`: the trace in Jaeger's own JSON model. */
export async function getTraceV1(queryUrl: string, traceId: string): Promise<V1Span[]> {
  const { status, body } = await getJson(`${queryUrl}/api/traces/${traceId}`);
  if (status !== 200) throw new Error(`GET /api/traces/${traceId} answered ${status}: ${JSON.stringify(body)}`);
  const [trace] = (
    body as { data: { spans: (Omit<V1Span, 'process'> & { processID: string })[]; processes: Record<string, V1Span['process']> }[] }
  ).data;
  return trace.spans.map(({ processID, ...span }) => ({ ...span, process: trace.processes[processID] }));
}

/** Tags as a record (their values in Jaeger's JSON types). */
export function tagRecord(tags: V1Tag[]): Record<string, V1Tag['value']> {
  return Object.fromEntries(tags.map(({ key, value }) => [key, value]));
}

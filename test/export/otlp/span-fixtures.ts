import {
  type Attributes,
  createTraceState,
  type SpanContext,
  SpanKind,
  type SpanStatus,
  SpanStatusCode,
  TraceFlags,
} from '@opentelemetry/api';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../../src/trace/finished-span.js';
import type { InstrumentationScope } from '../../../src/trace/instrumentation-scope.js';
import type { Resource } from '../../../src/resource/resource.js';
import { clockNanosToHrTime, nanosToHrTime } from '../../../src/trace/clock.js';

/** Everything a test may set on a fixture span; the rest gets plain defaults. */
export interface SpanFixture {
  name?: string;
  kind?: SpanKind;
  traceId?: string;
  spanId?: string;
  traceFlags?: number;
  traceState?: string;
  parent?: SpanContext;
  startTimeNanos?: number;
  endTimeNanos?: number;
  attributes?: Attributes;
  events?: SpanEvent[];
  links?: SpanLink[];
  status?: SpanStatus;
  resource?: Resource;
  instrumentationScope?: InstrumentationScope;
  droppedAttributesCount?: number;
  droppedEventsCount?: number;
  droppedLinksCount?: number;
}

export const DEFAULT_RESOURCE: Resource = { attributes: { 'service.name': 'fixture' } };
export const DEFAULT_SCOPE: InstrumentationScope = { name: 'fixture-scope' };

let counter = 0;

/** A distinct valid span id per call. */
export function nextSpanId(): string {
  counter++;
  return counter.toString(16).padStart(16, '0');
}

/** A FinishedSpan as a plain object literal, the way processors and exporters see one. */
export function finishedSpan(fixture: SpanFixture = {}): FinishedSpan {
  const context: SpanContext = {
    traceId: fixture.traceId ?? '0af7651916cd43dd8448eb211c80319c',
    spanId: fixture.spanId ?? nextSpanId(),
    traceFlags: fixture.traceFlags ?? 1,
    traceState: fixture.traceState === undefined ? undefined : createTraceState(fixture.traceState),
  };
  const startTimeNanos = fixture.startTimeNanos ?? 1_000_000;
  const endTimeNanos = fixture.endTimeNanos ?? startTimeNanos + 2_500_000;
  return {
    name: fixture.name ?? 'operation',
    kind: fixture.kind ?? SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext: fixture.parent,
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
    attributes: fixture.attributes ?? {},
    events: fixture.events ?? [],
    links: fixture.links ?? [],
    status: fixture.status ?? { code: SpanStatusCode.UNSET },
    resource: fixture.resource ?? DEFAULT_RESOURCE,
    instrumentationScope: fixture.instrumentationScope ?? DEFAULT_SCOPE,
    droppedAttributesCount: fixture.droppedAttributesCount ?? 0,
    droppedEventsCount: fixture.droppedEventsCount ?? 0,
    droppedLinksCount: fixture.droppedLinksCount ?? 0,
    ended: true,
  };
}

/** A span event as a plain object literal, with `time` computed from `timeNanos` on access. */
export function spanEvent(name: string, timeNanos: number, attributes: Attributes = {}, droppedAttributesCount = 0): SpanEvent {
  return {
    name,
    timeNanos,
    attributes,
    droppedAttributesCount,
    get time() {
      return clockNanosToHrTime(timeNanos);
    },
  };
}

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const PARENT_ID = 'eee19b7ec3c1b173';
export const LINK_TRACE_ID = '0102030405060708090a0b0c0d0e0f10';
export const LINK_SPAN_ID = 'a1a2a3a4a5a6a7a8';

export const RESOURCE: Resource = {
  attributes: { 'service.name': 'checkout', 'host.cpus': 2 },
  schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
};
export const SCOPE: InstrumentationScope = {
  name: 'lib',
  version: '1.2.3',
  schemaUrl: 'https://example.test/scope',
  attributes: { 'scope.kind': 'http' },
};

/** A span using every feature the mapping knows. */
export function kitchenSinkSpan() {
  return finishedSpan({
    name: 'GET /cart ✓',
    kind: SpanKind.SERVER,
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    traceState: 'vendor=value,other=x',
    parent: { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1, isRemote: true },
    startTimeNanos: 123_456_789.4,
    endTimeNanos: 9_876_543_210,
    attributes: {
      str: 'value',
      unicode: 'héllo wörld 🌍 ✓',
      empty: '',
      yes: true,
      no: false,
      zero: 0,
      negative: -42,
      large: 2 ** 53 - 1,
      veryNegative: -(2 ** 53 - 1),
      double: 3.25,
      beyondSafe: 2 ** 60,
      nan: Number.NaN,
      strings: ['a', 'b', 'ü'],
      numbers: [1, 2.5, -3],
      bools: [true, false],
      withHoles: ['x', null as unknown as string, undefined as unknown as string],
      bytes: new Uint8Array([0, 1, 254, 255]) as unknown as string,
      skipped: undefined,
    },
    droppedAttributesCount: 3,
    events: [spanEvent('exception', 5_000_000, { 'exception.type': 'Error', code: 7 }, 1), spanEvent('', 6_000_000)],
    droppedEventsCount: 4,
    links: [
      {
        context: { traceId: LINK_TRACE_ID, spanId: LINK_SPAN_ID, traceFlags: 1, isRemote: true, traceState: createTraceState('l=1') },
        attributes: { 'link.kind': 'follows', weight: 1.5 },
        droppedAttributesCount: 2,
      },
      { context: { traceId: LINK_TRACE_ID, spanId: LINK_SPAN_ID, traceFlags: 0 }, attributes: {}, droppedAttributesCount: 0 },
    ],
    droppedLinksCount: 5,
    status: { code: SpanStatusCode.ERROR, message: 'card declined' },
    resource: RESOURCE,
    instrumentationScope: SCOPE,
  });
}

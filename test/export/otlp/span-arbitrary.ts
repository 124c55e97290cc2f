import { type AttributeValue, type Attributes, createTraceState, type SpanContext } from '@opentelemetry/api';
import fc from 'fast-check';
import type { Resource } from '../../../src/resource/resource.js';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../../src/trace/finished-span.js';
import type { InstrumentationScope } from '../../../src/trace/instrumentation-scope.js';
import { finishedSpan } from './span-fixtures.js';
import { clockNanosToHrTime } from '../../../src/trace/clock.js';

const hexId = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
const text = fc.oneof(
  fc.constantFrom('\ud800', 'a\udc00b', 'x\ud83d\ude00'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
  text,
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.maxSafeInteger(),
  fc.double(),
);
const attributeValue: fc.Arbitrary<AttributeValue | Uint8Array | undefined> = fc.oneof(
  scalar,
  fc.array(fc.oneof(text, fc.constant(null), fc.constant(undefined)), { maxLength: 4 }) as fc.Arbitrary<AttributeValue>,
  fc.array(fc.oneof(fc.double(), fc.maxSafeInteger()), { maxLength: 4 }),
  fc.array(fc.boolean(), { maxLength: 3 }),
  fc.uint8Array({ maxLength: 6 }),
  fc.constant(undefined),
);
const attributes = fc.dictionary(text, attributeValue, { maxKeys: 6 }) as fc.Arbitrary<Attributes>;
const count = fc.oneof(fc.constant(0), fc.nat(), fc.integer({ min: -5, max: 5 }));
const time = fc.oneof(fc.integer({ min: -1e9, max: 1e15 }), fc.double({ min: -1e9, max: 1e15, noNaN: true }));
const traceState = fc.option(fc.constantFrom('a=b', 'vendor=1,other=two', 'k=' + 'v'.repeat(100)), { nil: undefined });
const context = fc.record({
  traceId: hexId(32),
  spanId: hexId(16),
  traceFlags: fc.integer({ min: 0, max: 255 }),
  isRemote: fc.option(fc.boolean(), { nil: undefined }),
  traceState,
});
const event: fc.Arbitrary<SpanEvent> = fc
  .record({ name: text, timeNanos: time, attributes, droppedAttributesCount: count })
  .map((fields) => ({ ...fields, time: clockNanosToHrTime(fields.timeNanos) }));
const apiContext: fc.Arbitrary<SpanContext> = context.map((c) => ({
  ...c,
  traceState: c.traceState === undefined ? undefined : createTraceState(c.traceState),
}));
const link: fc.Arbitrary<SpanLink> = fc.record({
  context: apiContext,
  attributes,
  droppedAttributesCount: count,
});
const resources: Resource[] = [
  { attributes: { 'service.name': 'r1' } },
  { attributes: { 'service.name': 'r2', n: 3 }, schemaUrl: 'https://r2.test' },
];
const scopes: InstrumentationScope[] = [
  { name: 's1' },
  { name: 's2', version: '9', schemaUrl: 'https://s2.test', attributes: { q: [1, 2] } },
];
const span: fc.Arbitrary<FinishedSpan> = fc
  .record({
    name: text,
    kind: fc.integer({ min: 0, max: 5 }),
    context,
    parent: fc.option(apiContext, { nil: undefined }),
    startTimeNanos: time,
    duration: fc.nat(),
    attributes,
    events: fc.array(event, { maxLength: 3 }),
    links: fc.array(link, { maxLength: 2 }),
    statusCode: fc.integer({ min: 0, max: 3 }),
    statusMessage: fc.option(text, { nil: undefined }),
    resource: fc.constantFrom(...resources),
    scope: fc.constantFrom(...scopes),
    droppedAttributesCount: count,
    droppedEventsCount: count,
    droppedLinksCount: count,
  })
  .map((s) =>
    finishedSpan({
      name: s.name,
      kind: s.kind,
      traceId: s.context.traceId,
      spanId: s.context.spanId,
      traceFlags: s.context.traceFlags,
      traceState: s.context.traceState,
      parent: s.parent,
      startTimeNanos: s.startTimeNanos,
      endTimeNanos: s.startTimeNanos + s.duration,
      attributes: s.attributes,
      events: s.events,
      links: s.links,
      status: { code: s.statusCode, message: s.statusMessage },
      resource: s.resource,
      instrumentationScope: s.scope,
      droppedAttributesCount: s.droppedAttributesCount,
      droppedEventsCount: s.droppedEventsCount,
      droppedLinksCount: s.droppedLinksCount,
    }),
  );

/** Random batches of 0–6 FinishedSpans covering every field, attribute type and grouping the encoders handle (two resources, two scopes). */
export const spanBatch = fc.array(span, { maxLength: 6 });

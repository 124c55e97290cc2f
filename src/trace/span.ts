import type {
  AttributeValue,
  Attributes,
  Exception,
  HrTime,
  Link,
  Span,
  SpanContext,
  SpanKind,
  SpanStatus,
  TimeInput,
  TraceState,
} from '@opentelemetry/api';
import { reportEndedSpanCall } from '../diagnostics/ended-span-call.js';
import { reportError, warnOnce } from '../diagnostics/report.js';
import type { SpanProcessor } from './span-processor.js';
import type { Resource } from '../resource/resource.js';
import { clockNanosToHrTime, exactHrTime, nanosToHrTime, nowNanosOn, toClockNanos, type ClockAnchor } from './clock.js';
import type { FinishedSpan, SpanEvent, SpanLink } from './finished-span.js';
import type { InstrumentationScope } from './instrumentation-scope.js';
import { EMPTY_ATTRIBUTES, defineAttribute, limitAttributes, limitComplexAttributeValue, type SpanLimitsSettings } from './span-limits.js';
import { detachString } from '../internal/detach-string.js';
import { ATTRIBUTE, ENDED, FLAGS_SHIFT, KIND_SHIFT, PARENT_FLAGS_SHIFT } from './span-state-layout.js';
import { STATUS_ERROR, STATUS_OK, STATUS_UNSET } from '../internal/api-enum-values.js';
import { EMPTY_ARRAY as NO_EVENTS, EMPTY_ARRAY as NO_LINKS } from '../internal/frozen-empty.js';

/** What every span of one tracer shares: built once per tracer, referenced (not copied) by each span. */
export interface SpanOwner {
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly limits: SpanLimitsSettings;
  /** The provider's processors, or `undefined` when it has none. */
  readonly processor: SpanProcessor | undefined;
}

const UNSET_STATUS: SpanStatus = Object.freeze({ code: STATUS_UNSET });

/**
 * The parts of a span that most spans leave at their defaults (events, links, an explicit status and
 * dropped counts), and the span's clock anchor, which most spans share. A span points at the shared,
 * frozen extras of its anchor (see {@link sharedExtrasOn}) until one of the others changes, and only
 * then gets its own, so the usual span is six fields smaller (a span is held in memory for as long as
 * it waits in an export queue).
 */
interface SpanExtras {
  /** The wall-clock anchor the span started on: its end and events are monotonic time on it (see clock.ts). */
  readonly clockAnchor: ClockAnchor;
  /** Whether these are an anchor's shared, frozen extras rather than one span's own. */
  readonly shared: boolean;
  events: SpanEvent[];
  links: SpanLink[];
  status: SpanStatus;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  /** An explicit `[s, ns]` start too far from the clock base for `startTimeNanos` to hold exactly (see clock.ts). */
  exactStartTime: HrTime | undefined;
  /** The same for an explicit end time. */
  exactEndTime: HrTime | undefined;
}

/** Builds an all-default {@link SpanExtras} (a constructor, so every instance shares one layout). */
const SpanExtras = function SpanExtras(
  this: { -readonly [K in keyof SpanExtras]: SpanExtras[K] },
  clockAnchor: ClockAnchor,
  shared: boolean,
) {
  this.clockAnchor = clockAnchor;
  this.shared = shared;
  this.events = NO_EVENTS;
  this.links = NO_LINKS;
  this.status = UNSET_STATUS;
  this.droppedAttributesCount = 0;
  this.droppedEventsCount = 0;
  this.droppedLinksCount = 0;
  this.exactStartTime = undefined;
  this.exactEndTime = undefined;
} as unknown as new (
  clockAnchor: ClockAnchor,
  shared: boolean,
) => SpanExtras;

/** The shared extras of the anchor spans started on last (the anchor rarely moves; see clock.ts). */
let lastSharedExtras: SpanExtras | undefined;

/** The frozen, all-default extras shared by the spans that start on `clockAnchor`. */
function sharedExtrasOn(clockAnchor: ClockAnchor): SpanExtras {
  if (lastSharedExtras === undefined || lastSharedExtras.clockAnchor !== clockAnchor) {
    lastSharedExtras = Object.freeze(new SpanExtras(clockAnchor, true));
  }
  return lastSharedExtras;
}

/**
 * Makes the plain objects a span keeps its attributes in: `new AttributeObject()` is indistinguishable
 * from `{}` (its prototype is `Object.prototype`), but objects built by a constructor get V8's slack
 * tracking, so a span's usual handful of attributes fit in the object itself instead of a separately
 * allocated property store.
 */
const AttributeObject = function AttributeObject() {} as unknown as new () => Attributes;
AttributeObject.prototype = Object.prototype;

/**
 * Builds a recorded {@link SpanEvent}. `time` is a getter on the shared prototype, so an event holds
 * four fields and its `HrTime` costs nothing until an exporter asks for it.
 */
const RecordedEvent = function RecordedEvent(
  this: { name: string; timeNanos: number; attributes: Attributes; droppedAttributesCount: number },
  name: string,
  timeNanos: number,
  attributes: Attributes,
  droppedAttributesCount: number,
) {
  this.name = name;
  this.timeNanos = timeNanos;
  this.attributes = attributes;
  this.droppedAttributesCount = droppedAttributesCount;
} as unknown as new (
  name: string,
  timeNanos: number,
  attributes: Attributes,
  droppedAttributesCount: number,
) => SpanEvent;
Object.defineProperty(RecordedEvent.prototype, 'time', {
  get(this: SpanEvent): HrTime {
    return clockNanosToHrTime(this.timeNanos);
  },
  enumerable: false,
  configurable: true,
});

/**
 * What the encoders read of a span's context and its parent's, filled in by
 * {@link RecordingSpan.readContextParts} (one object reused for every span).
 * @internal
 */
export interface SpanContextParts {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState: TraceState | undefined;
  /** `undefined` for a root. */
  parentSpanId: string | undefined;
  parentIsRemote: boolean | undefined;
}

/**
 * The SDK's recording span. It implements the API `Span` for instrumentation and {@link FinishedSpan}
 * for processors and exporters, so ending a span copies nothing.
 *
 * Limits (see {@link SpanLimits}):
 * - attributes: once the count limit is reached, new keys are dropped and counted; existing keys can
 *   still be updated. String values, and strings inside arrays, are truncated to the length limit.
 * - events: when the event limit is reached, the *oldest* event is dropped (and counted) to make room,
 *   so the latest events, such as the exception that ended an operation, are kept. The spec leaves the
 *   choice to the SDK; opentelemetry-js and opentelemetry-go make the same one.
 * - links: links over the limit are dropped and counted, and here otelite differs from both of them
 *   (they drop the oldest link): the *first* links are kept, because they are usually given at start,
 *   where the sampler saw them, and a link added later must not push out one the sampling decision used.
 * - per-event and per-link attributes: the first attributes are kept, the rest counted as dropped.
 *
 * Misuse never throws: invalid keys or values are dropped with one process-wide warning, and every call
 * after `end()` is ignored.
 *
 * Memory: spans wait in export queues by the thousand, so every field counts. The class has no
 * `#private` methods or accessors (V8 would store a class brand in every instance; helpers are module
 * functions), and rarely-set data lives in {@link SpanExtras}.
 * @internal Created by the tracer; instrumentation sees it as the API `Span`.
 */
export class RecordingSpan implements Span, FinishedSpan {
  // The public fields are `declare`d, set by the constructor in this order (the order they enumerate
  // in): as class fields they would each be defined as `undefined` first, then set, on every span.
  declare name: string;
  declare readonly startTimeNanos: number;
  /** Equal to `startTimeNanos` until the span ends. */
  declare endTimeNanos: number;
  declare attributes: Attributes;
  #owner: SpanOwner;
  // The span context is kept as its parts; `spanContext()` assembles it (a span waiting in an export
  // queue holds no context object).
  #traceId: string;
  #spanId: string;
  #traceState: TraceState | undefined;
  /**
   * The parent: `undefined` for a root; the parent's span id when the parent was a recording span of the
   * same trace state (its flags are in `#state`, its trace id is this span's); else its `SpanContext`.
   */
  #parent: string | SpanContext | undefined;
  /** Ended, kind, trace flags, parent trace flags and attribute count (see {@link ATTRIBUTE}). */
  #state: number;
  /** The anchor's shared extras until an event, link, status or dropped count is recorded. */
  #extras: SpanExtras;

  /**
   * `parent` is the parent's context (`undefined` for a root); `parentIsRecording` says it is that of a
   * {@link RecordingSpan}, whose context needs no keeping when its trace state is this span's.
   * `ownedCount` is -1 unless `attributes` is a new object made for this span, which it may keep: then the
   * number of attributes in it, or -2 when not counted.
   */
  constructor(
    owner: SpanOwner,
    name: string,
    traceId: string,
    spanId: string,
    traceFlags: number,
    traceState: TraceState | undefined,
    kind: SpanKind,
    parent: SpanContext | undefined,
    parentIsRecording: boolean,
    startTimeNanos: number,
    clockAnchor: ClockAnchor,
    attributes: Attributes | undefined,
    ownedCount: number,
  ) {
    this.#owner = owner;
    this.name = name;
    this.#traceId = traceId;
    this.#spanId = spanId;
    this.#traceState = traceState;
    let state = kind * (1 << KIND_SHIFT) + (traceFlags & 0xff) * (1 << FLAGS_SHIFT);
    if (parentIsRecording && parent !== undefined && parent.traceState === traceState) {
      this.#parent = parent.spanId;
      state += (parent.traceFlags & 0xff) * (1 << PARENT_FLAGS_SHIFT);
    } else {
      this.#parent = parent;
    }
    this.startTimeNanos = startTimeNanos;
    this.endTimeNanos = startTimeNanos;
    this.#extras = sharedExtrasOn(clockAnchor);
    const limits = owner.limits;
    // Attributes built for this span alone and counted hold valid values: only their count is checked.
    const count =
      attributes === undefined
        ? -1
        : ownedCount >= 0 && limits.attributeValueLengthLimit === Infinity
          ? ownedCount > limits.attributeCountLimit
            ? -1
            : ownedCount
          : countPlainAttributes(attributes, limits);
    // Attributes built for this span alone are kept as they are, not copied.
    const copy = count === -1 ? undefined : ownedCount !== -1 ? attributes : copyAttributes(attributes as Attributes);
    if (copy === undefined) {
      this.#state = state;
      this.attributes = new AttributeObject();
      if (attributes !== undefined) this.setAttributes(attributes);
    } else {
      this.attributes = copy;
      this.#state = state + count * ATTRIBUTE;
    }
  }

  get kind(): SpanKind {
    return (this.#state >> KIND_SHIFT) & 7;
  }

  /** The parent's context (rebuilt on access for a recording parent), or `undefined` for a root. */
  get parentSpanContext(): SpanContext | undefined {
    const parent = this.#parent;
    if (typeof parent !== 'string') return parent;
    return {
      traceId: this.#traceId,
      spanId: parent,
      traceFlags: (this.#state >> PARENT_FLAGS_SHIFT) & 0xff,
      traceState: this.#traceState,
    };
  }

  get events(): readonly SpanEvent[] {
    return this.#extras.events;
  }

  get links(): readonly SpanLink[] {
    return this.#extras.links;
  }

  get status(): SpanStatus {
    return this.#extras.status;
  }

  get droppedAttributesCount(): number {
    return this.#extras.droppedAttributesCount;
  }

  get droppedEventsCount(): number {
    return this.#extras.droppedEventsCount;
  }

  get droppedLinksCount(): number {
    return this.#extras.droppedLinksCount;
  }

  get resource(): Resource {
    return this.#owner.resource;
  }

  get instrumentationScope(): InstrumentationScope {
    return this.#owner.instrumentationScope;
  }

  /** Epoch start time, computed on access (an explicit `[s, ns]` start as given, normalized). */
  get startTime(): HrTime {
    return this.#extras.exactStartTime ?? clockNanosToHrTime(this.startTimeNanos);
  }

  /** Epoch end time, computed on access (equal to the start time until the span ends). */
  get endTime(): HrTime {
    const extras = this.#extras;
    if (extras.exactEndTime !== undefined) return extras.exactEndTime;
    return this.endTimeNanos === this.startTimeNanos && extras.exactStartTime !== undefined
      ? extras.exactStartTime
      : clockNanosToHrTime(this.endTimeNanos);
  }

  /** End minus start, computed on access (zero until the span ends). */
  get duration(): HrTime {
    return nanosToHrTime(this.endTimeNanos - this.startTimeNanos);
  }

  /** Whether `end()` has been called. */
  get ended(): boolean {
    return (this.#state & ENDED) === ENDED;
  }

  /**
   * The trace flags of `span`'s context, without assembling the context when it is a
   * {@link RecordingSpan} (processors read them for every span that ends).
   * @internal
   */
  static traceFlagsOf(span: FinishedSpan): number {
    return #state in span ? (span.#state >> FLAGS_SHIFT) & 0xff : span.spanContext().traceFlags;
  }

  /**
   * Copies the ids, flags and trace state of `span` and of its parent into `parts`, without assembling
   * either context when it is a {@link RecordingSpan} (the encoders read them for every span); a span
   * whose ids wait as bytes (pooled-id-span.ts, an empty span id here) is read through its context (as
   * is one whose generator gave no span id: the same values).
   * @internal
   */
  static readContextParts(span: FinishedSpan, parts: SpanContextParts): void {
    if (#state in span && span.#spanId) {
      const state = span.#state;
      parts.traceId = span.#traceId;
      parts.spanId = span.#spanId;
      parts.traceFlags = (state >> FLAGS_SHIFT) & 0xff;
      parts.traceState = span.#traceState;
      const parent = span.#parent;
      if (typeof parent === 'string') {
        parts.parentSpanId = parent;
        parts.parentIsRemote = false;
      } else {
        parts.parentSpanId = parent?.spanId;
        parts.parentIsRemote = parent?.isRemote;
      }
      return;
    }
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    parts.traceId = context.traceId;
    parts.spanId = context.spanId;
    parts.traceFlags = context.traceFlags;
    parts.traceState = context.traceState;
    parts.parentSpanId = parent?.spanId;
    parts.parentIsRemote = parent?.isRemote;
  }

  /** The span's context, assembled on each call (equal each time, not the same object). */
  spanContext(): SpanContext {
    return {
      traceId: this.#traceId,
      spanId: this.#spanId,
      traceFlags: (this.#state >> FLAGS_SHIFT) & 0xff,
      traceState: this.#traceState,
    };
  }

  isRecording(): boolean {
    return (this.#state & ENDED) === 0;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if ((this.#state & ENDED) === ENDED) {
      reportEndedSpanCall(this, 'setAttribute', key);
      return this;
    }
    if (typeof key !== 'string' || key.length === 0) {
      warnOnce('an attribute was dropped: keys must be non-empty strings.');
      return this;
    }
    const limits = this.#owner.limits;
    let limited: AttributeValue | undefined;
    if (typeof value === 'string') {
      const lengthLimit = limits.attributeValueLengthLimit;
      limited = value.length > lengthLimit ? detachString(value.slice(0, lengthLimit)) : value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      limited = value;
    } else {
      limited = limitComplexAttributeValue(value, limits.attributeValueLengthLimit);
      if (limited === undefined) return this;
    }
    const attributes = this.attributes as Record<string, AttributeValue>;
    // An own-property test, not a read of the key: a key not there yet (the usual case) is then not looked
    // up along the prototype chain, through the megamorphic load stub (attribute objects come in many shapes).
    if (!Object.hasOwn(attributes, key) && !RecordingSpan.countAttribute(this)) return this;
    defineAttribute(attributes, key, limited);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (attributes === null || typeof attributes !== 'object') {
      if (attributes !== undefined) warnOnce('setAttributes was given something other than an object; it was ignored.');
      return this;
    }
    try {
      for (const key in attributes) {
        if (Object.hasOwn(attributes, key)) this.setAttribute(key, attributes[key] as AttributeValue);
      }
    } catch (error) {
      reportError('span.setAttributes', error, 'reading the attributes');
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if ((this.#state & ENDED) === ENDED) {
      reportEndedSpanCall(this, 'addEvent', name);
      return this;
    }
    let attributes: unknown;
    let timeInput: TimeInput | undefined;
    if (typeof attributesOrTime === 'number' || attributesOrTime instanceof Date || Array.isArray(attributesOrTime)) {
      timeInput = attributesOrTime as TimeInput;
    } else {
      attributes = attributesOrTime;
      timeInput = time;
    }
    const limits = this.#owner.limits;
    const extras = ownExtras(this);
    if (limits.eventCountLimit === 0) {
      extras.droppedEventsCount++;
      warnOnce('span events were dropped by the event count limit.');
      return this;
    }
    const timeNanos = (timeInput === undefined ? undefined : toClockNanos(timeInput, extras.clockAnchor)) ?? nowNanosOn(extras.clockAnchor);
    let event: SpanEvent;
    if (attributes === undefined) {
      event = new RecordedEvent(toName(name, 'event'), timeNanos, EMPTY_ATTRIBUTES, 0);
    } else {
      const limited = limitAttributes(attributes, limits.attributePerEventCountLimit, limits.attributeValueLengthLimit);
      event = new RecordedEvent(toName(name, 'event'), timeNanos, limited.attributes, limited.droppedAttributesCount);
    }
    if (timeInput !== undefined) {
      const exact = exactHrTime(timeInput, timeNanos);
      if (exact !== undefined) Object.defineProperty(event, 'time', { value: exact, enumerable: false, configurable: true });
    }
    if (extras.events === NO_EVENTS) {
      extras.events = [event];
    } else {
      if (extras.events.length >= limits.eventCountLimit) {
        extras.events.shift();
        extras.droppedEventsCount++;
        warnOnce('span events were dropped by the event count limit (the oldest are dropped first).');
      }
      extras.events.push(event);
    }
    return this;
  }

  addLink(link: Link): this {
    if ((this.#state & ENDED) === ENDED) {
      reportEndedSpanCall(this, 'addLink');
      return this;
    }
    if (link === null || typeof link !== 'object' || link.context === null || typeof link.context !== 'object') {
      warnOnce('a link without a span context was dropped.');
      return this;
    }
    const limits = this.#owner.limits;
    const extras = ownExtras(this);
    if (extras.links.length >= limits.linkCountLimit) {
      extras.droppedLinksCount++;
      warnOnce('span links were dropped by the link count limit.');
      return this;
    }
    // No attributes (undefined) come back as the shared empty ones, without a warning.
    const limited = limitAttributes(link.attributes, limits.attributePerLinkCountLimit, limits.attributeValueLengthLimit);
    const given = typeof link.droppedAttributesCount === 'number' && link.droppedAttributesCount > 0 ? link.droppedAttributesCount : 0;
    const stored: SpanLink = {
      context: link.context,
      attributes: limited.attributes,
      droppedAttributesCount: limited.droppedAttributesCount + given,
    };
    if (extras.links === NO_LINKS) extras.links = [stored];
    else extras.links.push(stored);
    return this;
  }

  addLinks(links: Link[]): this {
    if (!Array.isArray(links)) {
      if (links !== undefined) warnOnce('addLinks was given something other than an array; it was ignored.');
      return this;
    }
    for (const link of links) this.addLink(link);
    return this;
  }

  /**
   * Sets the status: `Ok` is final; `Error` (with its description) may replace `Unset` or an earlier
   * `Error`; `Unset` is ignored. A description is kept for `Error` only.
   */
  setStatus(status: SpanStatus): this {
    if ((this.#state & ENDED) === ENDED) {
      reportEndedSpanCall(this, 'setStatus');
      return this;
    }
    if (status === null || typeof status !== 'object') return this;
    const code = status.code;
    if (this.#extras.status.code === STATUS_OK) return this;
    if (code !== STATUS_OK && code !== STATUS_ERROR) return this;
    const extras = ownExtras(this);
    if (code === STATUS_OK) {
      extras.status = { code };
    } else {
      const message = status.message;
      extras.status = typeof message === 'string' ? { code, message } : { code };
    }
    return this;
  }

  updateName(name: string): this {
    if ((this.#state & ENDED) === ENDED) {
      reportEndedSpanCall(this, 'updateName', name);
      return this;
    }
    this.name = toName(name, this.name);
    return this;
  }

  /**
   * Records an `exception` event with `exception.type` (the error's `code`, else its `name`),
   * `exception.message` and `exception.stacktrace`. `exception` may be a string or any Error-like
   * object. Beyond the API, attributes may be passed as in `addEvent`; they win over the derived ones.
   */
  recordException(exception: Exception, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): void {
    if ((this.#state & ENDED) === ENDED) {
      reportEndedSpanCall(this, 'recordException');
      return;
    }
    const attributes: Record<string, AttributeValue> = {};
    try {
      if (typeof exception === 'string') {
        attributes['exception.message'] = exception;
      } else if (exception !== null && typeof exception === 'object') {
        const { code, name, message, stack } = exception as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
        if (code !== undefined && code !== null && code !== '') attributes['exception.type'] = String(code);
        else if (typeof name === 'string' && name !== '') attributes['exception.type'] = name;
        if (typeof message === 'string') attributes['exception.message'] = message;
        if (typeof stack === 'string') attributes['exception.stacktrace'] = stack;
      }
    } catch (error) {
      reportError('span.recordException', error, 'reading the exception');
    }
    if (attributes['exception.type'] === undefined && attributes['exception.message'] === undefined) {
      warnOnce('recordException was given no type or message; nothing was recorded.');
      return;
    }
    let eventTime: TimeInput | undefined = time;
    if (typeof attributesOrTime === 'number' || attributesOrTime instanceof Date || Array.isArray(attributesOrTime)) {
      eventTime = attributesOrTime as TimeInput;
    } else if (attributesOrTime !== null && typeof attributesOrTime === 'object') {
      for (const key in attributesOrTime) {
        if (Object.hasOwn(attributesOrTime, key)) attributes[key] = (attributesOrTime as Attributes)[key] as AttributeValue;
      }
    }
    this.addEvent('exception', attributes, eventTime);
  }

  /**
   * Ends the span at `endTime` (default now) and hands it to the processors. An end time before the
   * start is clamped to the start (duration 0). Later calls are ignored with a warning.
   */
  end(endTime?: TimeInput): void {
    if ((this.#state & ENDED) === ENDED) {
      warnOnce('end() was called on a span that has already ended; the call was ignored.');
      return;
    }
    this.#state += ENDED;
    const anchor = this.#extras.clockAnchor;
    let end = endTime === undefined ? nowNanosOn(anchor) : (toClockNanos(endTime, anchor) ?? nowNanosOn(anchor));
    if (end < this.startTimeNanos) end = this.startTimeNanos;
    else if (endTime !== undefined) {
      const exact = exactHrTime(endTime, end);
      if (exact !== undefined) ownExtras(this).exactEndTime = exact;
    }
    this.endTimeNanos = end;
    const processor = this.#owner.processor;
    if (processor !== undefined) {
      try {
        processor.onEnd(this);
      } catch (error) {
        reportError('processor.onEnd', error);
      }
    }
  }

  /**
   * Counts one attribute more on `span`, not ended, whose caller then stores it under a key the span
   * does not have yet: `false` (the attribute dropped and counted as such) once the count limit is reached.
   * @internal For `setAttribute`, and for an instrumentation that stores its own span's attribute itself.
   */
  static countAttribute(span: RecordingSpan): boolean {
    // The count is the state's part from ATTRIBUTE up: count >= limit exactly when this holds.
    if (span.#state >= span.#owner.limits.attributeCountLimit * ATTRIBUTE) {
      ownExtras(span).droppedAttributesCount++;
      warnOnce('span attributes were dropped by the attribute count limit.');
      return false;
    }
    span.#state += ATTRIBUTE;
    return true;
  }

  /** `span`'s own extras, made (on the span's anchor) when it still shares its anchor's. */
  static ownExtras(span: RecordingSpan): SpanExtras {
    let extras = span.#extras;
    if (extras.shared) {
      extras = new SpanExtras(extras.clockAnchor, false);
      span.#extras = extras;
    }
    return extras;
  }
}

const ownExtras = RecordingSpan.ownExtras;

/**
 * Keeps an explicit start time `input` of `span` exactly when `span.startTimeNanos` cannot hold all its
 * nanoseconds (an `[s, ns]` time far from the clock base; see clock.ts). Called only for explicit starts.
 * @internal
 */
export function keepExactStartTime(span: RecordingSpan, input: TimeInput): void {
  const exact = exactHrTime(input, span.startTimeNanos);
  if (exact !== undefined) ownExtras(span).exactStartTime = exact;
}

/**
 * The fast path for the attributes a span starts with: how many there are, or -1 for anything unusual
 * (an invalid or over-long value, an empty or `__proto__` key, more attributes than the limit, a getter
 * that throws), which the span then takes through the general path, one `setAttribute` per key.
 */
function countPlainAttributes(attributes: Attributes, limits: SpanLimitsSettings): number {
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) return -1;
  const lengthLimit = limits.attributeValueLengthLimit;
  let count = 0;
  try {
    for (const key in attributes) {
      const value = attributes[key];
      // `typeof value === '...'` each time, not a `typeof` kept in a variable: V8 then tests the type
      // directly instead of calling its `typeof` builtin for every attribute.
      if (
        !((typeof value === 'string' && value.length <= lengthLimit) || typeof value === 'number' || typeof value === 'boolean') ||
        key === '' ||
        key === '__proto__'
      ) {
        return -1;
      }
      count++;
    }
  } catch {
    return -1;
  }
  return count > limits.attributeCountLimit ? -1 : count;
}

/** A copy of attributes {@link countPlainAttributes} accepted, in one step; `undefined` if a getter throws. */
function copyAttributes(attributes: Attributes): Attributes | undefined {
  try {
    return Object.assign(new AttributeObject(), attributes);
  } catch {
    return undefined;
  }
}

/** `name` when it is a string, else its string form, else `fallback`. */
export function toName(name: unknown, fallback: string): string {
  if (typeof name === 'string') return name;
  try {
    return String(name);
  } catch {
    return fallback;
  }
}

import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { readEnvironmentVariable, type EnvironmentSource } from '../config/environment-variable.js';
import { readIntegerVariable } from '../config/typed-variables.js';
import { warnOnce } from '../diagnostics/report.js';
import { detachString } from '../internal/detach-string.js';

/**
 * Bounds on what one span may hold (the spec's span limits). Every field is optional; an unset field
 * takes its value from the environment, and from the spec's default when the environment is silent.
 * `Infinity` means unlimited; `0` means nothing of that kind is kept (everything is counted as dropped).
 */
export interface SpanLimits {
  /**
   * Longest string attribute value, in UTF-16 code units; longer strings (also inside arrays) are truncated.
   * `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`; default `Infinity`.
   */
  attributeValueLengthLimit?: number;
  /** Most attributes on a span. `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, `OTEL_ATTRIBUTE_COUNT_LIMIT`; default 128. */
  attributeCountLimit?: number;
  /** Most events on a span. `OTEL_SPAN_EVENT_COUNT_LIMIT`; default 128. */
  eventCountLimit?: number;
  /** Most links on a span. `OTEL_SPAN_LINK_COUNT_LIMIT`; default 128. */
  linkCountLimit?: number;
  /** Most attributes on one event. `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`, `OTEL_ATTRIBUTE_COUNT_LIMIT`; default 128. */
  attributePerEventCountLimit?: number;
  /** Most attributes on one link. `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`, `OTEL_ATTRIBUTE_COUNT_LIMIT`; default 128. */
  attributePerLinkCountLimit?: number;
}

/** The span limits in force, every field set. `Infinity` means unlimited. */
export interface SpanLimitsSettings {
  attributeValueLengthLimit: number;
  attributeCountLimit: number;
  eventCountLimit: number;
  linkCountLimit: number;
  attributePerEventCountLimit: number;
  attributePerLinkCountLimit: number;
}

/** The spec's defaults: 128 of each, no value length limit. */
export const DEFAULT_SPAN_LIMITS: Readonly<SpanLimitsSettings> = Object.freeze({
  attributeValueLengthLimit: Infinity,
  attributeCountLimit: 128,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
});

/**
 * The span limits of the environment over the defaults: `OTEL_SPAN_*`, `OTEL_EVENT_*` and `OTEL_LINK_*`
 * beat the general `OTEL_ATTRIBUTE_*`. An invalid value gives one warning and its fallback.
 *
 * @example
 * ```ts
 * // OTEL_ATTRIBUTE_COUNT_LIMIT=10
 * readSpanLimitsEnvironment().attributePerEventCountLimit; // 10
 * ```
 */
export function readSpanLimitsEnvironment(environment: EnvironmentSource = readEnvironmentVariable): SpanLimitsSettings {
  const d = DEFAULT_SPAN_LIMITS;
  const read = (name: string, fallback: number): number => readIntegerVariable(environment, name, fallback, 0);
  const generalLength = read('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', d.attributeValueLengthLimit);
  const generalCount = read('OTEL_ATTRIBUTE_COUNT_LIMIT', d.attributeCountLimit);
  return {
    attributeValueLengthLimit: read('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', generalLength),
    attributeCountLimit: read('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', generalCount),
    eventCountLimit: read('OTEL_SPAN_EVENT_COUNT_LIMIT', d.eventCountLimit),
    linkCountLimit: read('OTEL_SPAN_LINK_COUNT_LIMIT', d.linkCountLimit),
    attributePerEventCountLimit: read('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', generalCount),
    attributePerLinkCountLimit: read('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', generalCount),
  };
}

/** Reads the `OTEL_SPAN_*`/`OTEL_ATTRIBUTE_*` limits ({@link readSpanLimitsEnvironment}), where there is an environment. */
let limitsFromEnvironment: (() => SpanLimitsSettings) | undefined;

/**
 * Makes `TracerProvider` take its span limits from `read` ({@link readSpanLimitsEnvironment}). Called by
 * the entry points of runtimes that have an environment (src/environment-readers.ts); the browser entry
 * does not, so a page bundles none of the variable parsing.
 * @internal
 *
 * @example
 * ```ts
 * useSpanLimitsEnvironment(() => readSpanLimitsEnvironment());
 * ```
 */
export function useSpanLimitsEnvironment(read: (() => SpanLimitsSettings) | undefined): void {
  limitsFromEnvironment = read;
}

/**
 * The span limits under a provider's `spanLimits` option: the environment's (see
 * {@link useSpanLimitsEnvironment}), else {@link DEFAULT_SPAN_LIMITS}.
 * @internal
 *
 * @example
 * ```ts
 * environmentSpanLimits().attributeCountLimit; // 128 without OTEL_*_LIMIT variables
 * ```
 */
export function environmentSpanLimits(): SpanLimitsSettings {
  return limitsFromEnvironment !== undefined ? limitsFromEnvironment() : DEFAULT_SPAN_LIMITS;
}

const LIMIT_NAMES = Object.keys(DEFAULT_SPAN_LIMITS) as ReadonlyArray<keyof SpanLimitsSettings>;

/**
 * The limits a provider uses: `options` over `environment` (which already holds the defaults). An
 * option that is not a non-negative integer or `Infinity` is ignored with a warning.
 */
export function resolveSpanLimits(environment: SpanLimitsSettings, options: SpanLimits | undefined): SpanLimitsSettings {
  const limits = { ...environment };
  if (options === undefined || options === null || typeof options !== 'object') return Object.freeze(limits);
  for (const name of LIMIT_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value === 'number' && (value === Infinity || (Number.isInteger(value) && value >= 0))) {
      limits[name] = value;
    } else {
      warnOnce(`spanLimits.${name}=${String(value)} is not an integer >= 0 or Infinity; using ${limits[name]}.`);
    }
  }
  return Object.freeze(limits);
}

/** Shared, frozen empty attributes for events and links that carry none. */
export const EMPTY_ATTRIBUTES: Attributes = Object.freeze({}) as Attributes;

const INVALID_VALUE_WARNING = 'an attribute value was dropped: not a string, number, boolean or array of those.';

/**
 * Checks an attribute value that is not a plain string, number or boolean (those the caller handles
 * inline): returns a valid, length-limited copy of a homogeneous array, or `undefined` (with one
 * process-wide warning) for anything else.
 */
export function limitComplexAttributeValue(value: unknown, lengthLimit: number): AttributeValue | undefined {
  if (!Array.isArray(value)) {
    warnOnce(INVALID_VALUE_WARNING);
    return undefined;
  }
  let type: string | undefined;
  const length = value.length;
  const copy = new Array(length);
  for (let i = 0; i < length; i++) {
    let element = value[i];
    if (element === null || element === undefined) {
      copy[i] = element;
      continue;
    }
    const elementType = typeof element;
    if (elementType !== 'string' && elementType !== 'number' && elementType !== 'boolean') {
      warnOnce(INVALID_VALUE_WARNING);
      return undefined;
    }
    if (type === undefined) type = elementType;
    else if (type !== elementType) {
      warnOnce(INVALID_VALUE_WARNING);
      return undefined;
    }
    if (elementType === 'string' && (element as string).length > lengthLimit)
      element = detachString((element as string).slice(0, lengthLimit));
    copy[i] = element;
  }
  return copy as AttributeValue;
}

/** A valid, length-limited attribute value, or `undefined` (with one warning) when `value` is not one. */
export function limitAttributeValue(value: unknown, lengthLimit: number): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > lengthLimit ? detachString(value.slice(0, lengthLimit)) : value;
    case 'number':
    case 'boolean':
      return value;
    default:
      return limitComplexAttributeValue(value, lengthLimit);
  }
}

/** Attributes after a count and a length limit, with how many were dropped for the count. */
export interface LimitedAttributes {
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

/**
 * Copies `input` (the attributes of an event, a link or a resource), keeping at most `countLimit`
 * valid attributes (the first ones, in key order) with string values truncated to `lengthLimit`.
 * Invalid keys and values are dropped without being counted; attributes over the count are counted.
 */
export function limitAttributes(input: unknown, countLimit: number, lengthLimit: number): LimitedAttributes {
  if (input === null || typeof input !== 'object') {
    if (input !== undefined) warnOnce('attributes must be an object; they were dropped.');
    return { attributes: EMPTY_ATTRIBUTES, droppedAttributesCount: 0 };
  }
  let attributes: Record<string, AttributeValue> | undefined;
  let count = 0;
  let dropped = 0;
  for (const key in input) {
    if (!Object.hasOwn(input, key)) continue;
    if (key.length === 0) {
      warnOnce('an attribute was dropped: keys must be non-empty strings.');
      continue;
    }
    const value = limitAttributeValue((input as Record<string, unknown>)[key], lengthLimit);
    if (value === undefined) continue;
    if (count >= countLimit) {
      dropped++;
      continue;
    }
    attributes ??= {};
    defineAttribute(attributes, key, value);
    count++;
  }
  if (dropped > 0) warnOnce('event, link or resource attributes dropped by a count limit.');
  return { attributes: attributes ?? EMPTY_ATTRIBUTES, droppedAttributesCount: dropped };
}

/** `attributes[key] = value`, safe for the key `__proto__`. */
export function defineAttribute(attributes: Record<string, AttributeValue>, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[key] = value;
  }
}

import type { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';

/**
 * The members of `@opentelemetry/api`'s `SpanKind`, `SpanStatusCode` and `TraceFlags` that the page's
 * code paths compare with, as constants of the members' own types. Their values are fixed by the API
 * (numeric enums). This module has no import at run time (the one above is type-only) on purpose:
 * bundlers then write the number at every use, where `SpanKind.CLIENT` is a property read on the API's
 * enum object at run time and keeps that object (and its reverse mapping) in a page.
 */

export const SPAN_KIND_INTERNAL = 0 as SpanKind.INTERNAL;
export const SPAN_KIND_SERVER = 1 as SpanKind.SERVER;
export const SPAN_KIND_CLIENT = 2 as SpanKind.CLIENT;
export const SPAN_KIND_CONSUMER = 4 as SpanKind.CONSUMER;

export const STATUS_UNSET = 0 as SpanStatusCode.UNSET;
export const STATUS_OK = 1 as SpanStatusCode.OK;
export const STATUS_ERROR = 2 as SpanStatusCode.ERROR;

export const TRACE_FLAGS_NONE = 0 as TraceFlags.NONE;
export const TRACE_FLAGS_SAMPLED = 1 as TraceFlags.SAMPLED;

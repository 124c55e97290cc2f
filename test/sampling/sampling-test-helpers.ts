import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { createTraceState } from '../../src/propagation/trace-state.js';
import type { Sampler, SamplingResult } from '../../src/sampling/sampler.js';
import { captureDiag } from '../support/diag-capture.js';

/** A random 32-digit lowercase trace id. */
export function randomTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** A trace id whose low 56 bits are the 14 digits `randomness`. */
export function traceIdWithRandomness(randomness: string): string {
  return '0123456789abcdef01' + randomness;
}

export interface ParentOptions {
  traceId?: string;
  sampled: boolean;
  remote: boolean;
  traceState?: string;
  traceFlags?: number;
}

/** A context whose active span is a parent with the given properties. */
export function contextWithParent(options: ParentOptions): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: options.traceId ?? randomTraceId(),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: options.traceFlags ?? (options.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE),
    isRemote: options.remote,
    traceState: options.traceState === undefined ? undefined : createTraceState(options.traceState),
  });
}

/** Calls `sampler.shouldSample` as a tracer would. */
export function decide(sampler: Sampler, context: Context, traceId: string): SamplingResult {
  return sampler.shouldSample(context, traceId, 'span', SpanKind.INTERNAL, {}, []);
}

/** Collects the warnings `diag` receives while `run` runs. */
export function captureWarnings(run: () => void): string[] {
  return captureDiag(run);
}

export { ROOT_CONTEXT };

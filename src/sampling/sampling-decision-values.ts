import type { SamplingDecision } from './sampler.js';

/**
 * The members of {@link SamplingDecision} as constants of the members' own types, for the samplers and
 * the tracer. This module has no import at run time (the one above is type-only) on purpose: bundlers
 * then write the number at every use, where `SamplingDecision.RECORD` is a property read on the enum
 * object at run time and keeps that object in a page.
 */

export const DECISION_NOT_RECORD = 0 as SamplingDecision.NOT_RECORD;
export const DECISION_RECORD = 1 as SamplingDecision.RECORD;
export const DECISION_RECORD_AND_SAMPLED = 2 as SamplingDecision.RECORD_AND_SAMPLED;

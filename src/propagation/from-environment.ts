import type { Context, TextMapPropagator } from '@opentelemetry/api';
import type { PropagatorName } from '../config/environment.js';
import { W3CBaggagePropagator } from './baggage.js';
import { CompositePropagator } from './composite.js';
import { W3CTraceContextPropagator } from './trace-context.js';

/** Injects and extracts nothing: what `OTEL_PROPAGATORS=none` asks for. */
const NO_OP_PROPAGATOR: TextMapPropagator = Object.freeze({
  inject(): void {},
  extract(context: Context): Context {
    return context;
  },
  fields(): string[] {
    return [];
  },
});

/**
 * Builds the propagator that `OTEL_PROPAGATORS` names (already parsed into `names` by
 * `readEnvironment()`): `tracecontext` is {@link W3CTraceContextPropagator}, `baggage` is
 * {@link W3CBaggagePropagator}, in the order given, duplicates once. One name yields that propagator,
 * several a {@link CompositePropagator}, none a propagator that does nothing.
 *
 * @example
 * ```ts
 * import { propagation } from '@opentelemetry/api';
 * import { createPropagatorFromEnvironment } from 'otelite';
 *
 * // OTEL_PROPAGATORS=tracecontext,baggage
 * propagation.setGlobalPropagator(createPropagatorFromEnvironment(['tracecontext', 'baggage']));
 * ```
 */
export function createPropagatorFromEnvironment(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  const seen = new Set<PropagatorName>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (name === 'tracecontext') propagators.push(new W3CTraceContextPropagator());
    else if (name === 'baggage') propagators.push(new W3CBaggagePropagator());
  }
  if (propagators.length === 0) return NO_OP_PROPAGATOR;
  if (propagators.length === 1) return propagators[0];
  return new CompositePropagator({ propagators });
}

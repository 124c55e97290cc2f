import type { Context, TextMapPropagator } from '@opentelemetry/api';
import { readEnvironmentVariable, type EnvironmentSource } from '../config/environment-variable.js';
import { readNameListVariable } from '../config/typed-variables.js';
import { W3CBaggagePropagator } from './baggage.js';
import { CompositePropagator } from './composite.js';
import { W3CTraceContextPropagator } from './trace-context.js';

/** The propagator names `OTEL_PROPAGATORS` (and `init({ propagators })`) accept. */
export type PropagatorName = 'tracecontext' | 'baggage';

const PROPAGATOR_NAMES: readonly PropagatorName[] = ['tracecontext', 'baggage'];
const DEFAULT_PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage'];

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
 * Reads `OTEL_PROPAGATORS`: the names in order, each once; `none` gives the empty list; unset gives
 * `tracecontext,baggage`. An unknown name is ignored with one warning.
 *
 * @example
 * ```ts
 * // OTEL_PROPAGATORS=baggage,b3
 * readPropagatorsEnvironment(); // ['baggage'], and a warning about b3
 * ```
 */
export function readPropagatorsEnvironment(environment: EnvironmentSource = readEnvironmentVariable): PropagatorName[] {
  return readNameListVariable(environment, 'OTEL_PROPAGATORS', PROPAGATOR_NAMES, DEFAULT_PROPAGATORS, 'propagator');
}

/**
 * Builds the propagator that `OTEL_PROPAGATORS` names, read from the environment now (default
 * `tracecontext,baggage`; see {@link createPropagatorFromNames}).
 *
 * @example
 * ```ts
 * import { propagation } from '@opentelemetry/api';
 * import { createPropagatorFromEnvironment } from 'otelite';
 *
 * propagation.setGlobalPropagator(createPropagatorFromEnvironment());
 * ```
 */
export function createPropagatorFromEnvironment(): TextMapPropagator {
  return createPropagatorFromNames(readPropagatorsEnvironment());
}

/** Builds the propagator `OTEL_PROPAGATORS` names ({@link createPropagatorFromEnvironment}), where there is an environment. */
let propagatorFromEnvironment: (() => TextMapPropagator) | undefined;

/**
 * Makes `TracerProvider.register()` and `init()` take their default propagator from `read`
 * ({@link createPropagatorFromEnvironment}). Called by the entry points of runtimes that have an
 * environment (src/environment-readers.ts); the browser entry does not, so a page bundles no
 * `OTEL_PROPAGATORS` parsing.
 * @internal
 *
 * @example
 * ```ts
 * usePropagatorEnvironment(createPropagatorFromEnvironment);
 * ```
 */
export function usePropagatorEnvironment(read: (() => TextMapPropagator) | undefined): void {
  propagatorFromEnvironment = read;
}

/**
 * The default propagator: the environment's (see {@link usePropagatorEnvironment}), else
 * `tracecontext,baggage`, the spec's default.
 * @internal
 *
 * @example
 * ```ts
 * propagation.setGlobalPropagator(environmentPropagator());
 * ```
 */
export function environmentPropagator(): TextMapPropagator {
  return propagatorFromEnvironment !== undefined ? propagatorFromEnvironment() : createPropagatorFromNames(DEFAULT_PROPAGATORS);
}

/**
 * Builds the propagator for a list of names: `tracecontext` is {@link W3CTraceContextPropagator},
 * `baggage` is {@link W3CBaggagePropagator}, in the order given, duplicates once. One name yields that
 * propagator, several a {@link CompositePropagator}, none a propagator that does nothing.
 *
 * @example
 * ```ts
 * propagation.setGlobalPropagator(createPropagatorFromNames(['tracecontext', 'baggage']));
 * ```
 */
export function createPropagatorFromNames(names: readonly PropagatorName[]): TextMapPropagator {
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

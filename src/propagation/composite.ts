import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { reportError } from '../diagnostics/report.js';

/** Options of {@link CompositePropagator}. */
export interface CompositePropagatorOptions {
  /**
   * The propagators to run, in order: inject calls each in turn; extract passes each one's context on to
   * the next, so a later propagator wins where two set the same value. Default: none (a no-op).
   */
  propagators?: readonly TextMapPropagator[];
}

/**
 * Runs several propagators as one. A propagator that throws is reported through `reportError` and
 * skipped; the others still run. `fields()` is the union of the members' fields, in order, each once,
 * read once when the composite is built.
 *
 * @example
 * ```ts
 * import { propagation } from '@opentelemetry/api';
 * import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from 'otelite';
 *
 * propagation.setGlobalPropagator(
 *   new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
 * );
 * ```
 */
export class CompositePropagator implements TextMapPropagator {
  readonly #propagators: readonly TextMapPropagator[];
  readonly #fields: readonly string[];

  constructor(options: CompositePropagatorOptions = {}) {
    this.#propagators = [...(options.propagators ?? [])];
    const fields = new Set<string>();
    for (const propagator of this.#propagators) {
      try {
        for (const field of propagator.fields()) {
          if (typeof field === 'string') fields.add(field);
        }
      } catch (error) {
        reportError('propagator.fields', error);
      }
    }
    this.#fields = [...fields];
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    for (const propagator of this.#propagators) {
      try {
        propagator.inject(context, carrier, setter);
      } catch (error) {
        reportError('propagator.inject', error, 'composite member');
      }
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let result = context;
    for (const propagator of this.#propagators) {
      try {
        const next = propagator.extract(result, carrier, getter);
        // A broken member returning nothing must not lose what the others extracted.
        if (next !== undefined && next !== null) result = next;
      } catch (error) {
        reportError('propagator.extract', error, 'composite member');
      }
    }
    return result;
  }

  fields(): string[] {
    return this.#fields.slice();
  }
}

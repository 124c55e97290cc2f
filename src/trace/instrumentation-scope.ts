import type { Attributes } from '@opentelemetry/api';

/** The library that produced a span: what `tracerProvider.getTracer(name, version, options)` was given. */
export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly attributes?: Attributes;
}

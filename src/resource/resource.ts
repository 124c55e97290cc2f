import type { Attributes } from '@opentelemetry/api';

/** The entity producing telemetry: a service, its process, its host. Immutable. */
export interface Resource {
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
}

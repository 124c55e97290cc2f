import type { Definitions } from '../../gen/opentelemetry-configuration/model.js';
import type { Path } from '../../gen/opentelemetry-configuration/validate.js';
import type { ConfigurationContext } from './configuration-context.js';
import { CONFIGURATION_SUPPORT, type SupportStatus } from './support.js';

/**
 * Reports each property of `value` (a mapping of definition `type`) that the support table does not
 * mark `supported`: `not_implemented` as a warning ("left alone"), `ignored` and `not_applicable` at
 * debug level. The table is thereby what the loader does, not a separate promise.
 *
 * @example
 * ```ts
 * reportUnsupportedProperties('TracerProvider', model.tracer_provider, ['tracer_provider'], context);
 * ```
 */
export function reportUnsupportedProperties(type: keyof Definitions, value: unknown, path: Path, context: ConfigurationContext): void {
  if (value === null || typeof value !== 'object') return;
  const properties = CONFIGURATION_SUPPORT[type].properties as Readonly<Record<string, SupportStatus>> | undefined;
  if (properties === undefined) return;
  for (const key of Object.keys(value)) {
    const status = properties[key];
    if (status === undefined || status === 'supported') continue;
    if (status === 'not_implemented') context.warn([...path, key], 'not supported by otelite; left alone');
    else context.debug(`${[...path, key].join('.')}: accepted and left alone (${status})`);
  }
}

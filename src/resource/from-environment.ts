import { readEnvironmentVariable, type EnvironmentSource } from '../config/environment-variable.js';
import { parseKeyValueList } from '../config/key-value-list.js';
import { readStringVariable } from '../config/typed-variables.js';
import { warnOnce } from '../diagnostics/report.js';

/** What the environment says about the resource, as {@link readResourceEnvironment} returns it. */
export interface ResourceSettings {
  /** `OTEL_SERVICE_NAME`, when set. */
  serviceName: string | undefined;
  /** `OTEL_RESOURCE_ATTRIBUTES`, percent-decoded. Empty when unset or malformed. */
  resourceAttributes: Record<string, string>;
}

/**
 * Reads `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` (`key=value` pairs, comma-separated,
 * percent-encoded). A malformed `OTEL_RESOURCE_ATTRIBUTES` is ignored as a whole, with one warning.
 *
 * @example
 * ```ts
 * // OTEL_RESOURCE_ATTRIBUTES=team=a%20b
 * readResourceEnvironment().resourceAttributes; // { team: 'a b' }
 * ```
 */
export function readResourceEnvironment(environment: EnvironmentSource = readEnvironmentVariable): ResourceSettings {
  const serviceName = readStringVariable(environment, 'OTEL_SERVICE_NAME');
  const raw = readStringVariable(environment, 'OTEL_RESOURCE_ATTRIBUTES');
  let resourceAttributes: Record<string, string> = {};
  if (raw !== undefined) {
    const parsed = parseKeyValueList(raw, { allowEqualsInValue: false });
    if (parsed === undefined) {
      warnOnce('OTEL_RESOURCE_ATTRIBUTES is malformed (not k=v,... percent-encoded); the whole variable is ignored.');
    } else {
      resourceAttributes = parsed;
    }
  }
  return { serviceName, resourceAttributes };
}

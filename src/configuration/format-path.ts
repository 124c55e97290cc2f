import type { Path } from '../../gen/opentelemetry-configuration/validate.js';

/**
 * A path in the configuration model as the schema documentation writes it.
 *
 * @example
 * ```ts
 * formatPath(['tracer_provider', 'processors', 0, 'batch']); // 'tracer_provider.processors[0].batch'
 * ```
 */
export function formatPath(path: Path): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? '(top level)' : text;
}

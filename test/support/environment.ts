import type { EnvironmentSource } from '../../src/config/environment-variable.js';
import { setEnvironmentSource } from '../../src/config/environment-variable.js';

/** An environment holding exactly `variables`: what a component reads instead of the process's. */
export function environmentOf(variables: Readonly<Record<string, string | undefined>>): EnvironmentSource {
  return (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined);
}

/**
 * Runs `build` with the environment replaced by exactly `variables` (nothing of the process's
 * environment shows through), then puts the previous source back. For components that read the
 * environment when they are built, such as `new OTLPTraceExporter()`.
 */
export function withEnvironment<T>(variables: Readonly<Record<string, string | undefined>>, build: () => T): T {
  const previous = setEnvironmentSource(environmentOf(variables));
  try {
    return build();
  } finally {
    setEnvironmentSource(previous);
  }
}

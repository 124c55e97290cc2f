import type { Attributes } from '@opentelemetry/api';
import type { Path } from '../../gen/opentelemetry-configuration/validate.js';
import type { ConfigurationToolkit } from './configuration-toolkit.js';
import { formatPath } from './format-path.js';

/**
 * What building the SDK from a configuration file needs from its surroundings: where warnings go, how
 * a file the configuration names (a TLS certificate) is read, and the resource detectors' facts.
 */
export interface ConfigurationContext {
  /** The running SDK's components to build from. */
  readonly toolkit: ConfigurationToolkit;
  /** Something in the file otelite leaves alone or cannot fully honour: reported once, not fatal. */
  warn(path: Path, message: string): void;
  /** Reported at debug level only. */
  debug(message: string): void;
  /** The text of a file the configuration names; throws {@link ConfigurationError} when it cannot be read. */
  readFile(name: string, path: Path): string;
  /** The `service` detector: `service.name` from `OTEL_SERVICE_NAME` (when set), a random `service.instance.id`. */
  serviceDetector(): Attributes;
  /** The platform's `host.*` or `process.*` attributes. */
  platformDetector(name: 'host' | 'process'): Attributes;
}

/**
 * A part of the file otelite cannot use: building stops and tracing stays off. The core and the parser
 * file each have a copy of this class: {@link isConfigurationError} recognizes both.
 */
export class ConfigurationError extends Error {
  constructor(
    readonly path: Path,
    readonly reason: string,
  ) {
    super(`${formatPath(path)}: ${reason}`);
    this.name = 'ConfigurationError';
  }
}

/** Whether `error` is a {@link ConfigurationError} (of either copy of the class). */
export function isConfigurationError(error: unknown): error is ConfigurationError {
  return error instanceof Error && error.name === 'ConfigurationError' && Array.isArray((error as { path?: unknown }).path);
}

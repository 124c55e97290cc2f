import { diag, type Attributes } from '@opentelemetry/api';
import type { Path } from '../../gen/opentelemetry-configuration/validate.js';
import { readEnvironmentVariable, setEnvironmentSource, type EnvironmentSource } from '../config/environment-variable.js';
import { currentPlatform } from '../platform.js';
import { ConfigurationError, isConfigurationError, type ConfigurationContext } from './configuration-context.js';
import { coreToolkit } from './core-toolkit.js';
import { formatPath } from './format-path.js';
import type { ConfiguredParts } from './from-model.js';
import type { ParsedConfiguration, parseConfiguration, partsFromModel } from './parse-configuration.js';

/** What the parser file exports (src/configuration/parse-configuration.ts). */
export interface ConfigurationParser {
  readonly parseConfiguration: typeof parseConfiguration;
  readonly partsFromModel: typeof partsFromModel;
}

/**
 * How a platform with a file system gives `init()` a configuration file: both synchronous, so `init()`
 * stays synchronous and returns an SDK that is entirely what the file says (or entirely off).
 */
export interface ConfigurationFileAccess {
  /** The text of a file (the configuration, or a certificate it names); throws an `Error` saying why not. */
  readTextFile(name: string): string;
  /** Loads the parser (YAML, substitution, schema validation, model mapping): only ever with a file. */
  loadParser(): ConfigurationParser;
}

let access: ConfigurationFileAccess | undefined;

/**
 * Installs the platform's file access (the Node entry does; the web entries have no file system, and
 * a file named there is reported and tracing stays off).
 * @internal
 */
export function useConfigurationFileAccess(replacement: ConfigurationFileAccess | undefined): void {
  access = replacement;
}

/** `OTEL_CONFIG_FILE`: the configuration file's path, `undefined` when unset or empty. */
export function readConfigFileEnvironment(environment: EnvironmentSource = readEnvironmentVariable): string | undefined {
  const value = environment('OTEL_CONFIG_FILE');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The outcome of {@link loadConfigurationFile}. */
export interface LoadedConfiguration {
  /** The parts, or `undefined` when the file cannot be used (the one message is already on stderr). */
  readonly parts: ConfiguredParts | undefined;
  /** Gives the environment back to the `OTEL_*` readers (they see no `OTEL_*` while a file is in force). */
  readonly restoreEnvironment: () => void;
}

/**
 * Reads, parses, validates and builds `fileName`. From here until `restoreEnvironment()` every other
 * `OTEL_*` variable reads as unset, as the specification requires while a file is in force (the file
 * itself substitutes the real environment). Never throws: a file that cannot be used gives one message
 * on stderr (file, line:column when known, model path, what was expected) and `parts: undefined`.
 *
 * @example
 * ```ts
 * const { parts, restoreEnvironment } = loadConfigurationFile('/etc/otel.yaml');
 * ```
 */
export function loadConfigurationFile(fileName: string): LoadedConfiguration {
  const previous = setEnvironmentSource((name) => (name.startsWith('OTEL_') ? undefined : realEnvironmentOf(previous, name)));
  const restoreEnvironment = once(() => setEnvironmentSource(previous));
  const refuse = (message: string): LoadedConfiguration => {
    try {
      console.error(`otelite: configuration file ${fileName}: ${message}. Tracing is off.`);
    } catch {
      // stderr may be gone; nothing else to do
    }
    return { parts: undefined, restoreEnvironment };
  };
  if (access === undefined) return refuse(`cannot be read on this platform (${currentPlatform().name} has no file system)`);
  let text: string;
  try {
    text = access.readTextFile(fileName);
  } catch (error) {
    return refuse(`cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  let parsed: ParsedConfiguration;
  let parser: ConfigurationParser;
  try {
    parser = access.loadParser();
    parsed = parser.parseConfiguration(text, (name) => realEnvironmentOf(previous, name));
  } catch (error) {
    return refuse(`the configuration parser could not be loaded (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!parsed.ok) return refuse(parsed.message);
  const position = (path: Path): string => {
    for (let length = path.length; length >= 0; length--) {
      const part = path.slice(0, length);
      const found = (typeof part[part.length - 1] === 'string' ? parsed.keyPositionOf(part) : undefined) ?? parsed.positionOf(part);
      if (found !== undefined) return `${found}: `;
    }
    return '';
  };
  for (const warning of parsed.warnings) diag.warn(`otelite: configuration file ${fileName}:${warning}`);
  const context: ConfigurationContext = {
    toolkit: coreToolkit(),
    warn: (path, message) => diag.warn(`otelite: configuration file ${fileName}:${position(path)}${formatPath(path)}: ${message}`),
    debug: (message) => diag.debug(`otelite: configuration file ${fileName}: ${message}`),
    readFile(name, path) {
      try {
        return access!.readTextFile(name);
      } catch (error) {
        throw new ConfigurationError(path, `cannot read ${name} (${error instanceof Error ? error.message : String(error)})`);
      }
    },
    serviceDetector() {
      const attributes: Attributes = {};
      const serviceName = realEnvironmentOf(previous, 'OTEL_SERVICE_NAME');
      if (serviceName !== undefined && serviceName !== '') attributes['service.name'] = serviceName;
      const uuid = (globalThis.crypto as { randomUUID?: () => string } | undefined)?.randomUUID;
      if (typeof uuid === 'function') attributes['service.instance.id'] = uuid.call(globalThis.crypto);
      return attributes;
    },
    platformDetector(name) {
      const attributes: Attributes = {};
      for (const [key, value] of Object.entries(currentPlatform().resourceAttributes())) {
        if (key.startsWith(`${name}.`) && value !== undefined && value !== null) attributes[key] = value as Attributes[string];
      }
      return attributes;
    },
  };
  try {
    return { parts: parser.partsFromModel(parsed.model, context), restoreEnvironment };
  } catch (error) {
    if (isConfigurationError(error)) return refuse(`${position(error.path)}${error.message}`);
    return refuse(`could not be applied (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** A variable from the environment as it was before the file hid `OTEL_*`. */
function realEnvironmentOf(source: EnvironmentSource, name: string): string | undefined {
  try {
    const value = source(name);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}

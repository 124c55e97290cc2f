/**
 * The part of `OTEL_CONFIG_FILE` support that only runs with a file: YAML parsing (the `yaml` package,
 * YAML 1.2 core schema), environment substitution, the `file_format` check, validation against the
 * generated schema validator, and the model mapping (which builds the SDK's components through the
 * toolkit the core hands it). It holds no SDK state and imports no stateful module of otelite, so it is built as a file of its own (dist/src/configuration/parse-configuration.js,
 * `yaml` bundled in) that the Node platform loads with `require()` only when a file is named: an
 * application without a file never loads the parser or the validator.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Scalar } from 'yaml';
import type { OpenTelemetryConfiguration } from '../../gen/opentelemetry-configuration/model.js';
import {
  SCHEMA_VERSION,
  validateConfiguration,
  type ConfigurationIssue,
  type Path,
} from '../../gen/opentelemetry-configuration/validate.js';
import { formatPath } from './format-path.js';

// The model mapping travels in this file too (it builds through the toolkit the core hands it).
export { partsFromModel } from './from-model.js';
import { InvalidSubstitution, resolvePlainScalar, substituteEnvironment } from './substitute-environment.js';

/** The outcome of {@link parseConfiguration}. */
export type ParsedConfiguration =
  | {
      readonly ok: true;
      /** The model, substituted and valid. */
      readonly model: OpenTelemetryConfiguration;
      /** Things to report once but not fatal (properties a newer minor of the format adds). */
      readonly warnings: readonly string[];
      /** Where each path of the model is in the file (`line:column`), for the messages of later steps. */
      readonly positionOf: (path: Path) => string | undefined;
      /** Where the key of the property at a path is written (`line:column`). */
      readonly keyPositionOf: (path: Path) => string | undefined;
    }
  | {
      readonly ok: false;
      /** One message: where (line:column when known), the path in the model, what was expected. */
      readonly message: string;
    };

/** The major version of `file_format` this parser understands, and the newest minor the validator knows. */
const SUPPORTED_MAJOR = 1;
const KNOWN_MINOR = Number(/^v?\d+\.(\d+)/.exec(SCHEMA_VERSION)?.[1] ?? '0');

/**
 * Parses, substitutes and validates the text of a configuration file. Never throws.
 *
 * @example
 * ```ts
 * const parsed = parseConfiguration('file_format: "1.1"\n', (name) => process.env[name]);
 * if (parsed.ok) console.log(parsed.model.file_format);
 * ```
 */
export function parseConfiguration(text: string, lookup: (name: string) => string | undefined): ParsedConfiguration {
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined): string | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  let document: Document.Parsed;
  try {
    document = parseDocument(text, { lineCounter, prettyErrors: false, version: '1.2', schema: 'core', merge: false, uniqueKeys: true });
  } catch (error) {
    return failure(undefined, `not valid YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    return failure(at(first.pos[0]), `not valid YAML: ${firstLine(first.message)}`);
  }
  try {
    substituteScalars(document.contents, lookup);
  } catch (error) {
    if (error instanceof Substitution) return failure(at(error.offset), error.message);
    throw error;
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return failure(undefined, `not usable YAML (${error instanceof Error ? firstLine(error.message) : String(error)})`);
  }
  const positionOf = (path: Path): string | undefined => {
    const node = document.getIn(path, true) as YamlNode | undefined;
    return at(node?.range?.[0]);
  };
  /** Where the key of the property at `path` is written. */
  const keyPositionOf = (path: Path): string | undefined => {
    const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]);
    return isScalar(pair?.key) ? at(pair.key.range?.[0]) : undefined;
  };
  if (value === null || value === undefined) return failure(undefined, 'the file is empty (expected a mapping with file_format)');
  if (typeof value !== 'object' || Array.isArray(value)) return failure(positionOf([]), 'expected a mapping at the top level');
  const format = (value as { file_format?: unknown }).file_format;
  if (format === undefined) return failure(undefined, 'file_format: missing; expected "1.0", "1.1" or another 1.x');
  const match = typeof format === 'string' ? /^(\d+)\.(\d+)$/.exec(format) : null;
  if (match === null || Number(match[1]) !== SUPPORTED_MAJOR) {
    return failure(
      positionOf(['file_format']),
      `file_format: expected a string "1.x" ("1.0", "1.1", ...; otelite reads format ${SUPPORTED_MAJOR}), got ${describe(format)}`,
    );
  }
  const newerMinor = Number(match[2]) > KNOWN_MINOR;
  const warnings: string[] = [];
  for (const issue of validateConfiguration(value)) {
    if (issue.kind === 'unknown' && newerMinor) {
      warnings.push(
        `${where(keyPositionOf(issue.path))}${formatPath(issue.path)}: not in schema ${SCHEMA_VERSION} (file_format ${format} is newer); ignored`,
      );
      continue;
    }
    const position = issue.kind === 'unknown' ? keyPositionOf(issue.path) : (positionOf(issue.path) ?? positionOf(issue.path.slice(0, -1)));
    return failure(position, describeIssue(issue));
  }
  return { ok: true, model: value as OpenTelemetryConfiguration, warnings, positionOf, keyPositionOf };
}

function describeIssue(issue: ConfigurationIssue): string {
  const path = formatPath(issue.path);
  if (issue.kind === 'missing') return `${path}: missing; it is required`;
  if (issue.kind === 'unknown') return `${path}: not a property of the schema ${SCHEMA_VERSION} here (misspelt, or in the wrong place?)`;
  return `${path}: expected ${issue.expected}, got ${describe(issue.actual)}`;
}

/** A found value, briefly (strings quoted and cut, mappings and lists by kind). */
export function describe(value: unknown): string {
  if (value === null) return 'null (empty)';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function where(position: string | undefined): string {
  return position === undefined ? '' : `${position}: `;
}

function failure(position: string | undefined, message: string): ParsedConfiguration {
  return { ok: false, message: `${where(position)}${message}` };
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end === -1 ? message : message.slice(0, end);
}

/** A substitution failure with the offset of its scalar. */
class Substitution extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Substitutes every scalar value (never a mapping key) in place. A plain scalar is typed again after
 * substitution (core schema); a quoted or block scalar stays a string. Only scalars with a `$` change.
 */
function substituteScalars(node: unknown, lookup: (name: string) => string | undefined): void {
  if (isMap(node)) {
    for (const pair of node.items) substituteScalars(pair.value, lookup);
  } else if (isSeq(node)) {
    for (const item of node.items) substituteScalars(item, lookup);
  } else if (isScalar(node)) {
    substituteScalar(node, lookup);
  }
}

function substituteScalar(node: Scalar, lookup: (name: string) => string | undefined): void {
  const plain = node.type === 'PLAIN';
  const raw = plain ? node.source : node.value;
  if (typeof raw !== 'string' || !raw.includes('$')) return;
  let substituted: string;
  try {
    substituted = substituteEnvironment(raw, lookup);
  } catch (error) {
    if (error instanceof InvalidSubstitution) throw new Substitution(error.message, node.range?.[0]);
    throw error;
  }
  node.value = plain ? resolvePlainScalar(substituted) : substituted;
}

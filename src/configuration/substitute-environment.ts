/**
 * Environment variable substitution in a configuration file's scalar values, exactly as the
 * specification's configuration data model defines it: `${NAME}`, `${env:NAME}`, `${NAME:-default}`
 * (the default when the variable is unset or empty), `$$` for a literal `$`. Read left to right, one
 * pass: a substituted value (or default) is never substituted again, and a `$` an escape produced is
 * never the start of a reference. A `${...}` that is not a valid reference is an error.
 */

/** Why a value could not be substituted: the invalid reference, as written. */
export class InvalidSubstitution extends Error {
  constructor(readonly reference: string) {
    super(`invalid environment variable reference ${reference} (expected \${NAME}, \${env:NAME} or \${NAME:-default})`);
    this.name = 'InvalidSubstitution';
  }
}

/**
 * `text` with every reference replaced by the variable's value from `lookup` (an unset variable
 * without default becomes the empty string). Throws {@link InvalidSubstitution} on a `${...}` that is
 * not a valid reference.
 *
 * @example
 * ```ts
 * substituteEnvironment('${HOST:-localhost}:$${PORT}', (name) => undefined); // 'localhost:${PORT}'
 * ```
 */
export function substituteEnvironment(text: string, lookup: (name: string) => string | undefined): string {
  if (!text.includes('$')) return text;
  let output = '';
  let segmentStart = 0;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) === 0x24 /* $ */ && text.charCodeAt(index + 1) === 0x24) {
      output += substituteSegment(text.slice(segmentStart, index), lookup) + '$';
      index++;
      segmentStart = index + 1;
    }
  }
  return output + substituteSegment(text.slice(segmentStart), lookup);
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/** Substitutes the references of a segment that holds no `$$` escape. */
function substituteSegment(segment: string, lookup: (name: string) => string | undefined): string {
  let output = '';
  let position = 0;
  for (;;) {
    const start = segment.indexOf('${', position);
    if (start === -1) return output + segment.slice(position);
    const end = segment.indexOf('}', start + 2);
    if (end === -1) return output + segment.slice(position); // no closing brace: not a reference at all
    output += segment.slice(position, start);
    output += resolveReference(segment.slice(start, end + 1), lookup);
    position = end + 1;
  }
}

/** The value of one `${...}` (braces included). */
function resolveReference(reference: string, lookup: (name: string) => string | undefined): string {
  let body = reference.slice(2, -1);
  if (body.startsWith('env:')) body = body.slice(4);
  const separator = body.indexOf(':-');
  const name = separator === -1 ? body : body.slice(0, separator);
  if (name === '' || !NAME_START.test(name[0]!)) throw new InvalidSubstitution(reference);
  for (let i = 1; i < name.length; i++) if (!NAME_PART.test(name[i]!)) throw new InvalidSubstitution(reference);
  const fallback = separator === -1 ? undefined : body.slice(separator + 2);
  if (fallback !== undefined && /[\n\r]/.test(fallback)) throw new InvalidSubstitution(reference);
  const value = lookup(name);
  if (value === undefined || value === '') return fallback ?? '';
  return value;
}

/**
 * A plain YAML scalar's value under the YAML 1.2 core schema (null, booleans, integers in decimal,
 * `0o` octal and `0x` hex, floats, `.inf`, `.nan`; anything else a string): how the type of a
 * substituted plain scalar is decided, so `${PORT}` with `PORT=4318` is the integer 4318.
 *
 * @example
 * ```ts
 * resolvePlainScalar('0x10'); // 16
 * ```
 */
export function resolvePlainScalar(text: string): string | number | boolean | null {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (text === '.nan' || text === '.NaN' || text === '.NAN') return Number.NaN;
  return text;
}

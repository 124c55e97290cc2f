import { describe, expect, it } from 'vitest';
import { parseConfiguration } from '../../src/configuration/parse-configuration.js';
import { InvalidSubstitution, resolvePlainScalar, substituteEnvironment } from '../../src/configuration/substitute-environment.js';

// The environment of the specification's substitution table (configuration data model).
const ENVIRONMENT: Record<string, string> = {
  STRING_VALUE: 'value',
  BOOL_VALUE: 'true',
  INT_VALUE: '1',
  FLOAT_VALUE: '1.1',
  HEX_VALUE: '0xdeadbeef',
  INVALID_MAP_VALUE: 'value\nkey:value',
  DO_NOT_REPLACE_ME: 'Never use this value',
  REPLACE_ME: '${DO_NOT_REPLACE_ME}',
  VALUE_WITH_ESCAPE: 'value$$',
};
const lookup = (name: string): string | undefined => ENVIRONMENT[name];

/** `key: <input>` parsed as a whole file: the value `key` ends up with. */
function keyValueOf(input: string): unknown {
  const parsed = parseConfiguration(`file_format: "1.1"\nkey: ${input}\n`, lookup);
  if (!parsed.ok) throw new Error(parsed.message);
  return (parsed.model as Record<string, unknown>).key;
}

describe('environment substitution, row by row of the specification table', () => {
  const rows: [string, unknown][] = [
    ['${STRING_VALUE}', 'value'],
    ['${BOOL_VALUE}', true],
    ['${INT_VALUE}', 1],
    ['${FLOAT_VALUE}', 1.1],
    ['${HEX_VALUE}', 3735928559],
    ['"${STRING_VALUE}"', 'value'],
    ['"${BOOL_VALUE}"', 'true'],
    ['"${INT_VALUE}"', '1'],
    ['"${FLOAT_VALUE}"', '1.1'],
    ['"${HEX_VALUE}"', '0xdeadbeef'],
    ['${env:STRING_VALUE}', 'value'],
    ['${INVALID_MAP_VALUE}', 'value\nkey:value'],
    ['foo ${STRING_VALUE} ${FLOAT_VALUE}', 'foo value 1.1'],
    ['${UNDEFINED_KEY}', null],
    ['${UNDEFINED_KEY:-fallback}', 'fallback'],
    ['${REPLACE_ME}', '${DO_NOT_REPLACE_ME}'],
    ['${UNDEFINED_KEY:-${STRING_VALUE}}', '${STRING_VALUE}'],
    ['$${STRING_VALUE}', '${STRING_VALUE}'],
    ['$$${STRING_VALUE}', '$value'],
    ['$$$${STRING_VALUE}', '$${STRING_VALUE}'],
    ['$${STRING_VALUE:-fallback}', '${STRING_VALUE:-fallback}'],
    ['$${STRING_VALUE:-${STRING_VALUE}}', '${STRING_VALUE:-value}'],
    ['${UNDEFINED_KEY:-$${UNDEFINED_KEY}}', '${UNDEFINED_KEY:-${UNDEFINED_KEY}}'],
    ['${VALUE_WITH_ESCAPE}', 'value$$'],
    ['a $$ b', 'a $ b'],
    ['a $ b', 'a $ b'],
  ];
  for (const [input, expected] of rows) {
    it(`key: ${input}`, () => {
      expect(keyValueOf(input)).toEqual(expected);
    });
  }

  it('key: ${STRING_VALUE:?error} is a parse error with no partial result', () => {
    expect(() => keyValueOf('${STRING_VALUE:?error}')).toThrow('invalid environment variable reference ${STRING_VALUE:?error}');
  });

  it('keys are never substituted', () => {
    const parsed = parseConfiguration('file_format: "1.1"\n${STRING_VALUE}: value\n', lookup);
    expect(parsed.ok && Object.keys(parsed.model)).toEqual(['file_format', '${STRING_VALUE}']);
  });

  it('an empty variable takes the default, as an undefined one does', () => {
    expect(substituteEnvironment('${EMPTY:-d}', (name) => (name === 'EMPTY' ? '' : undefined))).toBe('d');
  });

  it('rejects names that do not start with a letter or underscore, or hold other characters', () => {
    expect(() => substituteEnvironment('${1API_KEY}', lookup)).toThrow(InvalidSubstitution);
    expect(() => substituteEnvironment('${API_$KEY}', lookup)).toThrow(InvalidSubstitution);
    expect(substituteEnvironment('${_OK1}', () => 'x')).toBe('x');
  });
});

describe('resolvePlainScalar (YAML 1.2 core schema)', () => {
  it('types nulls, booleans, integers, floats and leaves the rest strings', () => {
    expect(['', '~', 'null', 'NULL'].map(resolvePlainScalar)).toEqual([null, null, null, null]);
    expect(['true', 'False', 'yes', 'on'].map(resolvePlainScalar)).toEqual([true, false, 'yes', 'on']);
    expect(['12', '-3', '0o17', '0x1F', '1e3', '.5', '-.inf'].map(resolvePlainScalar)).toEqual([12, -3, 15, 31, 1000, 0.5, -Infinity]);
    expect(Number.isNaN(resolvePlainScalar('.nan'))).toBe(true);
    expect(['1.2.3', 'http://x:1', '0b101'].map(resolvePlainScalar)).toEqual(['1.2.3', 'http://x:1', '0b101']);
  });
});

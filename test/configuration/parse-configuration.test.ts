import { describe, expect, it } from 'vitest';
import { parseConfiguration } from '../../src/configuration/parse-configuration.js';

const noEnvironment = (): undefined => undefined;
const environment = (values: Record<string, string>) => (name: string) => values[name];

const PROCESSOR = 'tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n';

describe('parseConfiguration', () => {
  it('returns the model of a valid file', () => {
    const parsed = parseConfiguration(`file_format: "1.1"\n${PROCESSOR}`, noEnvironment);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.model.tracer_provider?.processors[0]).toEqual({ simple: { exporter: { console: null } } });
    expect(parsed.warnings).toEqual([]);
  });

  it('names line:column, the model path and what was expected for a wrong type', () => {
    const text =
      'file_format: "1.1"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: soon\n        exporter:\n          console:\n';
    const parsed = parseConfiguration(text, noEnvironment);
    expect(parsed).toEqual({
      ok: false,
      message: '5:25: tracer_provider.processors[0].batch.schedule_delay: expected an integer ≥ 0 or null (empty), got "soon"',
    });
  });

  it('reports a missing required property at its parent', () => {
    const parsed = parseConfiguration(
      'file_format: "1.1"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: 1\n',
      noEnvironment,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toBe('5:9: tracer_provider.processors[0].batch.exporter: missing; it is required');
  });

  it('rejects another major file_format, a missing one and a pre-release', () => {
    for (const [text, found] of [
      ['file_format: "2.0"\n', '"2.0"'],
      ['file_format: 1.1\n', '1.1'],
      ['file_format: "1.0-rc.3"\n', '"1.0-rc.3"'],
    ] as const) {
      const parsed = parseConfiguration(text, noEnvironment);
      expect(parsed).toEqual({
        ok: false,
        message: `1:14: file_format: expected a string "1.x" ("1.0", "1.1", ...; otelite reads format 1), got ${found}`,
      });
    }
    expect(parseConfiguration('disabled: true\n', noEnvironment)).toEqual({
      ok: false,
      message: 'file_format: missing; expected "1.0", "1.1" or another 1.x',
    });
  });

  it('accepts 1.0 and 1.1 strictly and a newer minor with its unknown properties as warnings', () => {
    const strict = parseConfiguration(
      'file_format: "1.0"\nnew_thing: 1\ntracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n        extra: 2\n',
      noEnvironment,
    );
    expect(strict.ok).toBe(false);
    if (!strict.ok)
      expect(strict.message).toBe(
        '8:9: tracer_provider.processors[0].simple.extra: not a property of the schema v1.1.0 here (misspelt, or in the wrong place?)',
      );
    const newer = parseConfiguration(
      'file_format: "1.7"\ntracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n        extra: 2\n',
      noEnvironment,
    );
    expect(newer.ok).toBe(true);
    if (newer.ok)
      expect(newer.warnings).toEqual([
        '7:9: tracer_provider.processors[0].simple.extra: not in schema v1.1.0 (file_format 1.7 is newer); ignored',
      ]);
  });

  it('reports YAML errors with line and column', () => {
    const parsed = parseConfiguration('file_format: "1.1"\ntracer_provider: [\n', noEnvironment);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/^\d+:\d+: not valid YAML: /);
    const duplicate = parseConfiguration('file_format: "1.1"\nfile_format: "1.1"\n', noEnvironment);
    expect(duplicate.ok).toBe(false);
    if (!duplicate.ok) expect(duplicate.message).toMatch(/^2:1: not valid YAML: Map keys must be unique/);
  });

  it('types plain scalars after substitution and keeps quoted ones strings', () => {
    const parsed = parseConfiguration(
      'file_format: "1.1"\ndisabled: ${D}\nattribute_limits:\n  attribute_count_limit: ${N}\n  attribute_value_length_limit: ${UNSET}\nresource:\n  schema_url: "${N}"\n  attributes:\n    - name: a\n      value: ${env:D}\n    - name: b\n      value: ${UNSET:-1.5}\n    - name: c\n      value: "$${D} $$ ${D}"\n',
      environment({ D: 'true', N: '0x10' }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.model.disabled).toBe(true);
    expect(parsed.model.attribute_limits).toEqual({ attribute_count_limit: 16, attribute_value_length_limit: null });
    expect(parsed.model.resource?.schema_url).toBe('0x10');
    expect(parsed.model.resource?.attributes?.map((a) => a.value)).toEqual([true, 1.5, '${D} $ true']);
  });

  it('never injects structure or references through a value, and never substitutes keys', () => {
    const parsed = parseConfiguration(
      'file_format: "1.1"\nresource:\n  attributes:\n    - name: ${NAME}\n      value: ${MAP}\n    - name: r\n      value: ${REF}\n  schema_url: x\n${NAME}: 1\n',
      environment({ NAME: 'n', MAP: 'value\nkey: value', REF: '${NAME}' }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.model.resource?.attributes).toEqual([
      { name: 'n', value: 'value\nkey: value' },
      { name: 'r', value: '${NAME}' },
    ]);
    expect(Object.keys(parsed.model)).toContain('${NAME}');
  });

  it('fails on an invalid reference, naming it and where', () => {
    const parsed = parseConfiguration('file_format: "1.1"\nlog_level: ${LEVEL:?error}\n', noEnvironment);
    expect(parsed).toEqual({
      ok: false,
      message: '2:12: invalid environment variable reference ${LEVEL:?error} (expected ${NAME}, ${env:NAME} or ${NAME:-default})',
    });
  });
});

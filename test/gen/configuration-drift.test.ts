import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The configuration part of `make check-generated` (check-config-generated, which check-generated runs
// after the proto part) against a scratch copy of gen/ (GEN_DIR, CHECK_OUT): it fails on a hand edit, a
// stray file and another pinned tag, as the proto part does. (The proto part's buf run takes ~20 s on
// this machine; CI runs the whole target.)
const populated =
  existsSync('opentelemetry-configuration/opentelemetry_configuration.json') && spawnSync('make', ['--version']).status === 0;

describe.skipIf(!populated)(
  `make check-generated covers gen/opentelemetry-configuration/${populated ? '' : ' (skipped: submodules not populated or no make; git submodule update --init)'}`,
  () => {
    let scratch: string;
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'otelite-drift-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    function check(prepare: (gen: string) => void, variables: string[] = []): { status: number | null; output: string } {
      const gen = join(scratch, `gen-${Math.random().toString(36).slice(2)}`);
      cpSync('gen', gen, { recursive: true });
      prepare(gen);
      const run = spawnSync(
        'make',
        ['--no-print-directory', 'check-config-generated', `GEN_DIR=${gen}`, `CHECK_OUT=${join(scratch, 'check')}`, ...variables],
        {
          encoding: 'utf8',
        },
      );
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    }

    it('passes on gen/ as committed', () => {
      const result = check(() => {});
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    }, 120_000);

    it('is part of make check-generated', () => {
      const plan = spawnSync('make', ['-n', '--no-print-directory', 'check-generated'], { encoding: 'utf8' }).stdout;
      expect(plan).toContain(
        'scripts/generate-configuration-schema.mjs opentelemetry-configuration/opentelemetry_configuration.json v1.1.0',
      );
      expect(plan).toContain('buf generate');
    });

    it('fails on a hand edit', () => {
      const result = check((gen) => appendFileSync(join(gen, 'opentelemetry-configuration/validate.ts'), '// edited by hand\n'));
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('differs from the generator output: gen/opentelemetry-configuration/validate.ts');
    }, 120_000);

    it('fails on a stray file', () => {
      const result = check((gen) => writeFileSync(join(gen, 'opentelemetry-configuration/extra.ts'), 'export {};\n'));
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('not generated (stray file): gen/opentelemetry-configuration/extra.ts');
    }, 120_000);

    it('fails when another tag is pinned than the submodule holds', () => {
      const result = check(() => {}, ['CONFIG_VERSION=v1.0.0']);
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('opentelemetry-configuration submodule is at v1.1.0, but CONFIG_SCHEMA_VERSION pins v1.0.0');
    }, 120_000);
  },
);

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What `import 'otelite'` + `init()` loads, from dist/ (built by `npm test`'s pretest step), in a child
// process whose module loads a module.register hook records (fixtures/record-loaded-files.mjs); the
// bundled files are mapped back to their sources through their source maps.

interface Probe {
  atReady: string[];
  afterFirstEncoding: string[];
  fallbackChunk: string | undefined;
  names: string[];
  failures: Record<string, number>;
}

function probe(): Probe {
  const directory = mkdtempSync(join(tmpdir(), 'otelite-startup-'));
  try {
    const out = execFileSync(
      process.execPath,
      ['--import', './test/package/fixtures/record-loaded-files.mjs', 'test/package/fixtures/startup-probe.mjs'],
      { cwd: process.cwd(), encoding: 'utf8', env: { ...process.env, LOADED_FILES_LOG: join(directory, 'loaded.log') } },
    );
    return JSON.parse(out.trim().split('\n').at(-1) ?? '');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const schemaParts = (sources: string[]) => sources.filter((source) => source.includes('@bufbuild/protobuf') || /_pb\.ts$/.test(source));

describe('startup of the Node entry', () => {
  const result = probe();

  it('loads neither the generated schema nor the protobuf runtime until the first encoding', () => {
    expect(result.atReady).toContain('src/init.ts');
    expect(result.atReady).toContain('src/export/otlp/binary-encoder.ts');
    expect(schemaParts(result.atReady)).toEqual([]);
    expect(result.atReady).not.toContain('src/export/otlp/schema-fallback-encoder.ts');
  });

  it('loads the schema fallback on the first encoding, and a batch the fast writer fails on then goes through it', () => {
    expect(result.fallbackChunk).toMatch(/^schema-fallback-encoder-/);
    expect(result.afterFirstEncoding).toContain('src/export/otlp/schema-fallback-encoder.ts');
    expect(schemaParts(result.afterFirstEncoding)).toContain('gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts');
    expect(result.names).toEqual(['steady', 'shifty']);
    // Once: the fast writer's failure; the schema encoder's attempt succeeded.
    expect(result.failures['export.otlp.encode']).toBe(1);
  });

  it('loads node:zlib and node:worker_threads only when they are used (a gzip export, the send at exit)', () => {
    // Built-in modules loaded in a fresh process (without the recording hook, which runs on a worker thread).
    const builtinsAfter = (program: string) => {
      const out = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `${program}; console.log(JSON.stringify(process.moduleLoadList))`],
        {
          cwd: process.cwd(),
          encoding: 'utf8',
        },
      );
      return (JSON.parse(out) as string[]).filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice(13));
    };
    const otelite = builtinsAfter(
      "const { init } = await import('otelite'); init({ endpoint: 'http://127.0.0.1:9', compression: 'gzip', shutdownHooks: false })",
    );
    // What otelite needs at start loads them by itself on some Node versions (node:http does from 22 on);
    // where it does not (Node 20), otelite must not either.
    const needed = builtinsAfter("await import('node:http'); await import('node:https'); await import('node:diagnostics_channel')");
    expect(otelite).toContain('http');
    expect(otelite).toContain('diagnostics_channel');
    for (const name of ['zlib', 'worker_threads']) expect(otelite.includes(name)).toBe(needed.includes(name));
  });
});

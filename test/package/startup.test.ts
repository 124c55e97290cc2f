import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasClientRequestCreatedChannel } from '../../src/platform/node/instrumentation/http/node-client.js';
import { selfSignedCertificate } from '../support/self-signed-certificate.js';

// What `import 'otelite'` + `init()` loads, from dist/ (built by `npm test`'s pretest step), in a child
// process whose module loads a module.register hook records (fixtures/record-loaded-files.mjs); the
// bundled files are mapped back to their sources through their source maps.

interface Probe {
  atReady: string[];
  requiredAtReady: string[];
  afterFirstEncoding: string[];
  fallbackChunk: string | undefined;
  names: string[];
  failures: Record<string, number>;
  apiImportedByOtelite: boolean;
  sameApi: boolean;
  seesProvider: boolean;
}

function probe(environment: Record<string, string> = {}): Probe {
  const directory = mkdtempSync(join(tmpdir(), 'otelite-startup-'));
  try {
    const out = execFileSync(
      process.execPath,
      ['--import', './test/package/fixtures/record-loaded-files.mjs', 'test/package/fixtures/startup-probe.mjs'],
      { cwd: process.cwd(), encoding: 'utf8', env: { ...process.env, ...environment, LOADED_FILES_LOG: join(directory, 'loaded.log') } },
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
    expect(result.atReady).toContain('src/export/otlp/encoding/binary-encoder.ts');
    expect(schemaParts(result.atReady)).toEqual([]);
    expect(result.atReady).not.toContain('src/export/otlp/encoding/schema-fallback-encoder.ts');
  });

  it('loads the configuration parser (YAML, schema validator) only when OTEL_CONFIG_FILE names a file', () => {
    // The parser is its own file (yaml and the validator bundled in), loaded with require(): the CommonJS cache lists it.
    const parser = (probed: Probe) => [
      ...probed.atReady.filter((source) => source.includes('node_modules/yaml/') || source.includes('gen/opentelemetry-configuration/')),
      ...probed.requiredAtReady,
    ];
    expect(result.atReady).toContain('src/configuration/configuration-file.ts');
    expect(parser(result)).toEqual([]);
    const directory = mkdtempSync(join(tmpdir(), 'otelite-startup-file-'));
    try {
      const file = join(directory, 'otel.yaml');
      writeFileSync(file, 'file_format: "1.1"\ntracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n');
      const withFile = probe({ OTEL_CONFIG_FILE: file });
      expect(parser(withFile)).toEqual(['dist/src/configuration/parse-configuration.js']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("loads @opentelemetry/api with require(), the same module the application's import gets", () => {
    expect(result.apiImportedByOtelite).toBe(false);
    expect(result.sameApi).toBe(true);
    expect(result.seesProvider).toBe(true);
  });

  it('loads the schema fallback on the first encoding, and a batch the fast writer fails on then goes through it', () => {
    expect(result.fallbackChunk).toMatch(/^schema-fallback-encoder-/);
    expect(result.afterFirstEncoding).toContain('src/export/otlp/encoding/schema-fallback-encoder.ts');
    expect(schemaParts(result.afterFirstEncoding)).toContain('gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts');
    expect(result.names).toEqual(['steady', 'shifty']);
    // Once: the fast writer's failure; the schema encoder's attempt succeeded.
    expect(result.failures['export.otlp.encode']).toBe(1);
  });

  describe('built-in modules, loaded only when used', () => {
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
    const initAfterImport = (options: string) => `const { init } = await import('otelite'); init({ shutdownHooks: false, ${options} })`;
    // What otelite always needs, loaded as otelite loads built-ins (never through an ES import: from Node 22
    // on, the facade of node:http reads its lazy WebSocket getters, which load undici, node:tls, node:zlib,
    // node:worker_threads and more); otelite must load no more than that.
    const needed = builtinsAfter("process.getBuiltinModule('node:http'); process.getBuiltinModule('node:diagnostics_channel')");
    const sameAsNeeded = (builtins: string[], names: string[]) =>
      expect(names.map((name) => [name, builtins.includes(name)])).toEqual(names.map((name) => [name, needed.includes(name)]));

    it('node:zlib with the first gzip export and node:worker_threads with the send at exit', () => {
      const builtins = builtinsAfter(initAfterImport("endpoint: 'http://127.0.0.1:9', compression: 'gzip'"));
      expect(builtins).toContain('http');
      expect(builtins).toContain('diagnostics_channel');
      sameAsNeeded(builtins, ['zlib', 'worker_threads']);
    });

    it('node:https (and node:tls) for an https: endpoint or the HTTP instrumentation, which wraps https.request', () => {
      const withoutInstrumentation = builtinsAfter(initAfterImport("endpoint: 'http://127.0.0.1:9', instrumentations: { http: false }"));
      expect(withoutInstrumentation).toContain('http');
      expect(withoutInstrumentation).not.toContain('https');
      sameAsNeeded(withoutInstrumentation, ['tls']);
      expect(builtinsAfter(initAfterImport("endpoint: 'https://127.0.0.1:9', instrumentations: { http: false }"))).toContain('https');
      // The HTTP instrumentation wraps https.request: at once where Node has no
      // http.client.request.created channel, else only when the application loads node:https.
      const withInstrumentation = builtinsAfter(initAfterImport("endpoint: 'http://127.0.0.1:9'"));
      if (hasClientRequestCreatedChannel()) expect(withInstrumentation).not.toContain('https');
      else expect(withInstrumentation).toContain('https');
    });

    it.runIf(hasClientRequestCreatedChannel())(
      'an application that loads node:https after init() gets its requests traced, and the wrapper from its first one',
      () => {
        const { key, cert } = selfSignedCertificate();
        const program = `
          const { init } = await import('otelite');
          init({ shutdownHooks: false, endpoint: 'http://127.0.0.1:9' });
          const loadedAtInit = process.moduleLoadList.includes('NativeModule https');
          const https = await import('node:https');
          const original = https.request;
          const received = [];
          const server = https.createServer({ key: process.env.TEST_KEY, cert: process.env.TEST_CERT }, (request, response) => {
            received.push(request.headers.traceparent ?? null);
            response.end('ok');
          });
          await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
          const get = () => new Promise((resolve, reject) =>
            https.get('https://127.0.0.1:' + server.address().port + '/', { rejectUnauthorized: false }, (response) => {
              response.resume();
              response.on('end', resolve);
            }).on('error', reject));
          await get();
          const wrappedAfterFirst = https.request !== original;
          await get();
          server.close();
          console.log(JSON.stringify({ loadedAtInit, wrappedAfterFirst, received }));
          process.exit(0);`;
        const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], {
          cwd: process.cwd(),
          encoding: 'utf8',
          env: { ...process.env, TEST_KEY: key.toString(), TEST_CERT: cert.toString() },
        });
        const result = JSON.parse(out.trim().split('\n').at(-1) ?? '');
        expect(result.loadedAtInit).toBe(false);
        expect(result.wrappedAfterFirst).toBe(true);
        expect(result.received).toHaveLength(2);
        for (const traceparent of result.received) expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]$/);
      },
    );

    it('node:http never through an ES import (its facade reads every export: undici from Node 22 on)', () => {
      // Node builds an ES module facade of a built-in by reading each export; node:http's lazy WebSocket,
      // CloseEvent and MessageEvent getters (Node 22 on) load undici, node:http2, node:tls and more. The
      // files the Node entry loads get node:http from process.getBuiltinModule() instead.
      const loaded = new Set<string>();
      const visit = (file: string): void => {
        if (loaded.has(file)) return;
        loaded.add(file);
        for (const match of readFileSync(file, 'utf8').matchAll(
          // Statements at a line start or after a `;` (the bundles are whitespace-minified).
          /(?:^|;)\s*(?:import|export)\b[^;]*?\bfrom\s*"(\.[^"]+)"|(?:^|;)\s*import\s*"(\.[^"]+)"/gms,
        )) {
          visit(join(dirname(file), match[1] ?? match[2]));
        }
      };
      visit('dist/src/index.js');
      const httpImports = [...loaded].filter((file) => /\b(?:from|import)\s*\(?\s*"node:https?"/.test(readFileSync(file, 'utf8')));
      expect(loaded.size).toBeGreaterThan(1); // the entry and the chunk it imports
      expect(httpImports).toEqual([]);
      const builtins = builtinsAfter(initAfterImport("endpoint: 'http://127.0.0.1:9'"));
      expect(builtins).toContain('http');
      expect(builtins).not.toContain('internal/deps/undici/undici');
    });
  });
});

import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The web-standard entries stay small (the browser section of docs/runtimes.md, issue 14's 30 KiB
// target): bundled from the sources as an application's bundler would, `init` with the OTLP exporter pulls in neither the
// @bufbuild/protobuf runtime nor the generated descriptors (gen/**/*_pb.ts); only the tag constants of
// gen/**/*_wire.ts (inlined). The schema fallback the Node entry installs does carry them, which shows the
// check can see them.

const root = join(import.meta.dirname, '../..');

/** The files with bytes in the minified bundle (the wire tags are inlined, so their files have none). */
async function bundledInputs(entry: string, contents: string): Promise<string[]> {
  return (await bundled(entry, contents)).inputs;
}

/**
 * The minified bundle of `contents` (resolved beside `entry`): its code, the files with bytes in it, and
 * `bytesOf(file)`: the bytes in it of a module the build reached (0 for one that left none), undefined
 * for a module it never reached.
 */
async function bundled(
  entry: string,
  contents: string,
): Promise<{ code: string; inputs: string[]; bytesOf: (file: string) => number | undefined }> {
  const output = await build({
    stdin: { contents, resolveDir: join(root, entry, '..'), loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['@opentelemetry/api', 'node:*'],
    metafile: true,
    logLevel: 'silent',
  });
  const [bundle] = Object.values(output.metafile.outputs);
  const inputs = Object.entries(bundle.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
  const bytesOf = (file: string): number | undefined => {
    if (!Object.keys(output.metafile.inputs).some((input) => input.endsWith(file))) return undefined;
    return Object.entries(bundle.inputs).find(([input]) => input.endsWith(file))?.[1].bytesInOutput ?? 0;
  };
  return { code: output.outputFiles[0].text, inputs, bytesOf };
}

const schemaParts = (inputs: string[]) => inputs.filter((file) => file.includes('@bufbuild/protobuf') || /_pb\.ts$/.test(file));

describe('web bundles', () => {
  for (const entry of [
    'src/platform/browser/index.ts',
    'src/platform/edge/index.ts',
    'src/platform/workerd/index.ts',
    'src/platform/web/index.ts',
  ]) {
    it(`${entry}: init and the OTLP exporter carry no protobuf runtime and no generated schema`, async () => {
      const name = entry.split('/').at(-1)?.replace('.ts', '.js');
      const inputs = await bundledInputs(
        entry,
        `export { init, OTLPTraceExporter, encodeSpansToJson, encodeSpansToProtobuf } from './${name}';`,
      );
      expect(inputs.some((file) => file.endsWith('binary-encoder.ts'))).toBe(true);
      expect(inputs.some((file) => file.endsWith('export-response.ts'))).toBe(true);
      expect(schemaParts(inputs)).toEqual([]);
    });
  }

  // A page has no environment and no files: the browser entry's init carries neither the configuration
  // file loader nor the console logger/exporter. The entries with an environment install INIT_ENVIRONMENT,
  // which carries them (bundled here directly, which shows the check can see them).
  it('src/platform/browser/index.ts: init carries no configuration file loader and no console exporter', async () => {
    const browser = await bundled('src/platform/browser/index.ts', "export { init } from './index.js';");
    const leftOut = (inputs: string[]) =>
      inputs.filter((file) => /configuration-file\.ts$|console-span-exporter\.ts$|init-environment\.ts$/.test(file));
    expect(leftOut(browser.inputs)).toEqual([]);
    // Nor what init does with a file (the options a file replaces, reported once).
    const fileInForce = 'a configuration file is in force';
    expect(browser.code).not.toContain(fileInForce);
    const withEnvironment = await bundled(
      'src/platform/web/index.ts',
      "export { init } from './index.js'; export { INIT_ENVIRONMENT } from '../../init-environment.js';",
    );
    expect(leftOut(withEnvironment.inputs).length).toBe(3);
    expect(withEnvironment.code).toContain(fileInForce);
  });

  // The samplers OTEL_TRACES_SAMPLER names (and ProbabilitySampler, which only the configuration file
  // builds) stay out of a page: the browser entry installs no environment sampler, and attribute-free
  // samplers mark themselves instead of being listed by class.
  it('src/platform/browser/index.ts: init carries no OTEL_TRACES_SAMPLER lookup and no ProbabilitySampler', async () => {
    const samplerParts = (inputs: string[]) =>
      inputs.filter((file) => /sampling\/(from-environment|trace-id-ratio-based|probability)\.ts$/.test(file));
    const browser = await bundledInputs('src/platform/browser/index.ts', "export { init } from './index.js';");
    expect(browser.some((file) => file.endsWith('sampling/parent-based.ts'))).toBe(true);
    expect(samplerParts(browser)).toEqual([]);
    // The entries with an environment install createSamplerFromEnvironment (bundled here directly, which
    // shows the check can see it).
    const web = await bundledInputs(
      'src/platform/web/index.ts',
      "export { init } from './index.js'; export { createSamplerFromEnvironment } from '../../sampling/from-environment.js';",
    );
    expect(samplerParts(web).some((file) => file.endsWith('sampling/from-environment.ts'))).toBe(true);
  });

  // Nor does a page parse other OTEL_* variables (span limits, OTEL_BSP_*, the resource, OTEL_PROPAGATORS,
  // OTEL_SDK_DISABLED): the browser entry installs no environment readers, so the variable parsers stay
  // out; the web entry installs them (useEnvironmentReaders), which shows the check can see them.
  it('src/platform/browser/index.ts: init carries no OTEL_* variable parsing', async () => {
    const readers = (inputs: string[]) =>
      inputs.filter((file) =>
        /config\/(environment-variable|typed-variables|key-value-list)\.ts$|resource\/from-environment\.ts$/.test(file),
      );
    const browser = await bundledInputs('src/platform/browser/index.ts', "export { init } from './index.js';");
    expect(browser.some((file) => file.endsWith('processing/batch-span-processor.ts'))).toBe(true);
    expect(readers(browser)).toEqual([]);
    // (From the sources the entry's own calls count as side-effect free, package.json lists dist/ only, so
    // what it installs is exported here, as the test above does.)
    const web = await bundledInputs(
      'src/platform/web/index.ts',
      "export { init } from './index.js'; export { useEnvironmentReaders } from '../../environment-readers.js';",
    );
    expect(readers(web).length).toBe(4);
  });

  // Sending at exit is the Node platform's (its `exit` listener): the web entries install neither the exit
  // registry nor the exporter's exit methods; the Node entry does (bundled for node, which shows the check sees them).
  it('the web entries carry no exit export; the Node entry does', async () => {
    const exitParts = (inputs: string[]) =>
      inputs.filter((file) => file.endsWith('otlp/otlp-exit-export.ts') || file.endsWith('processing/batch-exit-export.ts'));
    for (const entry of ['src/platform/browser/index.ts', 'src/platform/web/index.ts']) {
      expect(exitParts(await bundledInputs(entry, "export * from './index.js';"))).toEqual([]);
    }
    const node = await bundledInputs(
      'src/index.ts',
      "export { init } from './index.js'; export * from './export/otlp/otlp-exit-export.js'; export * from './processing/batch-exit-export.js';",
    );
    expect(exitParts(node).sort()).toEqual(
      ['src/export/otlp/otlp-exit-export.ts', 'src/processing/batch-exit-export.ts'].map((file) => join(root, file).slice(root.length + 1)),
    );
  });

  // The protobuf writer's fast paths (a batch's span ids read at once, the name field cache, the span
  // attribute memo) are installed by the Node entry only: a page's writer reads ids one at a time and caches
  // no names, which is smaller to ship; the Node entry's init carries them (which shows the check sees them).
  it("the web entries' protobuf writer carries no fast id path, name cache or attribute memo; the Node entry's does", async () => {
    const fastParts = (inputs: string[]) =>
      inputs.filter((file) => /encoding\/(span-id-batch|simple-spans|name-field-cache|span-attribute-memo)\.ts$/.test(file)).sort();
    // The batch id path (span-id-batch.ts) decodes a batch's ids with one Buffer written as 'hex'.
    const batchIdMarker = /allocUnsafeSlow/;
    for (const entry of ['src/platform/browser/index.ts', 'src/platform/web/index.ts']) {
      const { code, inputs } = await bundled(entry, "export { init, encodeSpansToProtobuf } from './index.js';");
      expect(inputs.some((file) => file.endsWith('wire/hex-id.ts'))).toBe(true);
      expect(fastParts(inputs)).toEqual([]);
      expect(code).not.toMatch(batchIdMarker);
    }
    const node = await bundled('src/index.ts', "export { init, encodeSpansToProtobuf } from './index.js';");
    expect(node.code).toMatch(batchIdMarker);
    expect(fastParts(node.inputs)).toEqual(
      [
        'src/export/otlp/encoding/name-field-cache.ts',
        'src/export/otlp/encoding/simple-spans.ts',
        'src/export/otlp/encoding/span-attribute-memo.ts',
        'src/export/otlp/encoding/span-id-batch.ts',
      ].map((file) => join(root, file).slice(root.length + 1)),
    );
  });

  // Flushing through a request's waitUntil is the edge platform's (requestFlushProcessor): a page's init
  // carries no WaitUntilFlushProcessor; the edge entry's does (which shows the check sees it).
  it("the browser entry's init carries no per-request flush processor; the edge entry's does", async () => {
    const flushParts = (inputs: string[]) => inputs.filter((file) => file.endsWith('processing/wait-until-flush-processor.ts'));
    expect(flushParts(await bundledInputs('src/platform/browser/index.ts', "export { init } from './index.js';"))).toEqual([]);
    // (The platform the entry installs is exported here, as above: from the sources its call counts as side-effect free.)
    const edge = await bundledInputs(
      'src/platform/edge/index.ts',
      "export { init } from './index.js'; export { edgePlatform } from './edge-platform.js';",
    );
    expect(flushParts(edge).length).toBe(1);
  });

  // The numbers a page's code tests live in modules that import nothing (ARCHITECTURE.md, "Numeric
  // constants in modules that import nothing"), so esbuild writes each use as a literal: those modules
  // reach the page's bundle with no bytes of their own. Enum members are such constants too, so the page
  // imports neither the API's SpanKind nor its SpanStatusCode (the last module shows the check sees bytes).
  it("the browser entry's init writes its constants as literals and reads no SpanKind or SpanStatusCode", async () => {
    const { code, bytesOf } = await bundled('src/platform/browser/index.ts', "export { init } from './index.js';");
    for (const file of [
      'internal/char-codes.ts',
      'internal/api-enum-values.ts',
      'propagation/header-limits.ts',
      'diagnostics/log-limits.ts',
      'trace/clock-limits.ts',
      'trace/span-state-layout.ts',
      'trace/provider-limits.ts',
      'transport/transport-limits.ts',
      'sampling/threshold-format.ts',
      'sampling/sampling-decision-values.ts',
      'export/export-result-code-values.ts',
      'export/otlp/otlp-limits.ts',
      'export/otlp/wire/response-limits.ts',
      'export/otlp/wire/rpc-status-tags.ts',
      'export/otlp/wire/hex-id-lengths.ts',
    ]) {
      expect(bytesOf(file), file).toBe(0);
    }
    expect(bytesOf('propagation/header-char-classes.ts')).toBeGreaterThan(0);
    const apiImport = code.match(/import\s*\{([^}]*)\}\s*from\s*"@opentelemetry\/api"/g)?.join(' ');
    expect(apiImport).toContain('trace');
    expect(apiImport).not.toMatch(/\bSpanKind\b|\bSpanStatusCode\b/);
  });

  it("the Node entry's protobuf fallback carries the generated schema (the check sees it)", async () => {
    const inputs = await bundledInputs(
      'src/export/otlp/encoding/schema-fallback-encoder.ts',
      "export { encodeWithSchema } from './schema-fallback-encoder.js';",
    );
    expect(schemaParts(inputs).some((file) => file.endsWith('trace_service_pb.ts'))).toBe(true);
    expect(schemaParts(inputs).some((file) => file.includes('@bufbuild/protobuf'))).toBe(true);
  });

  // The trace viewer (its server in receiver/, its page in src/viewer-page/) belongs to
  // `otelite receive` only: no SDK entry, web or Node, carries a byte of it, so init() pays nothing.
  const VIEWER_FILES = /(viewer-page\/|receiver\/(trace-store|trace-query|span-view|otlp-json|page-assets|viewer-server|trace-json)\.ts$)/;
  const viewerParts = (inputs: string[]) => inputs.filter((file) => VIEWER_FILES.test(file));
  const sdkEntries: [string, 'browser' | 'node'][] = [
    ['src/platform/browser/index.ts', 'browser'],
    ['src/platform/workerd/index.ts', 'browser'],
    ['src/platform/web/index.ts', 'browser'],
    ['src/index.ts', 'node'],
    ['src/platform/node/register.ts', 'node'],
    ['src/otlp.ts', 'node'],
    ['src/proto.ts', 'node'],
  ];
  for (const [entry, platform] of sdkEntries) {
    it(`${entry}: carries nothing of the trace viewer`, async () => {
      const name = entry.split('/').at(-1)?.replace('.ts', '.js');
      const output = await build({
        stdin: { contents: `export * from './${name}';`, resolveDir: join(root, entry, '..'), loader: 'ts' },
        bundle: true,
        write: false,
        format: 'esm',
        platform,
        external: ['@opentelemetry/api', 'node:*'],
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(output.metafile.inputs);
      expect(inputs.length).toBeGreaterThan(10);
      expect(viewerParts(inputs)).toEqual([]);
    });
  }

  it('the receiver entry does carry the viewer server (the check sees it), and the page is a bundle of its own', async () => {
    const output = await build({
      entryPoints: [join(root, 'src/platform/node/receiver/index.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      external: ['@opentelemetry/api'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(output.metafile.inputs);
    expect(viewerParts(inputs).some((file) => file.endsWith('receiver/viewer-server.ts'))).toBe(true);
    expect(inputs.some((file) => file.endsWith('viewer-page/main.ts'))).toBe(false);
  });
});

import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The web-standard entries stay small (README's browser section, issue 14's 30 KiB target): bundled from
// the sources as an application's bundler would, `init` with the OTLP exporter pulls in neither the
// @bufbuild/protobuf runtime nor the generated descriptors (gen/**/*_pb.ts); only the tag constants of
// gen/**/*_wire.ts (inlined). The schema fallback the Node entry installs does carry them, which shows the
// check can see them.

const root = join(import.meta.dirname, '../..');

/** The files with bytes in the minified bundle (the wire tags are inlined, so their files have none). */
async function bundledInputs(entry: string, contents: string): Promise<string[]> {
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
  return Object.entries(bundle.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
}

const schemaParts = (inputs: string[]) => inputs.filter((file) => file.includes('@bufbuild/protobuf') || /_pb\.ts$/.test(file));

describe('web bundles', () => {
  for (const entry of ['src/platform/browser/index.ts', 'src/platform/workerd/index.ts', 'src/platform/web/index.ts']) {
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

  it("the Node entry's protobuf fallback carries the generated schema (the check sees it)", async () => {
    const inputs = await bundledInputs(
      'src/export/otlp/encoding/schema-fallback-encoder.ts',
      "export { encodeWithSchema } from './schema-fallback-encoder.js';",
    );
    expect(schemaParts(inputs).some((file) => file.endsWith('trace_service_pb.ts'))).toBe(true);
    expect(schemaParts(inputs).some((file) => file.includes('@bufbuild/protobuf'))).toBe(true);
  });
});

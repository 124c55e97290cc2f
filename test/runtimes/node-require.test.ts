import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consumerFolder, root, run } from './runtime-kit.js';

// `engines` says the true minimum: require('otelite') loads the ES module build through require(esm),
// unflagged from Node 20.19 and 22.12. The oldest supported version is checked here, with the release just
// before it showing why it is the minimum.
const OLDEST = '20.19.0';
const TOO_OLD = '20.18.3';

function cachedNode(version: string): string | undefined {
  try {
    return execFileSync(join(root, 'scripts/cached-node.sh'), [version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch (error) {
    console.log(`SKIPPED node ${version}: could not be installed (${String(error).split('\n')[0]})`);
    return undefined;
  }
}

const oldest = cachedNode(OLDEST);
const tooOld = cachedNode(TOO_OLD);
const LOAD =
  "const m = require('otelite'); const r = require('otelite/receiver'); const p = require('otelite/proto'); console.log(typeof m.init, typeof m.TracerProvider, typeof r.startReceiver, typeof p.ExportTraceServiceRequestSchema)";

describe('the oldest supported Node.js', () => {
  it('engines names the versions with require(esm)', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(manifest.engines.node).toBe(`^${OLDEST} || >=22.12.0`);
  });

  it.skipIf(oldest === undefined)(`Node ${OLDEST}: require and import both load otelite and its subpaths`, async () => {
    const folder = consumerFolder([]);
    const required = await run(oldest as string, ['-e', LOAD], folder);
    expect(required.stderr).toBe('');
    expect(required.stdout.trim()).toBe('function function function object');
    const imported = await run(
      oldest as string,
      ['--input-type=module', '-e', "const m = await import('otelite'); console.log(typeof m.init)"],
      folder,
    );
    expect(imported.stdout.trim()).toBe('function');
  });

  it.skipIf(tooOld === undefined)(`Node ${TOO_OLD}: import works, require does not (no require(esm) yet)`, async () => {
    const folder = consumerFolder([]);
    const required = await run(tooOld as string, ['-e', LOAD], folder);
    expect(required.code).not.toBe(0);
    expect(required.stderr).toMatch(/ERR_REQUIRE_ESM/);
    const imported = await run(
      tooOld as string,
      ['--input-type=module', '-e', "const m = await import('otelite'); console.log(typeof m.init)"],
      folder,
    );
    expect(imported.stdout.trim()).toBe('function');
  });
});

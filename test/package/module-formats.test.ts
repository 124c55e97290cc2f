import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The package is loaded by name from dist/ (built by `npm test`'s pretest step), as a user would.
function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: process.cwd(), encoding: 'utf8' });
}

describe('package entry points', () => {
  it('load through import', () => {
    const out = run([
      '--input-type=module',
      '-e',
      "const m = await import('otelite'); const p = await import('otelite/proto'); const r = await import('otelite/receiver'); console.log(typeof m.TracerProvider, typeof p.ExportTraceServiceRequestSchema, typeof r.startReceiver)",
    ]);
    expect(out.trim()).toBe('function object function');
  });

  it('load through require', () => {
    const out = run([
      '--input-type=commonjs',
      '-e',
      "const m = require('otelite'); const p = require('otelite/proto'); const r = require('otelite/receiver'); console.log(typeof m.TracerProvider, typeof p.ExportTraceServiceRequestSchema, typeof r.startReceiver)",
    ]);
    expect(out.trim()).toBe('function object function');
  });
});

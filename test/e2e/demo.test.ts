import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const built = existsSync(join(root, 'dist/src/index.js'));

/** One printed trace: its header line and its span lines. */
interface PrintedTrace {
  header: string;
  lines: string[];
}

function printedTraces(output: string): PrintedTrace[] {
  const traces: PrintedTrace[] = [];
  let currentTrace: PrintedTrace | undefined;
  for (const line of output.split('\n')) {
    if (/^trace [0-9a-f]{32} · /.test(line)) {
      currentTrace = { header: line, lines: [] };
      traces.push(currentTrace);
    } else if (line.trim() === '') {
      currentTrace = undefined;
    } else {
      currentTrace?.lines.push(line);
    }
  }
  return traces;
}

describe.skipIf(!built)(`npm run demo${built ? '' : ' (skipped: dist/ is missing; run npm run build)'}`, () => {
  it('runs end to end by itself and prints frontend server → frontend client → backend server in one trace per request', async () => {
    const { stdout, exitCode } = await new Promise<{ stdout: string; exitCode: number | null }>((resolve) => {
      execFile(process.execPath, [join(root, 'examples/demo.mjs')], { cwd: root, timeout: 20_000 }, (error, stdout) => {
        resolve({ stdout, exitCode: error === null ? 0 : typeof error.code === 'number' ? error.code : null });
      });
    });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('The receiver got 9 spans in 3 traces');

    const traces = printedTraces(stdout);
    expect(traces).toHaveLength(3);
    for (const { header, lines } of traces) {
      expect(header).toMatch(/· 3 spans · (backend, frontend|frontend, backend)$/);
      expect(lines).toHaveLength(3);
      // Indentation shows the parent links that the receiver decoded from the spans' ids.
      expect(lines[0]).toMatch(/^GET \/checkout\/:item {2}SERVER {2}\[frontend\]/);
      expect(lines[1]).toMatch(/^└─ GET {2}CLIENT {2}\[frontend\]/);
      expect(lines[2]).toMatch(/^ {3}└─ GET \/inventory\/:item {2}SERVER {2}\[backend\]/);
    }
    const failed = traces.find(({ lines }) => lines[0].includes('/checkout/unicorn'));
    expect(failed?.lines.every((line) => line.includes('ERROR'))).toBe(true);
    expect(failed?.lines[2]).toContain('http.response.status_code=500');
  });
});

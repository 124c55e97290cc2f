import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../src/platform/node/receiver/index.js';

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

describe.skipIf(!built)(`examples/${built ? '' : ' (skipped: dist/ is missing; run npm run build)'}`, () => {
  it.each(['esm.mjs', 'cjs.cjs'])('%s prints its three spans, one trace, at exit with no shutdown call', async (file) => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [join(root, 'examples', file)], { cwd: root, timeout: 15_000 }, (error, out) =>
        error ? reject(error) : resolve(out),
      );
    });
    const spans = stdout
      .trim()
      .split('\n')
      .map((line) => /^(.+) trace=([0-9a-f]{32}) span=([0-9a-f]{16}) parent=(\S+)/.exec(line)!)
      .map(([, name, traceId, spanId, parent]) => ({ name, traceId, spanId, parent }));
    expect(spans.map((span) => span.name).sort()).toEqual(['compute total', 'load cart', 'prepare order']);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    const rootSpan = spans.find((span) => span.name === 'prepare order')!;
    expect(rootSpan.parent).toBe('-');
    for (const child of spans.filter((span) => span !== rootSpan)) expect(child.parent).toBe(rootSpan.spanId);
  });

  it('server.mjs traces a request, and Ctrl-C (SIGINT) sends its spans and ends it by the signal', async () => {
    const receiver = await startReceiver({ port: 0, print: false });
    try {
      const child = spawn(process.execPath, [join(root, 'examples/server.mjs')], {
        cwd: root,
        env: { ...process.env, PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const ended = new Promise<[number | null, string | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const match = /listening on (\S+)/.exec(chunk.toString());
          if (match) resolve(match[1]);
        });
        child.once('exit', () => reject(new Error('server.mjs ended before listening')));
      });
      const response = await fetch(`${url}/hello/ada`);
      expect(await response.text()).toBe('Hello, ada!\n');
      child.kill('SIGINT');
      expect(await ended).toEqual([null, 'SIGINT']);
      const spans = receiver.spans();
      expect(spans.map((span) => span.name).sort()).toEqual(['GET /hello/:name', 'build greeting']);
      const server = spans.find((span) => span.kind === 'SERVER')!;
      const own = spans.find((span) => span.name === 'build greeting')!;
      expect(own.parentSpanId).toBe(server.spanId);
      expect(own.serviceName).toBe('hello-server');
    } finally {
      await receiver.close();
    }
  });
});

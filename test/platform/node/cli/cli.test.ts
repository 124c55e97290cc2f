import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, USAGE } from '../../../../src/platform/node/cli/cli.js';
import { Span_SpanKind, Status_StatusCode } from '../../../../src/proto.js';
import { buildRequest, collectingSink, send, toProtobuf, TRACE_A } from '../receiver/otlp-fixtures.js';

const request = buildRequest('cli-service', [
  { spanId: 'a000000000000001', name: 'GET /hello', kind: Span_SpanKind.SERVER, durationMillis: 5, status: { code: Status_StatusCode.OK } },
  { spanId: 'a000000000000002', parentSpanId: 'a000000000000001', name: 'work', startMillis: 1, durationMillis: 2 },
]);
const EXPECTED_TREE = [
  `trace ${TRACE_A} · 2 spans · cli-service`,
  'GET /hello  SERVER  [cli-service]  5.00 ms  OK',
  '└─ work  INTERNAL  [cli-service]  2.00 ms',
].join('\n');

function io(signal?: AbortSignal) {
  const stdout = collectingSink();
  const stderr = collectingSink();
  return { stdout, stderr, signal };
}

describe('runCli (in process)', () => {
  it('prints usage for --help and help, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['receive', '--help']]) {
      const streams = io();
      expect(await runCli(argv, streams)).toBe(0);
      expect(streams.stdout.text()).toBe(USAGE);
      expect(streams.stderr.text()).toBe('');
    }
  });

  it('answers usage errors on stderr with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [['serve'], /unknown command 'serve'/],
      [['receive', '--bogus'], /Unknown option '--bogus'/],
      [['receive', '--port', 'http'], /--port must be a number from 0 to 65535/],
      [['receive', '--port', '70000'], /--port must be/],
      [['receive', 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      const streams = io();
      expect(await runCli(argv, streams), argv.join(' ')).toBe(2);
      expect(streams.stderr.text()).toMatch(message);
      expect(streams.stderr.text()).toContain('Usage: otelite <command>');
      expect(streams.stdout.text()).toBe('');
    }
  });

  it('receives, prints the tree, and on abort flushes, closes and exits 0', async () => {
    const stop = new AbortController();
    const streams = io(stop.signal);
    const done = runCli(['receive', '--port', '0', '--host', '127.0.0.1'], streams);
    await expect.poll(() => streams.stdout.text(), { timeout: 1000, interval: 5 }).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/v1\/traces)/.exec(streams.stdout.text())![1]!;

    expect((await send(url, toProtobuf(request), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
    stop.abort();
    expect(await done).toBe(0);
    expect(streams.stdout.text()).toContain(EXPECTED_TREE);
    await expect(send(url, toProtobuf(request), { 'Content-Type': 'application/x-protobuf' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('exits 1 with a message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const streams = io(AbortSignal.abort());
      expect(await runCli(['receive', '--port', String(port)], streams)).toBe(1);
      expect(streams.stderr.text()).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });
});

const BUILT_CLI = 'dist/src/platform/node/cli/cli.js';

describe.skipIf(!existsSync(BUILT_CLI))('otelite receive (built binary, child process)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints the tree of a received request and exits 0 on ${signal}`, async () => {
      const child = spawn(process.execPath, [BUILT_CLI, 'receive', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await expect.poll(() => stdout, { timeout: 5000, interval: 10 }).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
        const url = /(http:\/\/127\.0\.0\.1:\d+\/v1\/traces)/.exec(stdout)![1]!;
        expect((await send(url, toProtobuf(request), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
        child.kill(signal);
        expect(await exited).toBe(0);
        expect(stdout).toContain(EXPECTED_TREE);
        expect(stderr).toBe('');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  }
});

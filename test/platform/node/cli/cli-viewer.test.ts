import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../src/platform/node/cli/cli.js';
import { browserOpener } from '../../../../src/platform/node/cli/open-browser.js';
import { Status_StatusCode } from '../../../../src/proto.js';
import type { TraceListResponse } from '../../../../src/viewer-page/viewer-api.js';
import { buildRequest, collectingSink, send, toOtlpJson, toProtobuf, TRACE_A, TRACE_B } from '../receiver/otlp-fixtures.js';

const request = buildRequest('cli-service', [
  { spanId: 'a000000000000001', name: 'GET /hello', durationMillis: 5, attributes: { 'user.id': 'u-1' } },
  {
    spanId: 'a000000000000002',
    parentSpanId: 'a000000000000001',
    name: 'work',
    startMillis: 1,
    durationMillis: 2,
    status: { code: Status_StatusCode.ERROR, message: 'boom' },
  },
]);

/** Runs `otelite receive <args>` in process until `body` is done; resolves with the exit code and output. */
async function receive(args: string[], body: (url: string, out: () => string, err: () => string) => Promise<void>) {
  const stop = new AbortController();
  const stdout = collectingSink();
  const stderr = collectingSink();
  const done = runCli(['receive', '--port', '0', ...args], { stdout, stderr, signal: stop.signal });
  const said = () => stdout.text() + stderr.text();
  await expect.poll(said, { timeout: 10_000, interval: 5 }).toMatch(/listening on (http:\/\/127\.0\.0\.1:\d+)|cannot/);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(said())?.[1];
  if (url !== undefined) await body(url, stdout.text, stderr.text);
  stop.abort();
  return { code: await done, stdout: stdout.text(), stderr: stderr.text() };
}

describe('otelite receive and the viewer', () => {
  it('prints the viewer URL at start and serves it; --no-ui turns it off', async () => {
    const on = await receive([], async (url) => {
      expect((await send(`${url}/`, undefined, {}, 'GET')).status).toBe(200);
    });
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/^trace viewer: http:\/\/127\.0\.0\.1:\d+\/$/m);
    const off = await receive(['--no-ui'], async (url) => {
      expect((await send(`${url}/`, undefined, {}, 'GET')).status).toBe(404);
      expect((await send(`${url}/v1/traces`, toProtobuf(request), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
    });
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain('trace viewer');
    expect(off.stdout).toContain('GET /hello');
  });

  it('--json prints one JSON line per completed trace on stdout, and the rest on stderr', async () => {
    const result = await receive(['--json'], async (url) => {
      await send(`${url}/v1/traces`, toProtobuf(request), { 'Content-Type': 'application/x-protobuf' });
      await send(
        `${url}/v1/traces`,
        toProtobuf(buildRequest('other', [{ traceId: TRACE_B, spanId: 'b000000000000001', name: 'job', durationMillis: 1 }])),
        {
          'Content-Type': 'application/x-protobuf',
        },
      );
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('listening on');
    expect(result.stderr).toContain('trace viewer:');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const traces = lines.map((line) => JSON.parse(line) as Record<string, unknown> & { spans: Record<string, unknown>[] });
    const a = traces.find((trace) => trace['traceId'] === TRACE_A)!;
    expect(a).toMatchObject({
      rootName: 'GET /hello',
      services: ['cli-service'],
      spanCount: 2,
      errorCount: 1,
      durationMs: 5,
      continued: false,
    });
    expect(a.spans.map((span) => span['name'])).toEqual(['GET /hello', 'work']);
    expect(a.spans[0]).toMatchObject({ attributes: { 'user.id': 'u-1' }, parentSpanId: '', kind: 'INTERNAL', service: 'cli-service' });
    expect(a.spans[1]).toMatchObject({ status: { code: 'ERROR', message: 'boom' } });
  });

  it('--load shows saved traces again (a document, or JSON lines) and fails clearly on a bad file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'otelite-load-'));
    const single = join(folder, 'trace.json');
    writeFileSync(single, toOtlpJson(request));
    const lines = join(folder, 'traces.jsonl');
    writeFileSync(
      lines,
      `${toOtlpJson(buildRequest('other', [{ traceId: TRACE_B, spanId: 'b000000000000001', name: 'job', durationMillis: 1 }]))}\n`,
    );
    const result = await receive(['--load', single, '--load', lines], async (url, out) => {
      await expect.poll(out, { timeout: 10_000, interval: 5 }).toContain(`loaded ${lines}`);
      const list = JSON.parse((await send(`${url}/api/traces`, undefined, {}, 'GET')).body.toString()) as TraceListResponse;
      expect(list.traces.map((trace) => trace.traceId).sort()).toEqual([TRACE_A, TRACE_B].sort());
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`loaded ${single} (1 request)`);

    const bad = join(folder, 'bad.json');
    writeFileSync(bad, '{"resourceSpans": 12}\nnot json\n');
    const failed = await receive(['--load', bad], async () => {});
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/cannot load .*bad\.json: line 2 is not JSON/);
    const refused = join(folder, 'refused.json');
    writeFileSync(refused, '{"resourceSpans": 12}');
    const failedToo = await receive(['--load', refused], async () => {});
    expect(failedToo.code).toBe(1);
    expect(failedToo.stderr).toMatch(/refused\.json: the document was refused \(400\)/);
  });

  it('--max-spans caps the store; bad values and --open with --no-ui are usage errors', async () => {
    const result = await receive(['--max-spans', '1'], async (url) => {
      await send(`${url}/v1/traces`, toProtobuf(request), { 'Content-Type': 'application/x-protobuf' });
      const list = JSON.parse((await send(`${url}/api/traces`, undefined, {}, 'GET')).body.toString()) as TraceListResponse;
      expect(list.stats).toMatchObject({ spans: 1, maxSpans: 1, droppedSpans: 1 });
    });
    expect(result.code).toBe(0);
    for (const argv of [
      ['receive', '--max-spans', '0'],
      ['receive', '--max-spans', 'lots'],
      ['receive', '--no-ui', '--open'],
    ]) {
      const stderr = collectingSink();
      expect(await runCli(argv, { stdout: collectingSink(), stderr })).toBe(2);
      expect(stderr.text()).toMatch(/--max-spans must be|--open needs the viewer/);
    }
  });

  it('--open never fails: without a browser opener it says where to go', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = mkdtempSync(join(tmpdir(), 'otelite-empty-path-'));
    try {
      const result = await receive(['--open'], async () => {});
      expect(result.code).toBe(0);
      if (process.platform === 'linux') expect(result.stdout).toMatch(/no browser to open here: open http:\/\/127\.0\.0\.1:\d+\/ yourself/);
    } finally {
      process.env['PATH'] = path;
    }
    expect(browserOpener('linux', '')).toBeUndefined();
    expect(browserOpener('darwin', '')?.command).toBe('open');
    expect(browserOpener('win32', '')?.args('http://x/?a&b')).toEqual(['/c', 'start', '""', 'http://x/?a^&b']);
  });
});

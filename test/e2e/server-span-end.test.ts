// Two otelite services in two processes: this test process calls a backend (a child process) whose
// handler keeps its event loop busy right after res.end(). Every backend SERVER span (received over
// OTLP/protobuf) must end before the caller's CLIENT span that waited for its response, over
// node:http and node:https, with and without keep-alive: the waterfall never shows a child outliving
// the call that waited for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, type HttpInstrumentation } from '../../src/index.js';
import { startReceiver, type Receiver } from '../../src/platform/node/receiver/index.js';
import { setUpTracing, tearDownTracing, type Tracing } from '../platform/node/instrumentation/http/http-test-kit.js';
import { selfSignedCertificate } from '../support/self-signed-certificate.js';
import { built, root, skippedWithoutBuild, TEST_TIMEOUT_MILLIS } from './run-fixture.js';

/** How long the backend blocks its loop after each end(); far longer than a loopback round trip. */
const BUSY_MILLIS = 40;

let receiver: Receiver;
let backend: ChildProcess;
let ports: { http: number; https: number };
let tracing: Tracing;
let instrumentation: HttpInstrumentation;

beforeAll(async () => {
  if (!built) return;
  receiver = await startReceiver({ port: 0, print: false });
  const folder = mkdtempSync(join(tmpdir(), 'otelite-busy-backend-'));
  const { key, cert } = selfSignedCertificate();
  writeFileSync(join(folder, 'key.pem'), key);
  writeFileSync(join(folder, 'cert.pem'), cert);
  backend = spawn(
    process.execPath,
    [
      join(root, 'test/e2e/fixtures/busy-backend.mjs'),
      receiver.url,
      join(folder, 'key.pem'),
      join(folder, 'cert.pem'),
      String(BUSY_MILLIS),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  ports = await new Promise((resolve, reject) => {
    let output = '';
    backend.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\d+) (\d+)\n/.exec(output);
      if (ready) resolve({ http: Number(ready[1]), https: Number(ready[2]) });
    });
    backend.once('exit', (code) => reject(new Error(`backend exited (${code}) before it was ready: ${output}`)));
  });
  tracing = setUpTracing();
  instrumentation = instrumentHttp();
}, TEST_TIMEOUT_MILLIS);

afterAll(async () => {
  instrumentation?.disable();
  if (built) tearDownTracing();
  backend?.kill();
  await receiver?.close();
});

function call(module: typeof http | typeof https, url: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    module
      .get(url, { agent, rejectUnauthorized: false } as https.RequestOptions, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

const epochNanos = ([seconds, nanos]: [number, number]): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

describe.skipIf(!built)(`a busy backend's server spans end before the caller's client spans${skippedWithoutBuild}`, () => {
  it(
    'over node:http and node:https, with keep-alive and without, in every request',
    async () => {
      const plainKeepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const secureKeepAlive = new https.Agent({ keepAlive: true, maxSockets: 1 });
      const plainNew = new http.Agent({ keepAlive: false });
      const calls: [typeof http | typeof https, string, http.Agent][] = [
        ...['/h1', '/h2', '/h3', '/h4'].map((path) => [http, `http://127.0.0.1:${ports.http}${path}`, plainKeepAlive] as const),
        ...['/s1', '/s2', '/s3'].map((path) => [https, `https://127.0.0.1:${ports.https}${path}`, secureKeepAlive] as const),
        ...['/n1', '/n2'].map((path) => [http, `http://127.0.0.1:${ports.http}${path}`, plainNew] as const),
      ] as [typeof http | typeof https, string, http.Agent][];
      await trace.getTracer('frontend').startActiveSpan('frontend work', async (root) => {
        for (const [module, url, agent] of calls) expect(await call(module, url, agent)).toBe(`backend ${new URL(url).pathname}`);
        root.end();
      });
      for (const agent of [plainKeepAlive, secureKeepAlive, plainNew]) agent.destroy();
      const shutdown = JSON.parse(await call(http, `http://127.0.0.1:${ports.http}/shutdown`, new http.Agent())) as { connections: number };
      // One connection per keep-alive agent, one per request without, one for /shutdown.
      expect(shutdown.connections).toBe(1 + 1 + 2 + 1);

      const clients = (await tracing.spans((spans) => spans.filter((span) => span.kind === SpanKind.CLIENT).length >= 10)).filter(
        (span) => span.kind === SpanKind.CLIENT && String(span.attributes['url.full']).includes('127.0.0.1'),
      );
      for (let attempt = 0; attempt < 300 && receiver.spans().filter((span) => span.kind === 'SERVER').length < 10; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const servers = receiver.spans().filter((span) => span.kind === 'SERVER' && span.serviceName === 'busy-backend');
      const checked: string[] = [];
      for (const [, url] of calls) {
        const path = new URL(url).pathname;
        const server = servers.find((span) => span.attributes['url.path'] === path);
        const client = clients.find((span) => span.spanContext().spanId === server?.parentSpanId);
        expect(client?.attributes['url.full'], path).toBe(url);
        const serverEnd = server?.endTimeUnixNano as bigint;
        const clientEnd = epochNanos(client?.endTime as [number, number]);
        expect(
          serverEnd < clientEnd,
          `${path}: server ${server?.startTimeUnixNano}..${serverEnd} (${server?.durationMillis} ms), client ${epochNanos(client?.startTime as [number, number])}..${clientEnd}`,
        ).toBe(true);
        checked.push(path);
      }
      expect(checked).toHaveLength(9);
    },
    TEST_TIMEOUT_MILLIS,
  );
});

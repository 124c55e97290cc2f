import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, type HttpInstrumentation } from '../../../../../src/index.js';
import { clientSpans, send, serverSpans, settle, setUpTracing, startServer, tearDownTracing, type Tracing } from './http-test-kit.js';

// Two copies of otelite in one process (a bundler's copy next to node_modules', as Next.js makes without
// serverExternalPackages): the second copy's instrumentHttp() stands aside, so nothing is traced twice.
// The second copy is the built package loaded under another URL (a separate module instance).

let tracing: Tracing;
let first: HttpInstrumentation;
let second: HttpInstrumentation;

beforeAll(async () => {
  tracing = setUpTracing();
  first = instrumentHttp();
  const url = `${pathToFileURL(join(import.meta.dirname, '../../../../../dist/src/index.js')).href}?second-copy`;
  const copy = (await import(url)) as typeof import('../../../../../src/index.js');
  expect(copy.instrumentHttp).not.toBe(instrumentHttp);
  second = copy.instrumentHttp();
});

afterAll(() => {
  second.disable();
  first.disable();
  tearDownTracing();
});

describe('two copies of otelite in one process', () => {
  it('trace each request and each fetch once', async () => {
    const server = await startServer();
    try {
      await send(`${server.origin}/once`);
      await (await fetch(`${server.origin}/fetched`)).text();
      const spans = await tracing.spans((all) => serverSpans(all).length >= 2 && clientSpans(all).length >= 1);
      await settle(30);
      const all = tracing.exporter.getFinishedSpans();
      expect(serverSpans(all)).toHaveLength(2);
      expect(clientSpans(all)).toHaveLength(1);
      expect(spans.every((span) => span.instrumentationScope.name === 'otelite/http')).toBe(true);
    } finally {
      await server.close();
    }
  });
});

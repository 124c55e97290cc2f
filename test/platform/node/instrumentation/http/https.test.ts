import { SpanStatusCode } from '@opentelemetry/api';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentHttp, type HttpInstrumentation } from '../../../../../src/index.js';
import { selfSignedCertificate } from '../../../../support/self-signed-certificate.js';
import { clientSpans, parseTraceparent, serverSpans, setUpTracing, tearDownTracing, type Tracing } from './http-test-kit.js';

// node:https on both sides: a TLS server span and a wrapped/channel-traced https.get client span.

let tracing: Tracing;
let instrumentation: HttpInstrumentation;
let server: https.Server;
let port: number;
let receivedTraceparent: string | undefined;

beforeAll(async () => {
  const { key, cert } = selfSignedCertificate();
  server = https.createServer({ key, cert }, (request, response) => {
    receivedTraceparent = request.headers.traceparent as string | undefined;
    response.statusCode = request.url?.startsWith('/fail') ? 502 : 200;
    response.end('secure');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  tracing = setUpTracing();
  instrumentation = instrumentHttp();
});

afterAll(async () => {
  instrumentation.disable();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  tearDownTracing();
});

describe('node:https', () => {
  it('links an https.get client span to the TLS server span', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get(`https://127.0.0.1:${port}/fail?x=1`, { rejectUnauthorized: false }, (response) => {
          response.resume().on('end', () => resolve(response.statusCode ?? 0));
        })
        .on('error', reject);
    });
    expect(status).toBe(502);
    const spans = await tracing.spans((all) => all.length >= 2);
    const [serverSpan] = serverSpans(spans);
    const [clientSpan] = clientSpans(spans);
    expect(serverSpan.attributes).toMatchObject({
      'url.scheme': 'https',
      'url.path': '/fail',
      'url.query': 'x=1',
      'server.port': port,
      'http.response.status_code': 502,
      'error.type': '502',
    });
    expect(serverSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(clientSpan.attributes).toMatchObject({
      'url.full': `https://127.0.0.1:${port}/fail?x=1`,
      'server.port': port,
      'http.response.status_code': 502,
    });
    expect(clientSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
    expect(parseTraceparent(receivedTraceparent)?.spanId).toBe(clientSpan.spanContext().spanId);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportTraceServiceRequestSchema } from '../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import { ExportResultCode } from '../../../src/export/span-exporter.js';
import { readOtlpEnvironment } from '../../../src/export/otlp/otlp-environment.js';
import { OTLPTraceExporter } from '../../../src/export/otlp/otlp-trace-exporter.js';
import { captureDiagEachTest } from '../../support/diag-capture.js';
import { environmentOf, withEnvironment } from '../../support/environment.js';
import { selfSignedCertificate } from '../../support/self-signed-certificate.js';
import { finishedSpan } from './span-fixtures.js';

// A real TLS receiver that requires a client certificate; the exporter gets its trust and its client
// identity only from OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE, _CLIENT_CERTIFICATE and _CLIENT_KEY.

let directory: string;
let server: Server;
let url: string;
const received: string[] = [];
const files: Record<string, string> = {};

beforeAll(async () => {
  const serverIdentity = selfSignedCertificate();
  const clientIdentity = selfSignedCertificate();
  const stranger = selfSignedCertificate();
  directory = mkdtempSync(join(tmpdir(), 'otelite-tls-env-'));
  for (const [name, content] of Object.entries({
    'server-ca.pem': serverIdentity.cert,
    'client-cert.pem': clientIdentity.cert,
    'client-key.pem': clientIdentity.key,
    'stranger-cert.pem': stranger.cert,
    'stranger-key.pem': stranger.key,
  })) {
    files[name] = join(directory, name);
    writeFileSync(files[name], content);
  }
  server = createHttpsServer(
    { key: serverIdentity.key, cert: serverIdentity.cert, ca: clientIdentity.cert, requestCert: true, rejectUnauthorized: true },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const decoded = fromBinary(ExportTraceServiceRequestSchema, Buffer.concat(chunks));
        received.push(
          ...decoded.resourceSpans.flatMap((group) => group.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name))),
        );
        response.setHeader('content-type', 'application/x-protobuf');
        response.end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

async function exportWith(variables: Record<string, string>, name: string): Promise<ExportResultCode> {
  const exporter = withEnvironment(
    { OTEL_EXPORTER_OTLP_ENDPOINT: url, ...variables },
    () => new OTLPTraceExporter({ retry: { maxAttempts: 1 }, timeoutMillis: 5000 }),
  );
  try {
    return (await exporter.export([finishedSpan({ name })])).code;
  } finally {
    await exporter.shutdown();
  }
}

describe('OTEL_EXPORTER_OTLP_*CERTIFICATE and *CLIENT_KEY', () => {
  const warnings = captureDiagEachTest();

  it('trust the receiver and present the client certificate it requires', async () => {
    const code = await exportWith(
      {
        OTEL_EXPORTER_OTLP_CERTIFICATE: files['server-ca.pem']!,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: files['client-cert.pem']!,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: files['client-key.pem']!,
      },
      'mutual-tls',
    );
    expect(code).toBe(ExportResultCode.SUCCESS);
    expect(received).toContain('mutual-tls');
  });

  it('fail without the client certificate, and without trusting the receiver', async () => {
    expect(await exportWith({ OTEL_EXPORTER_OTLP_CERTIFICATE: files['server-ca.pem']! }, 'no-client-cert')).toBe(ExportResultCode.FAILED);
    expect(
      await exportWith(
        { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: files['client-cert.pem']!, OTEL_EXPORTER_OTLP_CLIENT_KEY: files['client-key.pem']! },
        'untrusted-server',
      ),
    ).toBe(ExportResultCode.FAILED);
    expect(received).not.toContain('no-client-cert');
    expect(received).not.toContain('untrusted-server');
  });

  it('take the TRACES_ variables over the general ones', async () => {
    const code = await exportWith(
      {
        OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: files['server-ca.pem']!,
        OTEL_EXPORTER_OTLP_CERTIFICATE: files['stranger-cert.pem']!,
        OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: files['client-cert.pem']!,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: files['stranger-cert.pem']!,
        OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: files['client-key.pem']!,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: files['stranger-key.pem']!,
      },
      'traces-specific',
    );
    expect(code).toBe(ExportResultCode.SUCCESS);
    expect(received).toContain('traces-specific');
  });

  it('yield to the tls option, part by part', async () => {
    const { readFileSync } = await import('node:fs');
    const exporter = withEnvironment(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_EXPORTER_OTLP_CERTIFICATE: files['stranger-cert.pem']!,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: files['client-cert.pem']!,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: files['client-key.pem']!,
      },
      () => new OTLPTraceExporter({ retry: { maxAttempts: 1 }, tls: { ca: readFileSync(files['server-ca.pem']!, 'utf8') } }),
    );
    expect((await exporter.export([finishedSpan({ name: 'option-ca' })])).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
  });

  it('name an unreadable file once, without failing the application', async () => {
    const missing = join(directory, 'missing.pem');
    expect(
      await exportWith(
        {
          OTEL_EXPORTER_OTLP_CERTIFICATE: files['server-ca.pem']!,
          OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: missing,
          OTEL_EXPORTER_OTLP_CLIENT_KEY: files['client-key.pem']!,
        },
        'missing-file',
      ),
    ).toBe(ExportResultCode.FAILED);
    expect(warnings.join('\n')).toContain(`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE names "${missing}", which cannot be read (ENOENT)`);
  });

  it('are read as paths from the environment', () => {
    expect(
      readOtlpEnvironment(environmentOf({ OTEL_EXPORTER_OTLP_CERTIFICATE: '/a.pem', OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: '/k.pem' }))
        .tlsFiles,
    ).toEqual({
      ca: { path: '/a.pem', variable: 'OTEL_EXPORTER_OTLP_CERTIFICATE' },
      key: { path: '/k.pem', variable: 'OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY' },
    });
    expect(readOtlpEnvironment(environmentOf({})).tlsFiles).toBeUndefined();
  });
});

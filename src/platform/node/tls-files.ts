import { warnOnce } from '../../diagnostics/report.js';
import type { TlsFile, TlsFiles, TlsOptions } from '../../transport/http-transport.js';

/**
 * `tls` completed with the PEM files the environment names (`OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`,
 * `_CLIENT_CERTIFICATE`, `_CLIENT_KEY`), read now, for the parts `tls` does not give. A file that cannot
 * be read is left out with one warning naming the variable and the path (never the content); the
 * export then fails the TLS handshake and says so. `node:fs` is loaded only when a file is named.
 */
export function withTlsFiles(tls: TlsOptions | undefined, files: TlsFiles | undefined): TlsOptions | undefined {
  if (files === undefined) return tls;
  const read: { -readonly [K in keyof TlsFiles]: string } = {};
  for (const part of ['ca', 'cert', 'key'] as const) {
    const file = files[part];
    if (file === undefined) continue;
    const content = readPem(file);
    if (content !== undefined) read[part] = content;
  }
  return { ...read, ...tls };
}

function readPem(file: TlsFile): string | undefined {
  try {
    const { readFileSync } = process.getBuiltinModule('node:fs');
    return readFileSync(file.path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    warnOnce(`${file.variable} names "${file.path}", which cannot be read${typeof code === 'string' ? ` (${code})` : ''}; it is ignored.`);
    return undefined;
  }
}

import type { Attributes } from '@opentelemetry/api';
import { defaultPortOf } from '../../../../instrumentation/http/host-and-port.js';
import { redactUrl } from '../../../../instrumentation/http/redact.js';

/** The options of `http.request` that name where a request goes. */
interface TargetOptions {
  protocol?: unknown;
  hostname?: unknown;
  host?: unknown;
  port?: unknown;
  path?: unknown;
}

/**
 * The start attributes the semantic conventions ask for at a client span's creation (`url.full`,
 * `server.address`, `server.port`; the method is the caller's), for a span started before its
 * `ClientRequest` exists: read from the call's arguments (`(options)` or `(url, options)`) the way Node
 * combines them, so that a sampler's rules on them work for these requests too. `undefined` when they
 * cannot be told; the request's own values replace them once it exists.
 */
export function earlyRequestAttributes(args: readonly unknown[], optionsIndex: number, defaultProtocol: string): Attributes | undefined {
  try {
    const options = args[optionsIndex] as TargetOptions;
    let base: URL | undefined;
    if (optionsIndex === 1) {
      const first = args[0];
      if (typeof first !== 'string' && !(first instanceof URL)) return undefined;
      base = new URL(String(first));
    }
    const protocol = text(options.protocol) ?? base?.protocol ?? defaultProtocol;
    const host = text(options.hostname) ?? hostWithoutPort(text(options.host)) ?? base?.hostname ?? 'localhost';
    const portText = options.port === undefined || options.port === null ? base?.port || undefined : String(options.port);
    const port = portText === undefined ? defaultPortOf(protocol) : Number(portText);
    const path = text(options.path) ?? (base === undefined ? '/' : `${base.pathname}${base.search}`);
    const authority = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${portText === undefined ? '' : `:${portText}`}`;
    return {
      'url.full': redactUrl(`${protocol}//${authority}${path}`),
      'server.address': host,
      'server.port': Number.isInteger(port) ? port : defaultPortOf(protocol),
    };
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `host` as Node reads the `host` option: a name or address, without a `:port` (an IPv6 address keeps its colons). */
function hostWithoutPort(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const colon = host.indexOf(':');
  return colon !== -1 && host.indexOf(':', colon + 1) === -1 ? host.slice(0, colon) : host;
}

/**
 * Splitting `host[:port]` (a `Host` header, or the authority of an origin) without building a URL.
 * IPv6 literals keep their brackets in the input (`[::1]:8080`) and lose them in the address (`::1`).
 * The last split is remembered: a server sees the same `Host` header on almost every request.
 */

let lastHost: string | undefined;
let lastAddress = '';
/** The port in {@link lastHost}, or -1 when it has none (or an invalid one). */
let lastPort = -1;

function split(host: string): void {
  if (host === lastHost) return;
  let colon = host.lastIndexOf(':');
  // A colon inside brackets belongs to an IPv6 address.
  if (colon !== -1 && host.lastIndexOf(']') > colon) colon = -1;
  let address = colon === -1 ? host : host.slice(0, colon);
  if (address.charCodeAt(0) === 0x5b /* [ */ && address.endsWith(']')) address = address.slice(1, -1);
  let port = -1;
  if (colon !== -1 && colon < host.length - 1) {
    const value = Number(host.slice(colon + 1));
    if (Number.isInteger(value) && value >= 0 && value <= 65535) port = value;
  }
  lastHost = host;
  lastAddress = address;
  lastPort = port;
}

/**
 * The host part of `host`, brackets of an IPv6 literal removed.
 *
 * @example
 * ```ts
 * addressOf('example.com:8080'); // 'example.com'
 * addressOf('[::1]:3000'); // '::1'
 * ```
 */
export function addressOf(host: string): string {
  split(host);
  return lastAddress;
}

/**
 * The port in `host`, or `defaultPort` when there is none or it is not a valid port number.
 *
 * @example
 * ```ts
 * portOf('example.com:8080', 80); // 8080
 * portOf('example.com', 443); // 443
 * ```
 */
export function portOf(host: string, defaultPort: number): number {
  split(host);
  return lastPort === -1 ? defaultPort : lastPort;
}

/** The default port of `scheme` (`http`/`https`, with or without the trailing colon). */
export function defaultPortOf(scheme: string): number {
  return scheme === 'https' || scheme === 'https:' ? 443 : 80;
}

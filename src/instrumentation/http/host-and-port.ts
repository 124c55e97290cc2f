/**
 * Splitting `host[:port]` (a `Host` header, or the authority of an origin) without building a URL.
 * IPv6 literals keep their brackets in the input (`[::1]:8080`) and lose them in the address (`::1`).
 */

/** The index of the `:` that starts the port in `host`, or -1 when there is no port. */
function portColon(host: string): number {
  const colon = host.lastIndexOf(':');
  if (colon === -1) return -1;
  // A colon inside brackets belongs to an IPv6 address.
  const bracket = host.lastIndexOf(']');
  return bracket > colon ? -1 : colon;
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
  const colon = portColon(host);
  const address = colon === -1 ? host : host.slice(0, colon);
  return address.charCodeAt(0) === 0x5b /* [ */ && address.endsWith(']') ? address.slice(1, -1) : address;
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
  const colon = portColon(host);
  if (colon === -1 || colon === host.length - 1) return defaultPort;
  const port = Number(host.slice(colon + 1));
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : defaultPort;
}

/** The default port of `scheme` (`http`/`https`, with or without the trailing colon). */
export function defaultPortOf(scheme: string): number {
  return scheme === 'https' || scheme === 'https:' ? 443 : 80;
}

import type { Span } from '@opentelemetry/api';

/** A header to capture: the lower-case name to look up and the attribute name to record it under. */
export interface CapturedHeader {
  readonly name: string;
  readonly attribute: string;
}

/**
 * Recording the allow-listed headers (`captureRequestHeaders` / `captureResponseHeaders`) as
 * `http.{request,response}.header.<name>` string arrays, from the three shapes Node hands them over in.
 * Every function does nothing when the list is empty, which is the default.
 */

type HeaderValue = string | string[] | number | undefined;

function toStrings(value: HeaderValue): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Records headers from a lower-cased header record (`IncomingMessage.headers`). */
export function recordHeadersFromRecord(
  span: Span,
  captured: readonly CapturedHeader[],
  headers: Readonly<Record<string, HeaderValue>>,
): void {
  for (let i = 0; i < captured.length; i++) {
    const values = toStrings(headers[captured[i].name]);
    if (values !== undefined) span.setAttribute(captured[i].attribute, values);
  }
}

/** Records headers from a message with `getHeader` (`ServerResponse`, `ClientRequest`). */
export function recordHeadersFromMessage(
  span: Span,
  captured: readonly CapturedHeader[],
  message: { getHeader(name: string): HeaderValue },
): void {
  for (let i = 0; i < captured.length; i++) {
    const values = toStrings(message.getHeader(captured[i].name));
    if (values !== undefined) span.setAttribute(captured[i].attribute, values);
  }
}

/**
 * Records headers from undici's raw form: a flat `[name, value, name, value, ...]` array of strings or
 * buffers, or one `name: value\r\n...` string (older undici). Repeated headers give several values.
 */
export function recordHeadersFromRawList(span: Span, captured: readonly CapturedHeader[], raw: unknown): void {
  if (captured.length === 0) return;
  const found = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const lower = name.trim().toLowerCase();
    if (!captured.some((header) => header.name === lower)) return;
    const list = found.get(lower);
    if (list === undefined) found.set(lower, [value.trim()]);
    else list.push(value.trim());
  };
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) add(String(raw[i]), String(raw[i + 1]));
  } else if (typeof raw === 'string') {
    for (const line of raw.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) add(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  for (const header of captured) {
    const values = found.get(header.name);
    if (values !== undefined) span.setAttribute(header.attribute, values);
  }
}

/**
 * Parses a `key1=value1,key2=value2` list with percent-decoded keys and values, as
 * `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS` use. Returns `undefined` when any entry is
 * malformed. With `allowEqualsInValue: false` a raw `=` in a value is malformed too (the resource spec
 * requires it to be percent-encoded); by default it is kept, because header values such as base64
 * tokens end in unencoded `=` in practice. Linear in the input length; never throws.
 *
 * @example
 * ```ts
 * parseKeyValueList('service.version=1.2,team=a%20b'); // { 'service.version': '1.2', team: 'a b' }
 * ```
 */
export function parseKeyValueList(text: string, options: { allowEqualsInValue?: boolean } = {}): Record<string, string> | undefined {
  const allowEqualsInValue = options.allowEqualsInValue ?? true;
  const result: Record<string, string> = Object.create(null);
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const equals = entry.indexOf('=');
    if (equals <= 0) return undefined;
    if (!allowEqualsInValue && entry.indexOf('=', equals + 1) !== -1) return undefined;
    const key = percentDecode(entry.slice(0, equals).trim());
    const value = percentDecode(entry.slice(equals + 1).trim());
    if (key === undefined || key === '' || value === undefined) return undefined;
    result[key] = value;
  }
  return { ...result };
}

function percentDecode(text: string): string | undefined {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

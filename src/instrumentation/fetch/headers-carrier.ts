import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** Reads propagation fields from a web-standard `Headers`. */
export const HEADERS_GETTER: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => {
    const keys: string[] = [];
    carrier.forEach((_value, key) => keys.push(key));
    return keys;
  },
};

/** Writes propagation fields into a web-standard `Headers`. */
export const HEADERS_SETTER: TextMapSetter<Headers> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

import type { Attributes } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { EMPTY_OBJECT } from '../internal/frozen-empty.js';

/** The entity producing telemetry: a service, its process, its host. Immutable. */
export interface Resource {
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
}

/**
 * A resource holding `attributes` (invalid keys and values dropped with a warning; the input is
 * copied) and an optional schema URL.
 *
 * @example
 * ```ts
 * const resource = resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.4.2' });
 * ```
 */
export function resourceFromAttributes(attributes: Attributes, schemaUrl?: string): Resource {
  const kept: Attributes = {};
  if (attributes !== null && typeof attributes === 'object') {
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = attributes[key];
      if (key.length === 0 || !isResourceAttributeValue(value)) {
        warnOnce(`resource attribute "${key}" was dropped: not a string, number, boolean or array of those.`);
        continue;
      }
      if (key === '__proto__') {
        Object.defineProperty(kept, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        kept[key] = Array.isArray(value) ? value.slice() : value;
      }
    }
  }
  return typeof schemaUrl === 'string' && schemaUrl !== ''
    ? Object.freeze({ attributes: Object.freeze(kept), schemaUrl })
    : Object.freeze({ attributes: Object.freeze(kept) });
}

/**
 * A resource with no attributes.
 *
 * @example
 * ```ts
 * const provider = new TracerProvider({ resource: emptyResource() }); // still gets the default attributes
 * ```
 */
export function emptyResource(): Resource {
  return EMPTY_RESOURCE;
}

/**
 * `base` updated by `update`: the attributes of both, `update`'s winning on the same key. The schema
 * URL is whichever one is set; when both are set and differ (a merge conflict in the spec's terms),
 * `update`'s is kept and a warning is logged.
 *
 * @example
 * ```ts
 * const resource = mergeResources(defaultResource(), resourceFromAttributes({ 'service.name': 'checkout' }));
 * ```
 */
export function mergeResources(base: Resource | undefined, update: Resource | undefined): Resource {
  if (update === undefined || update === null) return base ?? EMPTY_RESOURCE;
  if (base === undefined || base === null) return update;
  const baseUrl = base.schemaUrl;
  const updateUrl = update.schemaUrl;
  let schemaUrl = updateUrl || baseUrl;
  if (baseUrl && updateUrl && baseUrl !== updateUrl) {
    warnOnce(`merging resources with different schema URLs (${baseUrl} and ${updateUrl}); keeping ${updateUrl}.`);
    schemaUrl = updateUrl;
  }
  const attributes = Object.freeze({ ...base.attributes, ...update.attributes });
  return schemaUrl ? Object.freeze({ attributes, schemaUrl }) : Object.freeze({ attributes });
}

const EMPTY_RESOURCE: Resource = Object.freeze({ attributes: EMPTY_OBJECT });

function isResourceAttributeValue(value: unknown): boolean {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (!Array.isArray(value)) return false;
  let elementType: string | undefined;
  for (const element of value) {
    if (element === null || element === undefined) continue;
    const t = typeof element;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
    if (elementType === undefined) elementType = t;
    else if (elementType !== t) return false;
  }
  return true;
}

import type { Resource } from '../../../resource/resource.js';
import type { InstrumentationScope } from '../../../trace/instrumentation-scope.js';

/**
 * The shape every OTLP encoding of a batch shares: spans grouped by resource (the same `Resource`
 * object gives one `ResourceSpans`), then by instrumentation scope (the same scope object gives one
 * `ScopeSpans`), both in order of first appearance. The binary encoder, the JSON encoder and the
 * message mapping each build their own group objects through the two callbacks; this class only does
 * the lookups, with a fast path for the long runs of one resource and scope batches mostly hold.
 *
 * @example
 * ```ts
 * const groups = new ResourceScopeGroups(
 *   (resource) => ({ resource, scopes: [] as { scope: InstrumentationScope; spans: FinishedSpan[] }[] }),
 *   (group, scope) => { const entry = { scope, spans: [] }; group.scopes.push(entry); return entry; },
 * );
 * for (const span of spans) groups.scopeGroup(span.resource, span.instrumentationScope).spans.push(span);
 * console.log(groups.resources.length);
 * ```
 */
export class ResourceScopeGroups<ResourceGroup, ScopeGroup> {
  /** The resource groups, in order of first appearance. */
  readonly resources: ResourceGroup[] = [];
  readonly #createResourceGroup: (resource: Resource) => ResourceGroup;
  readonly #createScopeGroup: (resourceGroup: ResourceGroup, scope: InstrumentationScope) => ScopeGroup;
  readonly #byResource = new Map<Resource, { group: ResourceGroup; byScope: Map<InstrumentationScope, ScopeGroup> }>();
  #lastResource: Resource | undefined;
  #lastScope: InstrumentationScope | undefined;
  #lastGroup: ScopeGroup | undefined;

  /**
   * @param createResourceGroup - called once per distinct resource, on first sight.
   * @param createScopeGroup - called once per distinct scope of a resource, on first sight; adds the
   *   new scope group to its resource group (in the order the caller wants, usually appended).
   */
  constructor(
    createResourceGroup: (resource: Resource) => ResourceGroup,
    createScopeGroup: (resourceGroup: ResourceGroup, scope: InstrumentationScope) => ScopeGroup,
  ) {
    this.#createResourceGroup = createResourceGroup;
    this.#createScopeGroup = createScopeGroup;
  }

  /** The scope group of `resource` and `scope`, created (with its resource group) on first sight. */
  scopeGroup(resource: Resource, scope: InstrumentationScope): ScopeGroup {
    if (resource === this.#lastResource && scope === this.#lastScope && this.#lastGroup !== undefined) return this.#lastGroup;
    let entry = this.#byResource.get(resource);
    if (entry === undefined) {
      entry = { group: this.#createResourceGroup(resource), byScope: new Map() };
      this.#byResource.set(resource, entry);
      this.resources.push(entry.group);
    }
    let group = entry.byScope.get(scope);
    if (group === undefined) {
      group = this.#createScopeGroup(entry.group, scope);
      entry.byScope.set(scope, group);
    }
    this.#lastResource = resource;
    this.#lastScope = scope;
    this.#lastGroup = group;
    return group;
  }
}

/**
 * A function that builds a value once per resource or scope object (by identity, held weakly, so a
 * dropped resource takes its cached value with it) and returns the cached value afterwards.
 *
 * @example
 * ```ts
 * const resourceJson = cachePerObject((resource: Resource) => JSON.stringify(resource.attributes));
 * resourceJson(span.resource); // built once, then reused for every batch
 * ```
 */
export function cachePerObject<Key extends object, Value>(build: (key: Key) => Value): (key: Key) => Value {
  const cache = new WeakMap<Key, Value>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = build(key);
      cache.set(key, value);
    }
    return value;
  };
}

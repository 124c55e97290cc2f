import { describe, expect, it } from 'vitest';
import { cachePerObject, ResourceScopeGroups } from '../../../../src/export/otlp/encoding/resource-scope-groups.js';
import type { Resource } from '../../../../src/resource/resource.js';
import type { InstrumentationScope } from '../../../../src/trace/instrumentation-scope.js';

describe('ResourceScopeGroups', () => {
  it('groups by resource, then scope, by identity, in order of first appearance, creating each group once', () => {
    const created: string[] = [];
    const groups = new ResourceScopeGroups(
      (resource: Resource) => {
        created.push(`resource ${String(resource.attributes.name)}`);
        return { name: String(resource.attributes.name), scopes: [] as { name: string; items: number[] }[] };
      },
      (resourceGroup, scope: InstrumentationScope) => {
        created.push(`scope ${resourceGroup.name}/${scope.name}`);
        const group = { name: scope.name, items: [] as number[] };
        resourceGroup.scopes.push(group);
        return group;
      },
    );
    const a: Resource = { attributes: { name: 'a' } };
    const b: Resource = { attributes: { name: 'b' } };
    const lookalike: Resource = { attributes: { name: 'a' } }; // equal content, another object: another group
    const one: InstrumentationScope = { name: 'one' };
    const two: InstrumentationScope = { name: 'two' };
    const sequence: [Resource, InstrumentationScope][] = [
      [a, one],
      [a, one],
      [b, two],
      [a, two],
      [lookalike, one],
      [b, two],
      [a, one],
    ];
    sequence.forEach(([resource, scope], i) => groups.scopeGroup(resource, scope).items.push(i));
    expect(groups.resources.map((r) => [r.name, r.scopes.map((s) => [s.name, s.items])])).toEqual([
      [
        'a',
        [
          ['one', [0, 1, 6]],
          ['two', [3]],
        ],
      ],
      ['b', [['two', [2, 5]]]],
      ['a', [['one', [4]]]],
    ]);
    expect(created).toEqual(['resource a', 'scope a/one', 'resource b', 'scope b/two', 'scope a/two', 'resource a', 'scope a/one']);
  });
});

describe('cachePerObject', () => {
  it('builds once per object and returns the cached value afterwards', () => {
    let builds = 0;
    const size = cachePerObject((resource: Resource) => {
      builds++;
      return Object.keys(resource.attributes).length;
    });
    const resource: Resource = { attributes: { x: 1, y: 2 } };
    expect([size(resource), size(resource), size({ attributes: {} })]).toEqual([2, 2, 0]);
    expect(builds).toBe(2);
  });
});

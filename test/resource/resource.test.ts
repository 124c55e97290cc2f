import { describe, expect, it } from 'vitest';
import { emptyResource, mergeResources, resourceFromAttributes } from '../../src/index.js';
import { captureDiagEachTest } from '../support/diag-capture.js';

const warnings = captureDiagEachTest();

describe('resourceFromAttributes', () => {
  it('copies valid attributes, freezes the result and keeps the schema URL', () => {
    const input = { 'service.name': 'checkout', port: 8080, on: true, tags: ['a', 'b'] };
    const resource = resourceFromAttributes(input, 'https://opentelemetry.io/schemas/1.30.0');
    input.port = 1;
    input.tags.push('c');
    expect(resource.attributes).toEqual({ 'service.name': 'checkout', port: 8080, on: true, tags: ['a', 'b'] });
    expect(resource.schemaUrl).toBe('https://opentelemetry.io/schemas/1.30.0');
    expect(Object.isFrozen(resource)).toBe(true);
    expect(Object.isFrozen(resource.attributes)).toBe(true);
    expect(resourceFromAttributes({}).schemaUrl).toBeUndefined();
  });

  it('drops invalid values with a warning and never throws', () => {
    const resource = resourceFromAttributes({
      good: 'yes',
      nothing: undefined,
      object: { nested: true },
      mixed: [1, 'two'],
    } as never);
    expect(resource.attributes).toEqual({ good: 'yes' });
    expect(warnings.some((message) => message.includes('"object"'))).toBe(true);
    expect(() => resourceFromAttributes(null as never)).not.toThrow();
    expect(resourceFromAttributes(null as never).attributes).toEqual({});
  });
});

describe('mergeResources', () => {
  it('lets the second resource win on shared keys', () => {
    const merged = mergeResources(
      resourceFromAttributes({ 'service.name': 'old', 'host.name': 'h' }),
      resourceFromAttributes({ 'service.name': 'new', 'service.version': '2' }),
    );
    expect(merged.attributes).toEqual({ 'service.name': 'new', 'host.name': 'h', 'service.version': '2' });
  });

  it('keeps whichever schema URL is set, and the updating one on a conflict, with a warning', () => {
    const a = resourceFromAttributes({}, 'https://example.com/a');
    const b = resourceFromAttributes({}, 'https://example.com/b');
    const none = emptyResource();
    expect(mergeResources(a, none).schemaUrl).toBe('https://example.com/a');
    expect(mergeResources(none, b).schemaUrl).toBe('https://example.com/b');
    expect(mergeResources(a, a).schemaUrl).toBe('https://example.com/a');
    expect(mergeResources(a, b).schemaUrl).toBe('https://example.com/b');
    expect(warnings.some((message) => message.includes('different schema URLs'))).toBe(true);
  });

  it('treats a missing resource as empty', () => {
    const a = resourceFromAttributes({ k: 'v' });
    expect(mergeResources(a, undefined)).toBe(a);
    expect(mergeResources(undefined, a)).toBe(a);
    expect(mergeResources(undefined, undefined).attributes).toEqual({});
  });
});

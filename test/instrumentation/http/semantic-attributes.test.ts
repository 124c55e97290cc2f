import { describe, expect, it } from 'vitest';
import { normalizeMethod, spanNameForMethod } from '../../../src/instrumentation/http/semantic-attributes.js';

describe('normalizeMethod', () => {
  it('keeps known methods, upper-cases known ones in another case, and calls the rest _OTHER', () => {
    expect(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'].map(normalizeMethod)).toEqual([
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'DELETE',
      'CONNECT',
      'OPTIONS',
      'TRACE',
      'PATCH',
    ]);
    expect(normalizeMethod('get')).toBe('GET');
    expect(normalizeMethod('PURGE')).toBe('_OTHER');
    expect(spanNameForMethod('_OTHER')).toBe('HTTP');
    expect(spanNameForMethod('GET')).toBe('GET');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileWildcard, matchesWildcard } from '../../src/sampling/wildcard-pattern.js';

/** The same semantics through a regular expression: the test oracle. */
function oracle(pattern: string, value: string): boolean {
  const source = [...pattern]
    .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(value);
}

describe('wildcard patterns', () => {
  it('matches the documented shapes', () => {
    expect(compileWildcard('/health')('/health')).toBe(true);
    expect(compileWildcard('/health')('/healthz')).toBe(false);
    expect(compileWildcard('/health*')('/health')).toBe(true);
    expect(compileWildcard('/health*')('/healthz/live')).toBe(true);
    expect(compileWildcard('*.css')('/a/b.css')).toBe(true);
    expect(compileWildcard('*.css')('/a/b.cs')).toBe(false);
    expect(compileWildcard('/v?/users')('/v2/users')).toBe(true);
    expect(compileWildcard('/v?/users')('/v10/users')).toBe(false);
    expect(compileWildcard('*')('')).toBe(true);
    expect(compileWildcard('a*b*c')('axxbyyc')).toBe(true);
    expect(compileWildcard('a*b*c')('axxbyy')).toBe(false);
    expect(compileWildcard('?')('')).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(compileWildcard('/Health*')('/health')).toBe(false);
    expect(compileWildcard('GET')('get')).toBe(false);
  });

  it('agrees with a regular expression oracle', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '/');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }),
        fc.array(fc.constantFrom('a', 'b', '.', '/', '*', '?'), { maxLength: 10 }),
        (p, v) => {
          const pattern = p.join('');
          const value = v.join('');
          expect(compileWildcard(pattern)(value)).toBe(oracle(pattern, value));
          expect(matchesWildcard(pattern, value)).toBe(oracle(pattern, value));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('stays linear-ish on a hostile pattern and value', () => {
    const pattern = `${'*a'.repeat(50)}b`;
    const value = 'a'.repeat(5000);
    expect(matchesWildcard(pattern, value)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { RandomIdGenerator } from '../../src/index.js';

describe('RandomIdGenerator', () => {
  it('makes lowercase hex ids of the right length that are never all zero', () => {
    const generator = new RandomIdGenerator();
    // Enough draws to cross several refills of the pooled buffer.
    for (let i = 0; i < 5000; i++) {
      const traceId = generator.generateTraceId();
      const spanId = generator.generateSpanId();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(traceId).not.toBe('0'.repeat(32));
      expect(spanId).not.toBe('0'.repeat(16));
    }
  });

  it('does not repeat ids and uses every hex digit in every position', () => {
    const generator = new RandomIdGenerator();
    const seen = new Set<string>();
    const digitsByPosition = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 4000; i++) {
      const id = generator.generateTraceId();
      seen.add(id);
      for (let position = 0; position < 32; position++) digitsByPosition[position].add(id[position]);
    }
    expect(seen.size).toBe(4000);
    for (const digits of digitsByPosition) expect(digits.size).toBe(16);
  });

  it('keeps separate generators independent', () => {
    const a = new RandomIdGenerator();
    const b = new RandomIdGenerator();
    expect(a.generateSpanId()).not.toBe(b.generateSpanId());
  });
});

import { ROOT_CONTEXT, SpanKind, type Attributes, type Context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { composableAlwaysOff } from '../../src/sampling/composable-always-off.js';
import { composableAlwaysOn } from '../../src/sampling/composable-always-on.js';
import { composableParentThreshold } from '../../src/sampling/composable-parent-threshold.js';
import { composableProbability } from '../../src/sampling/composable-probability.js';
import { composableRuleBased, type ComposableRule } from '../../src/sampling/composable-rule-based.js';
import type { ComposableSampler } from '../../src/sampling/composable-sampler.js';
import { CompositeSampler } from '../../src/sampling/composite.js';
import { readsNoAttributes } from '../../src/sampling/reads-no-attributes.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { captureWarnings, contextWithParent, randomTraceId, traceIdWithRandomness } from './sampling-test-helpers.js';

const SAMPLED = SamplingDecision.RECORD_AND_SAMPLED;
const DROPPED = SamplingDecision.NOT_RECORD;

/** A composable that samples everything and marks the span with `name`, to see which rule decided. */
function named(name: string): ComposableSampler {
  return {
    getSamplingIntent: () => ({ threshold: '0', thresholdReliable: true, getAttributes: () => ({ rule: name }) }),
    toString: () => name,
  };
}

function ruleThatDecided(
  rules: readonly ComposableRule[],
  attributes: Attributes,
  kind: SpanKind = SpanKind.SERVER,
  context: Context = ROOT_CONTEXT,
): string | undefined {
  const result = new CompositeSampler(composableRuleBased(rules)).shouldSample(context, randomTraceId(), 'span', kind, attributes, []);
  return result.decision === SAMPLED ? String(result.attributes?.rule) : undefined;
}

describe('composableRuleBased', () => {
  it('takes the first matching rule in order; no match is not sampled', () => {
    const rules: ComposableRule[] = [
      { attributeValues: { key: 'url.path', values: ['/health', '/ready'] }, sampler: named('health') },
      { attributeValues: { key: 'url.path', values: ['/health', '/checkout'] }, sampler: named('second') },
      { spanKinds: ['client'], sampler: named('client') },
    ];
    expect(ruleThatDecided(rules, { 'url.path': '/health' })).toBe('health');
    expect(ruleThatDecided(rules, { 'url.path': '/ready' })).toBe('health');
    expect(ruleThatDecided(rules, { 'url.path': '/checkout' })).toBe('second');
    expect(ruleThatDecided(rules, { 'url.path': '/other' }, SpanKind.CLIENT)).toBe('client');
    expect(ruleThatDecided(rules, { 'url.path': '/other' })).toBeUndefined();
    expect(ruleThatDecided(rules, {})).toBeUndefined();
  });

  it('a rule without conditions matches every span that reaches it', () => {
    expect(ruleThatDecided([{ sampler: named('all') }], {})).toBe('all');
  });

  it('needs all conditions of a rule to match', () => {
    const rules: ComposableRule[] = [
      {
        attributeValues: { key: 'http.request.method', values: ['GET'] },
        attributePatterns: { key: 'url.path', included: ['/api/*'] },
        spanKinds: [SpanKind.SERVER],
        parent: ['none'],
        sampler: named('all-four'),
      },
    ];
    const attributes = { 'http.request.method': 'GET', 'url.path': '/api/users' };
    expect(ruleThatDecided(rules, attributes)).toBe('all-four');
    expect(ruleThatDecided(rules, { ...attributes, 'http.request.method': 'POST' })).toBeUndefined();
    expect(ruleThatDecided(rules, { ...attributes, 'url.path': '/web' })).toBeUndefined();
    expect(ruleThatDecided(rules, attributes, SpanKind.CLIENT)).toBeUndefined();
    expect(ruleThatDecided(rules, attributes, SpanKind.SERVER, contextWithParent({ sampled: true, remote: true }))).toBeUndefined();
  });

  it('matches patterns with * and ?, excluded winning over included', () => {
    const rules: ComposableRule[] = [
      { attributePatterns: { key: 'url.path', included: ['/health*', '/v?/ready'], excluded: ['/healthz/deep'] }, sampler: named('probe') },
      { attributePatterns: { key: 'url.path', excluded: ['/internal/*'] }, sampler: named('public') },
    ];
    expect(ruleThatDecided(rules, { 'url.path': '/health' })).toBe('probe');
    expect(ruleThatDecided(rules, { 'url.path': '/healthz' })).toBe('probe');
    expect(ruleThatDecided(rules, { 'url.path': '/v1/ready' })).toBe('probe');
    expect(ruleThatDecided(rules, { 'url.path': '/v12/ready' })).toBe('public');
    expect(ruleThatDecided(rules, { 'url.path': '/healthz/deep' })).toBe('public');
    expect(ruleThatDecided(rules, { 'url.path': '/Health' })).toBe('public'); // case-sensitive
    expect(ruleThatDecided(rules, { 'url.path': '/internal/x' })).toBeUndefined();
    expect(ruleThatDecided(rules, {})).toBeUndefined(); // an absent attribute matches no pattern
  });

  it('compares non-string values in their string form, and any item of an array', () => {
    const rules: ComposableRule[] = [
      { attributeValues: { key: 'http.response.status_code', values: ['404'] }, sampler: named('404') },
      { attributePatterns: { key: 'http.response.status_code', included: ['5*'] }, sampler: named('5xx') },
      { attributeValues: { key: 'flag', values: ['true'] }, sampler: named('flag') },
      { attributeValues: { key: 'tags', values: ['b'] }, sampler: named('tags') },
    ];
    expect(ruleThatDecided(rules, { 'http.response.status_code': 404 })).toBe('404');
    expect(ruleThatDecided(rules, { 'http.response.status_code': 503 })).toBe('5xx');
    expect(ruleThatDecided(rules, { flag: true })).toBe('flag');
    expect(ruleThatDecided(rules, { tags: ['a', 'b'] })).toBe('tags');
    expect(ruleThatDecided(rules, { tags: ['a', 'c'] })).toBeUndefined();
  });

  it('matches the parent: none, remote, local', () => {
    const rules: ComposableRule[] = [
      { parent: ['none'], sampler: named('root') },
      { parent: ['remote'], sampler: named('remote') },
      { parent: ['local'], sampler: named('local') },
    ];
    expect(ruleThatDecided(rules, {})).toBe('root');
    expect(ruleThatDecided(rules, {}, SpanKind.SERVER, contextWithParent({ sampled: false, remote: true }))).toBe('remote');
    expect(ruleThatDecided(rules, {}, SpanKind.SERVER, contextWithParent({ sampled: false, remote: false }))).toBe('local');
  });

  it('accepts span kinds by name or SpanKind value', () => {
    const rules: ComposableRule[] = [{ spanKinds: ['producer', SpanKind.CONSUMER], sampler: named('messaging') }];
    expect(ruleThatDecided(rules, {}, SpanKind.PRODUCER)).toBe('messaging');
    expect(ruleThatDecided(rules, {}, SpanKind.CONSUMER)).toBe('messaging');
    expect(ruleThatDecided(rules, {}, SpanKind.INTERNAL)).toBeUndefined();
  });

  it('carries the matched sampler probability into th', () => {
    const sampler = new CompositeSampler(
      composableParentThreshold(
        composableRuleBased([
          { attributeValues: { key: 'url.path', values: ['/health'] }, sampler: composableAlwaysOff() },
          { sampler: composableProbability(0.25) },
        ]),
      ),
    );
    const traceId = traceIdWithRandomness('d0000000000000');
    const health = sampler.shouldSample(ROOT_CONTEXT, traceId, 'GET', SpanKind.SERVER, { 'url.path': '/health' }, []);
    expect(health.decision).toBe(DROPPED);
    const other = sampler.shouldSample(ROOT_CONTEXT, traceId, 'GET', SpanKind.SERVER, { 'url.path': '/cart' }, []);
    expect(other.decision).toBe(SAMPLED);
    expect(other.traceState?.serialize()).toBe('ot=th:c');
    // A child follows the parent, whatever its path.
    const child = sampler.shouldSample(
      contextWithParent({ sampled: true, remote: true, traceId, traceFlags: 3, traceState: 'ot=th:c' }),
      traceId,
      'GET',
      SpanKind.SERVER,
      { 'url.path': '/health' },
      [],
    );
    expect(child.decision).toBe(SAMPLED);
  });

  it('leaves out malformed rules, one warning each, and keeps the others in order', () => {
    let sampler: ComposableSampler | undefined;
    const warnings = captureWarnings(() => {
      sampler = composableRuleBased([
        { attributeValues: { key: 'url.path', values: '/x' as unknown as string[] }, sampler: named('bad-values') },
        { spanKinds: ['server', 'weird' as 'server'], sampler: named('bad-kind') },
        { parent: ['elsewhere' as 'none'], sampler: named('bad-parent') },
        { attributePatterns: { key: 1 as unknown as string }, sampler: named('bad-key') },
        { sampler: undefined as unknown as ComposableSampler },
        null as unknown as ComposableRule,
        { sampler: named('good') },
      ]);
    });
    expect(warnings).toHaveLength(6);
    expect(warnings[1]).toMatch(/rule 1 has an unknown span kind "weird"/);
    expect(String(sampler)).toBe('ComposableRuleBased{[* → good]}');
    expect(ruleThatDecided([{ sampler: named('good') }], {})).toBe('good');
  });

  it('samples nothing without rules', () => {
    expect(ruleThatDecided([], { 'url.path': '/' })).toBeUndefined();
    const warnings = captureWarnings(() => {
      expect(ruleThatDecided(undefined as unknown as ComposableRule[], {})).toBeUndefined();
    });
    expect(warnings).toHaveLength(1);
  });

  it('describes its rules', () => {
    expect(
      String(
        composableRuleBased([
          { attributeValues: { key: 'url.path', values: ['/a', '/b'] }, spanKinds: ['server'], sampler: composableAlwaysOff() },
          {
            attributePatterns: { key: 'url.path', included: ['/x*'], excluded: ['/xy'] },
            parent: ['remote'],
            sampler: composableAlwaysOn(),
          },
        ]),
      ),
    ).toBe(
      'ComposableRuleBased{[url.path in [/a, /b] and kind in [server] → ComposableAlwaysOff, url.path ~ [/x*] not [/xy] and parent in [remote] → ComposableAlwaysOn]}',
    );
  });

  it('reads no attributes only when no rule has an attribute condition', () => {
    expect(
      readsNoAttributes(
        new CompositeSampler(composableRuleBased([{ spanKinds: ['server'], parent: ['none'], sampler: composableAlwaysOn() }])),
      ),
    ).toBe(true);
    expect(
      readsNoAttributes(
        new CompositeSampler(composableRuleBased([{ attributeValues: { key: 'url.path', values: ['/'] }, sampler: composableAlwaysOn() }])),
      ),
    ).toBe(false);
    expect(readsNoAttributes(new CompositeSampler(composableRuleBased([{ sampler: named('custom') }])))).toBe(false);
  });
});

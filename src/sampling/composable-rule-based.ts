import { SpanKind, type Attributes, type AttributeValue, type Context, type Link, type SpanContext } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import {
  composableReadsNoAttributes,
  DROP_INTENT,
  isComposableSampler,
  markComposableAttributeFree,
  type ComposableSampler,
  type SamplingIntent,
} from './composable-sampler.js';
import { compileWildcard, type WildcardMatcher } from './wildcard-pattern.js';

/** Where a span's parent is, as a rule's `parent` condition names it: no parent, another process, this one. */
export type ComposableSpanParent = 'none' | 'remote' | 'local';

/** A span kind as the configuration file names it. */
export type ComposableSpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** A rule condition on one attribute's value: matches when it equals one of `values`. */
export interface ComposableRuleAttributeValues {
  /** The attribute key, e.g. `url.path`. */
  readonly key: string;
  /**
   * The values that match. A non-string attribute is compared in its string form (`'404'` matches the
   * number 404, `'true'` the boolean); an array attribute matches when any of its items does.
   */
  readonly values: readonly string[];
}

/**
 * A rule condition on one attribute's value by wildcard patterns (`*` any characters including none,
 * `?` exactly one; case-sensitive; no escape): matches when the value matches one of `included` (any
 * value when `included` is absent) and none of `excluded`. Values are compared as in
 * {@link ComposableRuleAttributeValues}.
 */
export interface ComposableRuleAttributePatterns {
  /** The attribute key, e.g. `url.path`. */
  readonly key: string;
  /** Patterns of values to include; absent: every value is included. */
  readonly included?: readonly string[];
  /** Patterns of values to exclude; they win over `included`. */
  readonly excluded?: readonly string[];
}

/**
 * One rule of {@link composableRuleBased}: its conditions, all of which must match (a rule without
 * conditions matches every span that reaches it), and the composable sampler that decides the spans it
 * matches. The shape mirrors the `rule_based` rules of the configuration file (`attribute_values`,
 * `attribute_patterns`, `span_kinds`, `parent`, `sampler`), in camelCase.
 */
export interface ComposableRule {
  /** Matches when the attribute has one of the values. */
  readonly attributeValues?: ComposableRuleAttributeValues;
  /** Matches when the attribute's value matches the patterns. */
  readonly attributePatterns?: ComposableRuleAttributePatterns;
  /** Matches when the span's kind is one of these (names as in the file, or `SpanKind` values). */
  readonly spanKinds?: readonly (ComposableSpanKindName | SpanKind)[];
  /** Matches when the span's parent is one of these. */
  readonly parent?: readonly ComposableSpanParent[];
  /** Decides the spans the rule matches. */
  readonly sampler: ComposableSampler;
}

const SPAN_KIND_NAMES: Readonly<Record<string, SpanKind>> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

const PARENT_NONE = 1;
const PARENT_REMOTE = 2;
const PARENT_LOCAL = 4;
const PARENT_BITS: Readonly<Record<string, number>> = { none: PARENT_NONE, remote: PARENT_REMOTE, local: PARENT_LOCAL };

/** A test on one attribute value (already in string form). */
type ValueTest = (value: string) => boolean;

/** A rule, validated and compiled. */
interface CompiledRule {
  /** The attribute to test, or undefined when the rule has no attribute condition. */
  readonly valuesKey: string | undefined;
  readonly valuesTest: ValueTest | undefined;
  readonly patternsKey: string | undefined;
  readonly patternsTest: ValueTest | undefined;
  /** Bit `1 << kind` for each kind that matches; undefined: any kind. */
  readonly kinds: number | undefined;
  /** {@link PARENT_NONE} | ... bits; undefined: any parent. */
  readonly parents: number | undefined;
  readonly sampler: ComposableSampler;
  readonly description: string;
}

class ComposableRuleBased implements ComposableSampler {
  readonly #rules: readonly CompiledRule[];

  constructor(rules: readonly CompiledRule[]) {
    this.#rules = rules;
  }

  getSamplingIntent(
    context: Context,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
    parent: SpanContext | undefined,
    parentThreshold: string | undefined,
  ): SamplingIntent {
    const rules = this.#rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.kinds !== undefined && (rule.kinds & (1 << spanKind)) === 0) continue;
      if (rule.parents !== undefined) {
        const where = parent === undefined ? PARENT_NONE : parent.isRemote ? PARENT_REMOTE : PARENT_LOCAL;
        if ((rule.parents & where) === 0) continue;
      }
      if (rule.valuesTest !== undefined && !attributeMatches(attributes, rule.valuesKey!, rule.valuesTest)) continue;
      if (rule.patternsTest !== undefined && !attributeMatches(attributes, rule.patternsKey!, rule.patternsTest)) continue;
      return rule.sampler.getSamplingIntent(context, spanName, spanKind, attributes, links, parent, parentThreshold);
    }
    return DROP_INTENT;
  }

  toString(): string {
    return `ComposableRuleBased{[${this.#rules.map((rule) => rule.description).join(', ')}]}`;
  }
}

/** Whether the attribute `key` of `attributes` (or, for an array, one of its items) passes `test`. */
function attributeMatches(attributes: Attributes, key: string, test: ValueTest): boolean {
  const value: AttributeValue | undefined = attributes?.[key];
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== undefined && item !== null && test(typeof item === 'string' ? item : String(item))) return true;
    }
    return false;
  }
  return test(String(value));
}

/**
 * The spec's `ComposableRuleBased`: the first rule (in the given order) whose conditions all match the
 * span decides it, through its sampler's intent; when no rule matches, the span is not sampled. The
 * conditions (see {@link ComposableRule}) read the span's start attributes, kind and parent, never the
 * trace id, so the sampling stays consistent.
 *
 * The rules are checked once, here: a rule that is not an object, has no composable `sampler`, or has a
 * malformed condition (a key that is not a string, values or patterns that are not strings, an unknown
 * span kind or parent) is left out, with one warning naming it. No rules: nothing is sampled.
 * Patterns are compiled once; matching uses no regular expression. When no rule reads attributes and
 * every rule's sampler reads none, the HTTP instrumentations build no attributes for spans it drops.
 *
 * The description is `ComposableRuleBased{[<rule>, ...]}`.
 *
 * @example
 * ```ts
 * const sampler = new CompositeSampler(
 *   composableParentThreshold(
 *     composableRuleBased([
 *       { attributePatterns: { key: 'url.path', included: ['/health*', '/ready'] }, sampler: composableAlwaysOff() },
 *       { spanKinds: ['server'], attributeValues: { key: 'url.path', values: ['/checkout'] }, sampler: composableAlwaysOn() },
 *       { sampler: composableProbability(0.1) },
 *     ]),
 *   ),
 * );
 * ```
 */
export function composableRuleBased(rules: readonly ComposableRule[]): ComposableSampler {
  const compiled: CompiledRule[] = [];
  if (!Array.isArray(rules)) {
    warnOnce('composableRuleBased: the rules are not an array; no span will be sampled.');
  } else {
    for (let i = 0; i < rules.length; i++) {
      const rule = compileRule(rules[i], i);
      if (rule !== undefined) compiled.push(rule);
    }
  }
  const sampler = Object.freeze(new ComposableRuleBased(Object.freeze(compiled)));
  if (
    compiled.every((rule) => rule.valuesTest === undefined && rule.patternsTest === undefined && composableReadsNoAttributes(rule.sampler))
  ) {
    markComposableAttributeFree(sampler);
  }
  return sampler;
}

function compileRule(rule: ComposableRule | undefined, index: number): CompiledRule | undefined {
  const leftOut = (why: string): undefined => {
    warnOnce(`composableRuleBased: rule ${index} ${why}; the rule is left out.`);
    return undefined;
  };
  if (typeof rule !== 'object' || rule === null) return leftOut('is not an object');
  const sampler = rule.sampler;
  if (!isComposableSampler(sampler)) return leftOut('has no composable sampler');
  const parts: string[] = [];

  let valuesKey: string | undefined;
  let valuesTest: ValueTest | undefined;
  const values = rule.attributeValues;
  if (values !== undefined) {
    if (typeof values?.key !== 'string' || !isStringArray(values.values)) {
      return leftOut('has attributeValues without a string key and an array of string values');
    }
    const set = new Set(values.values);
    valuesKey = values.key;
    valuesTest = (value) => set.has(value);
    parts.push(`${values.key} in [${values.values.join(', ')}]`);
  }

  let patternsKey: string | undefined;
  let patternsTest: ValueTest | undefined;
  const patterns = rule.attributePatterns;
  if (patterns !== undefined) {
    const { key, included, excluded } = patterns ?? {};
    if (
      typeof key !== 'string' ||
      (included !== undefined && !isStringArray(included)) ||
      (excluded !== undefined && !isStringArray(excluded))
    ) {
      return leftOut('has attributePatterns without a string key, or with included/excluded that are not arrays of strings');
    }
    const includes = included?.map(compileWildcard);
    const excludes = excluded?.map(compileWildcard) ?? [];
    patternsKey = key;
    patternsTest = (value) => (includes === undefined || anyMatches(includes, value)) && !anyMatches(excludes, value);
    const includedText = included === undefined ? '*' : `[${included.join(', ')}]`;
    const excludedText = excluded === undefined ? '' : ` not [${excluded.join(', ')}]`;
    parts.push(`${key} ~ ${includedText}${excludedText}`);
  }

  let kinds: number | undefined;
  if (rule.spanKinds !== undefined) {
    if (!Array.isArray(rule.spanKinds)) return leftOut('has spanKinds that are not an array');
    kinds = 0;
    for (const kind of rule.spanKinds) {
      const value = typeof kind === 'string' ? SPAN_KIND_NAMES[kind.toLowerCase()] : kind;
      if (typeof value !== 'number' || !(value in SpanKind)) return leftOut(`has an unknown span kind ${JSON.stringify(kind)}`);
      kinds |= 1 << value;
    }
    parts.push(`kind in [${rule.spanKinds.join(', ')}]`);
  }

  let parents: number | undefined;
  if (rule.parent !== undefined) {
    if (!Array.isArray(rule.parent)) return leftOut('has a parent condition that is not an array');
    parents = 0;
    for (const where of rule.parent) {
      const bit = typeof where === 'string' ? PARENT_BITS[where.toLowerCase()] : undefined;
      if (bit === undefined) return leftOut(`has an unknown parent ${JSON.stringify(where)} (expected none, remote or local)`);
      parents |= bit;
    }
    parts.push(`parent in [${rule.parent.join(', ')}]`);
  }

  const conditions = parts.length === 0 ? '*' : parts.join(' and ');
  return Object.freeze({
    valuesKey,
    valuesTest,
    patternsKey,
    patternsTest,
    kinds,
    parents,
    sampler,
    description: `${conditions} → ${sampler}`,
  });
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function anyMatches(matchers: readonly WildcardMatcher[], value: string): boolean {
  for (let i = 0; i < matchers.length; i++) if (matchers[i]!(value)) return true;
  return false;
}

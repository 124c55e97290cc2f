import type * as Model from '../../gen/opentelemetry-configuration/model.js';
import type { Path } from '../../gen/opentelemetry-configuration/validate.js';
import type { SpanExporter } from '../export/span-exporter.js';
import type { SpanProcessor } from '../trace/span-processor.js';
import type { ComposableRule } from '../sampling/composable-rule-based.js';
import type { ComposableSampler } from '../sampling/composable-sampler.js';
import type { Sampler } from '../sampling/sampler.js';
import { ConfigurationError, type ConfigurationContext } from './configuration-context.js';

/** The file key of the keep-traces tail processor under `tracer_provider.processors` (a named custom processor). */
export const KEEP_TRACES_PROCESSOR_KEY = 'otelite_keep_traces/development';

/**
 * `composite/development`: a `CompositeSampler` over the composable tree the file describes.
 *
 * @example
 * ```ts
 * composableFromModel({ rule_based: { rules: [{ sampler: { always_on: null } }] } }, ['tracer_provider', 'sampler', 'composite/development'], context);
 * ```
 */
export function composableFromModel(model: Model.ExperimentalComposableSampler, path: Path, context: ConfigurationContext): Sampler {
  return new context.toolkit.CompositeSampler(composable(model, path, context));
}

function composable(model: Model.ExperimentalComposableSampler, path: Path, context: ConfigurationContext): ComposableSampler {
  const { composableAlwaysOff, composableAlwaysOn, composableParentThreshold, composableProbability, composableRuleBased } =
    context.toolkit;
  const [name, settings] = Object.entries(model)[0] as [string, unknown];
  const here = [...path, name];
  switch (name) {
    case 'always_on':
      return composableAlwaysOn();
    case 'always_off':
      return composableAlwaysOff();
    case 'probability':
      return composableProbability((settings as Model.ExperimentalComposableProbabilitySampler)?.ratio ?? 1);
    case 'parent_threshold': {
      const root = (settings as NonNullable<Model.ExperimentalComposableParentThresholdSampler>).root;
      return composableParentThreshold(composable(root, [...here, 'root'], context));
    }
    case 'rule_based': {
      const rules = (settings as Model.ExperimentalComposableRuleBasedSampler)?.rules ?? [];
      return composableRuleBased(rules.map((rule, index) => ruleFromModel(rule, [...here, 'rules', index], context)));
    }
    default:
      throw new ConfigurationError(
        here,
        `unknown composable sampler ${name} (otelite has always_on, always_off, probability, parent_threshold, rule_based)`,
      );
  }
}

function ruleFromModel(rule: Model.ExperimentalComposableRuleBasedSamplerRule, path: Path, context: ConfigurationContext): ComposableRule {
  const values = rule.attribute_values;
  const patterns = rule.attribute_patterns;
  return {
    attributeValues: values === undefined ? undefined : { key: values.key, values: values.values },
    attributePatterns: patterns === undefined ? undefined : { key: patterns.key, included: patterns.included, excluded: patterns.excluded },
    spanKinds: rule.span_kinds?.filter((kind): kind is NonNullable<typeof kind> => kind !== null),
    parent: rule.parent?.filter((parent): parent is NonNullable<typeof parent> => parent !== null),
    sampler: composable(rule.sampler, [...path, 'sampler'], context),
  };
}

/**
 * `always_record` (the shape the schema release after v1.1.0 defines: `{ root: Sampler }`): an
 * `AlwaysRecordSampler` over `root`.
 */
export function alwaysRecordFromModel(
  settings: unknown,
  path: Path,
  context: ConfigurationContext,
  samplerFromModel: (sampler: Model.Sampler, path: Path) => Sampler,
): Sampler {
  const root = settings !== null && typeof settings === 'object' ? (settings as { root?: unknown }).root : undefined;
  if (root === undefined || root === null || typeof root !== 'object' || Array.isArray(root) || Object.keys(root).length !== 1) {
    throw new ConfigurationError([...path, 'root'], 'expected a sampler (a mapping with exactly one key, for example parent_based)');
  }
  return new context.toolkit.AlwaysRecordSampler(samplerFromModel(root as Model.Sampler, [...path, 'root']));
}

const KEEP_TRACES_NUMBERS = {
  latency_threshold: 'latencyThresholdMillis',
  max_fragments: 'maxFragments',
  max_spans: 'maxSpans',
  root_timeout: 'rootTimeoutMillis',
} as const;

/**
 * `otelite_keep_traces/development`: a `KeepTracesProcessor` exporting through `exporter` (any
 * span exporter of the file, batched), with `latency_threshold`, `max_fragments`, `max_spans` and
 * `root_timeout` (milliseconds and counts, integers > 0).
 */
export function keepTracesProcessorFromModel(
  settings: unknown,
  path: Path,
  context: ConfigurationContext,
  exporterFromModel: (exporter: Model.SpanExporter, path: Path) => SpanExporter,
): SpanProcessor {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new ConfigurationError(path, 'expected a mapping with an exporter');
  }
  const given = settings as Record<string, unknown>;
  const options: Record<string, number> = {};
  for (const [key, value] of Object.entries(given)) {
    if (key === 'exporter') continue;
    const option = KEEP_TRACES_NUMBERS[key as keyof typeof KEEP_TRACES_NUMBERS];
    if (option === undefined) {
      throw new ConfigurationError(
        [...path, key],
        `not a property of ${KEEP_TRACES_PROCESSOR_KEY} (it has exporter, ${Object.keys(KEEP_TRACES_NUMBERS).join(', ')})`,
      );
    }
    if (value === null) continue;
    if (!Number.isInteger(value) || (value as number) <= 0) {
      throw new ConfigurationError([...path, key], `expected an integer > 0 or null (empty), got ${JSON.stringify(value)}`);
    }
    options[option] = value as number;
  }
  const exporter = given.exporter;
  if (exporter === null || typeof exporter !== 'object' || Array.isArray(exporter) || Object.keys(exporter).length !== 1) {
    throw new ConfigurationError([...path, 'exporter'], 'expected a span exporter (a mapping with exactly one key: otlp_http or console)');
  }
  return new context.toolkit.KeepTracesProcessor({
    ...options,
    exporter: exporterFromModel(exporter as Model.SpanExporter, [...path, 'exporter']),
  });
}

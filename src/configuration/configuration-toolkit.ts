import type { DiagLogLevel } from '@opentelemetry/api';
import type { ConsoleSpanExporter } from '../export/console-span-exporter.js';
import type { OTLPTraceExporter } from '../export/otlp/otlp-trace-exporter.js';
import type { BatchSpanProcessor } from '../processing/batch-span-processor.js';
import type { KeepTracesProcessor } from '../processing/keep-traces.js';
import type { SimpleSpanProcessor } from '../processing/simple-span-processor.js';
import type { createPropagatorFromNames } from '../propagation/from-environment.js';
import type { resourceFromAttributes } from '../resource/resource.js';
import type { AlwaysOffSampler } from '../sampling/always-off.js';
import type { AlwaysOnSampler } from '../sampling/always-on.js';
import type { AlwaysRecordSampler } from '../sampling/always-record.js';
import type { composableAlwaysOff } from '../sampling/composable-always-off.js';
import type { composableAlwaysOn } from '../sampling/composable-always-on.js';
import type { composableParentThreshold } from '../sampling/composable-parent-threshold.js';
import type { composableProbability } from '../sampling/composable-probability.js';
import type { composableRuleBased } from '../sampling/composable-rule-based.js';
import type { CompositeSampler } from '../sampling/composite.js';
import type { ParentBasedSampler } from '../sampling/parent-based.js';
import type { ProbabilitySampler } from '../sampling/probability.js';
import type { TraceIdRatioBasedSampler } from '../sampling/trace-id-ratio-based.js';

/**
 * The SDK components the model mapping builds, handed to it by the core (`coreToolkit()`): the mapping
 * is part of the parser file that is loaded only with a configuration file, and must build the very
 * classes the running SDK uses (one copy of each, with its state), so it imports none of them itself.
 */
export interface ConfigurationToolkit {
  readonly DiagLogLevel: typeof DiagLogLevel;
  readonly ConsoleSpanExporter: typeof ConsoleSpanExporter;
  readonly OTLPTraceExporter: typeof OTLPTraceExporter;
  readonly BatchSpanProcessor: typeof BatchSpanProcessor;
  readonly SimpleSpanProcessor: typeof SimpleSpanProcessor;
  readonly KeepTracesProcessor: typeof KeepTracesProcessor;
  readonly createPropagatorFromNames: typeof createPropagatorFromNames;
  readonly resourceFromAttributes: typeof resourceFromAttributes;
  readonly AlwaysOffSampler: typeof AlwaysOffSampler;
  readonly AlwaysOnSampler: typeof AlwaysOnSampler;
  readonly AlwaysRecordSampler: typeof AlwaysRecordSampler;
  readonly ParentBasedSampler: typeof ParentBasedSampler;
  readonly ProbabilitySampler: typeof ProbabilitySampler;
  readonly TraceIdRatioBasedSampler: typeof TraceIdRatioBasedSampler;
  readonly CompositeSampler: typeof CompositeSampler;
  readonly composableAlwaysOff: typeof composableAlwaysOff;
  readonly composableAlwaysOn: typeof composableAlwaysOn;
  readonly composableParentThreshold: typeof composableParentThreshold;
  readonly composableProbability: typeof composableProbability;
  readonly composableRuleBased: typeof composableRuleBased;
}

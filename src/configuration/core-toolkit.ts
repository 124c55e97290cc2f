import { DiagLogLevel } from '@opentelemetry/api';
import { ConsoleSpanExporter } from '../export/console-span-exporter.js';
import { OTLPTraceExporter } from '../export/otlp/otlp-trace-exporter.js';
import { BatchSpanProcessor } from '../processing/batch-span-processor.js';
import { KeepTracesProcessor } from '../processing/keep-traces.js';
import { SimpleSpanProcessor } from '../processing/simple-span-processor.js';
import { createPropagatorFromNames } from '../propagation/from-environment.js';
import { resourceFromAttributes } from '../resource/resource.js';
import { AlwaysOffSampler } from '../sampling/always-off.js';
import { AlwaysOnSampler } from '../sampling/always-on.js';
import { AlwaysRecordSampler } from '../sampling/always-record.js';
import { composableAlwaysOff } from '../sampling/composable-always-off.js';
import { composableAlwaysOn } from '../sampling/composable-always-on.js';
import { composableParentThreshold } from '../sampling/composable-parent-threshold.js';
import { composableProbability } from '../sampling/composable-probability.js';
import { composableRuleBased } from '../sampling/composable-rule-based.js';
import { CompositeSampler } from '../sampling/composite.js';
import { ParentBasedSampler } from '../sampling/parent-based.js';
import { ProbabilitySampler } from '../sampling/probability.js';
import { TraceIdRatioBasedSampler } from '../sampling/trace-id-ratio-based.js';
import type { ConfigurationToolkit } from './configuration-toolkit.js';

/**
 * The running SDK's own components, for the model mapping (which is loaded only with a file).
 *
 * @example
 * ```ts
 * const parts = parser.partsFromModel(model, { ...context, toolkit: coreToolkit() });
 * ```
 */
export function coreToolkit(): ConfigurationToolkit {
  return {
    DiagLogLevel,
    ConsoleSpanExporter,
    OTLPTraceExporter,
    BatchSpanProcessor,
    SimpleSpanProcessor,
    KeepTracesProcessor,
    createPropagatorFromNames,
    resourceFromAttributes,
    AlwaysOffSampler,
    AlwaysOnSampler,
    AlwaysRecordSampler,
    ParentBasedSampler,
    ProbabilitySampler,
    TraceIdRatioBasedSampler,
    CompositeSampler,
    composableAlwaysOff,
    composableAlwaysOn,
    composableParentThreshold,
    composableProbability,
    composableRuleBased,
  };
}

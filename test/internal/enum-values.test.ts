import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { EXPORT_FAILED, EXPORT_SUCCESS } from '../../src/export/export-result-code-values.js';
import { ExportResultCode } from '../../src/export/span-exporter.js';
import * as apiValues from '../../src/internal/api-enum-values.js';
import { DECISION_NOT_RECORD, DECISION_RECORD, DECISION_RECORD_AND_SAMPLED } from '../../src/sampling/sampling-decision-values.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';

// The page writes these numbers instead of reading the enum objects; each must be the member it stands for.
describe('enum members written as constants', () => {
  it("equal @opentelemetry/api's SpanKind, SpanStatusCode and TraceFlags members", () => {
    expect(apiValues.SPAN_KIND_INTERNAL).toBe(SpanKind.INTERNAL);
    expect(apiValues.SPAN_KIND_SERVER).toBe(SpanKind.SERVER);
    expect(apiValues.SPAN_KIND_CLIENT).toBe(SpanKind.CLIENT);
    expect(apiValues.SPAN_KIND_CONSUMER).toBe(SpanKind.CONSUMER);
    expect(apiValues.STATUS_UNSET).toBe(SpanStatusCode.UNSET);
    expect(apiValues.STATUS_OK).toBe(SpanStatusCode.OK);
    expect(apiValues.STATUS_ERROR).toBe(SpanStatusCode.ERROR);
    expect(apiValues.TRACE_FLAGS_NONE).toBe(TraceFlags.NONE);
    expect(apiValues.TRACE_FLAGS_SAMPLED).toBe(TraceFlags.SAMPLED);
  });

  it("equal otelite's SamplingDecision and ExportResultCode members", () => {
    expect([DECISION_NOT_RECORD, DECISION_RECORD, DECISION_RECORD_AND_SAMPLED]).toEqual([
      SamplingDecision.NOT_RECORD,
      SamplingDecision.RECORD,
      SamplingDecision.RECORD_AND_SAMPLED,
    ]);
    expect([EXPORT_SUCCESS, EXPORT_FAILED]).toEqual([ExportResultCode.SUCCESS, ExportResultCode.FAILED]);
  });
});

import { create } from '@bufbuild/protobuf';
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
} from '../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { FinishedSpan } from '../../trace/finished-span.js';

/**
 * Maps finished spans onto the generated OTLP `ExportTraceServiceRequest` message. (Stub: filled in next.)
 *
 * @example
 * ```ts
 * const request = toExportTraceServiceRequest(spans);
 * ```
 */
export function toExportTraceServiceRequest(spans: readonly FinishedSpan[]): ExportTraceServiceRequest {
  void spans;
  return create(ExportTraceServiceRequestSchema);
}

import { toBinary } from '@bufbuild/protobuf';
import { ExportTraceServiceRequestSchema } from '../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { FinishedSpan } from '../../trace/finished-span.js';
import { toExportTraceServiceRequest } from './to-export-request.js';

/**
 * Encodes finished spans as a binary protobuf `ExportTraceServiceRequest`. (Stub: the fast writer comes next.)
 *
 * @example
 * ```ts
 * const body = encodeSpansToProtobuf(spans);
 * ```
 */
export function encodeSpansToProtobuf(spans: readonly FinishedSpan[]): Uint8Array {
  return toBinary(ExportTraceServiceRequestSchema, toExportTraceServiceRequest(spans));
}

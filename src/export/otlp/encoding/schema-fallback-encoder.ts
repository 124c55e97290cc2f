import { toBinary } from '@bufbuild/protobuf';
import { ExportTraceServiceRequestSchema } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import { toExportTraceServiceRequest } from './to-export-request.js';

/**
 * The generated schema's encoder over the mapped message: an implementation independent of the fast
 * writer, which the Node entry installs as the binary encoder's fallback (`useProtobufFallbackEncoder`).
 * The web entries do not import it, so their bundles carry neither the schema nor the protobuf runtime.
 *
 * @example
 * ```ts
 * useProtobufFallbackEncoder(encodeWithSchema);
 * ```
 */
export function encodeWithSchema(spans: readonly FinishedSpan[]): Uint8Array {
  return toBinary(ExportTraceServiceRequestSchema, toExportTraceServiceRequest(spans));
}

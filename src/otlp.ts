/**
 * `otelite/otlp`: the OTLP building blocks under `OTLPTraceExporter`, for code that encodes or sends
 * spans itself: the mapping of finished spans to the generated `ExportTraceServiceRequest`, the binary
 * and JSON encoders, the exporter's default retry policy, and the mark on the exporter's own requests.
 * The messages themselves are `otelite/proto`.
 * @packageDocumentation
 */
export { toExportTraceServiceRequest } from './export/otlp/encoding/to-export-request.js';
export { encodeSpansToProtobuf } from './export/otlp/encoding/binary-encoder.js';
export { encodeSpansToJson } from './export/otlp/encoding/json-encoder.js';
export { DEFAULT_RETRY_POLICY } from './export/otlp/retry.js';
export type { RetryPolicy } from './export/otlp/retry.js';
export { EXPORT_REQUEST_HEADER, isExporterRequest, isExportRequestHeaders } from './transport/exporter-requests.js';

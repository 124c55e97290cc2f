/**
 * `otelite/receiver`: an embedded OTLP/HTTP trace receiver that prints what it receives as trace trees,
 * so traces can be seen with no backend installed. Node-only (`node:http`, `node:zlib`).
 * @packageDocumentation
 */
export {
  startReceiver,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_RECEIVER_HOST,
  DEFAULT_RECEIVER_PORT,
  DEFAULT_TRACE_IDLE_MILLIS,
} from './receiver.js';
export type { Receiver, ReceiverOptions, ReceiverStats } from './receiver.js';
export type { ReceivedSpan, ReceivedSpanKind, ReceivedValue } from './received-span.js';
export { toReceivedSpans } from './received-span.js';
export { formatDuration, formatTraceTree, KEY_ATTRIBUTES } from './trace-tree.js';
export type { TraceTreeOptions } from './trace-tree.js';
export type { TraceTreeSink } from './trace-printer.js';
export { decodeExportRequest } from './decode-export-request.js';
export type { OtlpEncoding } from './decode-export-request.js';

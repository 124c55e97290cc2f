/**
 * The `reportError` kind of every OTLP encoding failure (a span dropped, a batch dropped, the fallback
 * encoder failing to load), shared by the message mapping and both fast encoders.
 */
export const ENCODE_ERROR_KIND = 'export.otlp.encode';

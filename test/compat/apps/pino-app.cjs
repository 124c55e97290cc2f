// pino + @opentelemetry/instrumentation-pino under --require otelite/register: log lines written inside
// a span carry its trace_id, span_id and trace_flags.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { PinoInstrumentation } = require('@opentelemetry/instrumentation-pino');
registerInstrumentations({ instrumentations: [new PinoInstrumentation({ disableLogSending: true })] });

const { trace } = require('@opentelemetry/api');
const pino = require('pino');

const lines = [];
const logger = pino({}, { write: (line) => lines.push(JSON.parse(line)) });
logger.info('outside');
trace.getTracer('compat-app').startActiveSpan('work', (span) => {
  logger.info('inside');
  span.end();
  console.log(JSON.stringify({ lines, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId }));
});

// A CommonJS script with no telemetry code of its own beyond the API.
const { trace } = require('@opentelemetry/api');

const span = trace.getTracer('register-cjs-app').startSpan('work');
const recording = span.isRecording();
span.end();
console.log(JSON.stringify({ recording }));

// context.attach (@opentelemetry/api >= 1.10) used the way an instrumentation bridges a callback API that
// `context.with` cannot wrap: a library publishes `job:start` and `job:end` on diagnostics channels around
// the work it runs; the bridge starts a span and attaches its context in the start callback, and disposes
// the token and ends the span in the end callback. Jobs nest; one job makes a node:http request, which
// otelite traces on both sides. The report says which span was active at each point.
const diagnosticsChannel = require('node:diagnostics_channel');
const http = require('node:http');
const { context, diag, trace } = require('@opentelemetry/api');
const { init } = require('otelite');

init();
const diagnostics = [];
diag.setLogger(
  {
    error: (message) => diagnostics.push(`error ${message}`),
    warn: (message) => diagnostics.push(`warn ${message}`),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  },
  { suppressOverrideMessage: true },
);

// The library: a callback API with no context handling of its own.
const jobStart = diagnosticsChannel.channel('compat:job:start');
const jobEnd = diagnosticsChannel.channel('compat:job:end');
function runJob(name, work) {
  const message = { name };
  jobStart.publish(message);
  try {
    return work();
  } finally {
    jobEnd.publish(message);
  }
}

// The bridge.
const tracer = trace.getTracer('attach-bridge');
const bridged = new WeakMap();
jobStart.subscribe((message) => {
  const span = tracer.startSpan(`job ${message.name}`);
  bridged.set(message, { span, token: context.attach(trace.setSpan(context.active(), span)) });
});
jobEnd.subscribe((message) => {
  const { span, token } = bridged.get(message);
  token.dispose();
  span.end();
});

const activeSpanId = () => trace.getActiveSpan()?.spanContext().spanId ?? null;
const idOf = (span) => span.spanContext().spanId;

const server = http.createServer((request, response) => {
  response.end(JSON.stringify({ serverActive: activeSpanId() }));
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  tracer.startActiveSpan('caller', (caller) => {
    const seen = { caller: idOf(caller) };
    let request;
    runJob('outer', () => {
      seen.inOuter = activeSpanId();
      runJob('inner', () => {
        seen.inInner = activeSpanId();
        const step = tracer.startSpan('step');
        seen.stepParent = step.parentSpanContext?.spanId ?? null;
        step.end();
      });
      seen.afterInner = activeSpanId();
      // Started inside the outer job: the CLIENT span is its child.
      request = new Promise((resolve, reject) => {
        http
          .get(`http://127.0.0.1:${port}/inside-job`, (response) => {
            let body = '';
            response.on('data', (chunk) => (body += chunk)).on('end', () => resolve(JSON.parse(body)));
          })
          .on('error', reject);
      });
    });
    seen.afterOuter = activeSpanId();
    // A context.with() inside an attached context keeps its own semantics.
    runJob('with', () => {
      const job = activeSpanId();
      context.with(trace.setSpan(context.active(), trace.wrapSpanContext(caller.spanContext())), () => {
        seen.insideWith = activeSpanId();
      });
      seen.afterWith = activeSpanId() === job;
    });
    request.then((response) => {
      caller.end();
      server.close();
      const registered = globalThis[Symbol.for('opentelemetry.js.api.1')];
      console.log(JSON.stringify({ seen, response, apiVersion: registered?.version, diagnostics }));
    });
  });
});

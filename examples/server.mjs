// A plain node:http server, traced with one line of setup.
//
//   npm run build
//   npx otelite receive          # in another terminal: prints the traces it receives
//   node examples/server.mjs     # then: curl http://127.0.0.1:3000/hello/ada
//
// Every request gets a server span (named after its route), with a span of our own inside it. Spans go
// to OTLP/HTTP at http://localhost:4318 unless OTEL_EXPORTER_OTLP_ENDPOINT says otherwise, so the same
// file reports to an OpenTelemetry Collector or Jaeger unchanged. Ctrl-C sends what is still pending,
// then the process ends as usual.
import { createServer } from 'node:http';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { init, setHttpRoute } from 'otelite';

init({ serviceName: 'hello-server' });
const tracer = trace.getTracer('hello-server');

function greeting(name) {
  // A span of our own, a child of the request's server span (the context follows through async code).
  return tracer.startActiveSpan('build greeting', (span) => {
    try {
      span.setAttribute('greeting.name_length', name.length);
      if (name === 'error') throw new Error('no greeting for "error"');
      return `Hello, ${name}!\n`;
    } catch (error) {
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

const server = createServer((request, response) => {
  const match = /^\/hello\/([^/?]+)/.exec(request.url ?? '');
  if (match === null) {
    response.writeHead(404).end('try /hello/<name>\n');
    return;
  }
  setHttpRoute('/hello/:name');
  try {
    response.end(greeting(decodeURIComponent(match[1])));
  } catch {
    response.writeHead(500).end('something went wrong\n');
  }
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port} (Ctrl-C to stop)`);
});

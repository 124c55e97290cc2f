// The "frontend" service of the demo: a shop that asks the backend for stock with fetch. Started by
// examples/demo.mjs as a child process with the receiver's base URL and the backend's URL as arguments.
import { createServer } from 'node:http';
import { init, setHttpRoute } from 'otelite';

const [receiverUrl, backendUrl] = process.argv.slice(2);
init({ serviceName: 'frontend', endpoint: receiverUrl });

const server = createServer(async (request, response) => {
  const match = /^\/checkout\/([^/?]+)/.exec(request.url ?? '');
  if (match === null) {
    response.writeHead(404).end();
    return;
  }
  setHttpRoute('/checkout/:item');
  // fetch is traced too: a client span, and a traceparent header that links the backend's span to it.
  const answer = await fetch(`${backendUrl}/inventory/${match[1]}`);
  const body = await answer.json();
  if (!answer.ok) {
    response.writeHead(502, { 'content-type': 'text/plain' }).end(`the backend failed: ${body.error}\n`);
    return;
  }
  response.writeHead(200, { 'content-type': 'text/plain' }).end(`item ${body.item}: ${body.inStock} in stock\n`);
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

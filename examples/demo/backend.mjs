// The "backend" service of the demo: an inventory API. Started by examples/demo.mjs as a child
// process; its spans go to the receiver whose base URL is the first argument.
import { createServer } from 'node:http';
import { init, setHttpRoute } from 'otelite';

init({ serviceName: 'backend', endpoint: process.argv[2] });

const stock = { 42: 7, 7: 0 };

const server = createServer((request, response) => {
  const match = /^\/inventory\/([^/?]+)/.exec(request.url ?? '');
  if (match === null) {
    response.writeHead(404).end();
    return;
  }
  setHttpRoute('/inventory/:item'); // names the server span "GET /inventory/:item"
  const item = match[1];
  if (!(item in stock)) {
    // A failure on purpose: the span of this request records the 500.
    response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no such item ${item}` }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ item, inStock: stock[item] }));
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
// No shutdown code: the demo stops this process with SIGTERM, and init()'s shutdown hooks send the
// pending spans before the process ends.

// An ES module application: Express imported with `import`, which only an ES module loader hook lets
// instrumentation-express patch.
import express from 'express';

const app = express();
app.get('/orders/:orderId', (request, response) => {
  response.json({ orderId: request.params.orderId });
});
const server = app.listen(0, '127.0.0.1', async () => {
  const order = await (await fetch(`http://127.0.0.1:${server.address().port}/orders/9`)).json();
  server.close();
  console.log(JSON.stringify({ order }));
});

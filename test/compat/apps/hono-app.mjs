// Hono on Node (@hono/node-server) with otelite's init() and its HTTP instrumentation. Hono has no
// opentelemetry-js instrumentation and starts no spans, so the route reaches the server span through the
// middleware docs/migration.md gives ("Hono on Node", under Instrumentations); COMPAT_HONO_ROUTE=0 leaves it out.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { init, setHttpRoute } from 'otelite';

init();
const app = new Hono();
if (process.env.COMPAT_HONO_ROUTE !== '0') {
  // The middleware of docs/migration.md, as written there: the route of the handler that answered, none when nothing matched.
  app.use(async (c, next) => {
    const own = c.req.routeIndex;
    await next();
    if (c.req.routeIndex !== own) setHttpRoute(routePath(c));
  });
}
app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
app.get('/fail', () => {
  throw new Error('boom');
});
app.onError((_error, c) => c.text('failed', 500));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, async ({ port }) => {
  const origin = `http://127.0.0.1:${port}`;
  const item = await (await fetch(`${origin}/items/7`)).json();
  const missingStatus = (await fetch(`${origin}/nowhere`)).status;
  const failStatus = (await fetch(`${origin}/fail`)).status;
  server.close();
  console.log(JSON.stringify({ item, missingStatus, failStatus }));
});

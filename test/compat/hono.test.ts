import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/platform/node/receiver/index.js';
import { appPath, onlySpan, parentOf, ROOT, runApp, startCompatReceiver } from './compat-harness.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startCompatReceiver();
});
afterAll(async () => {
  await receiver.close();
});

// Hono starts no spans and has no opentelemetry-js instrumentation: otelite's node:http span is the
// request's only SERVER span, and the route-naming middleware of docs/migration.md gives it the route.
describe('Hono 4 on Node (@hono/node-server) with init()', () => {
  it('names the server span GET /items/:id with http.route through the guide middleware; a 404 keeps GET', async () => {
    const run = await runApp(receiver, 'hono-app.mjs');
    expect(run.stderr).not.toContain('Error:');
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ item: { id: '7' }, missingStatus: 404, failStatus: 500 });
    const { spans } = run;
    expect(spans.filter((span) => span.kind === 'SERVER')).toHaveLength(3);

    const server = onlySpan(
      spans,
      (span) => span.kind === 'SERVER' && span.attributes['url.path'] === '/items/7',
      'server span of /items/7',
    );
    expect(server.name).toBe('GET /items/:id');
    expect(server.attributes['http.route']).toBe('/items/:id');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(server.scope.name).toBe('otelite/http');
    expect(server.status.code).toBe('UNSET');
    const client = parentOf(spans, server)!;
    expect(client.kind).toBe('CLIENT');
    expect(client.attributes['url.full']).toMatch(/\/items\/7$/);

    // No route matched: no http.route (the middleware's own '/*' is not one), the span keeps the method.
    const missing = onlySpan(
      spans,
      (span) => span.kind === 'SERVER' && span.attributes['url.path'] === '/nowhere',
      'server span of /nowhere',
    );
    expect(missing.name).toBe('GET');
    expect(missing.attributes['http.route']).toBeUndefined();
    expect(missing.attributes['http.response.status_code']).toBe(404);
    expect(missing.status.code).toBe('UNSET');

    // A handler that throws: Hono answers 500 and the route is still the handler's.
    const failed = onlySpan(spans, (span) => span.kind === 'SERVER' && span.attributes['url.path'] === '/fail', 'server span of /fail');
    expect(failed.name).toBe('GET /fail');
    expect(failed.attributes['http.route']).toBe('/fail');
    expect(failed.attributes['http.response.status_code']).toBe(500);
    expect(failed.status.code).toBe('ERROR');
  });

  it('without the middleware the server span is named GET and carries no http.route (Hono reports no route by itself)', async () => {
    const run = await runApp(receiver, 'hono-app.mjs', { environment: { COMPAT_HONO_ROUTE: '0' } });
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ item: { id: '7' }, missingStatus: 404, failStatus: 500 });
    const server = onlySpan(
      run.spans,
      (span) => span.kind === 'SERVER' && span.attributes['url.path'] === '/items/7',
      'server span of /items/7',
    );
    expect(server.name).toBe('GET');
    expect(server.attributes['http.route']).toBeUndefined();
  });

  it('runs the middleware exactly as docs/migration.md gives it', () => {
    const guide = readFileSync(`${ROOT}/docs/migration.md`, 'utf8');
    const block = /```js\n\s*(import \{ routePath \} from 'hono\/route';[\s\S]*?)```/.exec(guide)?.[1];
    expect(block).toBeDefined();
    const middleware = block!.slice(block!.indexOf('app.use(')).trim();
    const squash = (text: string): string => text.replace(/\s+/g, ' ');
    expect(squash(readFileSync(appPath('hono-app.mjs'), 'utf8'))).toContain(squash(middleware));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/platform/node/receiver/index.js';
import { onlySpan, runApp, startCompatReceiver } from './compat-harness.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

let receiver: Receiver;
let postgres: PostgresServer | undefined;
let unavailable = '';

beforeAll(async () => {
  receiver = await startCompatReceiver();
  const started = await startPostgres();
  if ('stop' in started) {
    postgres = started;
    console.log(`PostgreSQL for the compat suite: ${started.version} on ${started.host}:${started.port}`);
  } else {
    unavailable = started.reason;
    console.log(`SKIPPED pg compat test: ${started.reason}`);
  }
});
afterAll(async () => {
  await postgres?.stop();
  await receiver.close();
});

describe('pg + instrumentation-pg against a real PostgreSQL', () => {
  it('records each query as a CLIENT span under the HTTP server span, a failing one as Error', async (test) => {
    if (postgres === undefined) {
      test.skip(`PostgreSQL unavailable: ${unavailable}`);
      return;
    }
    const run = await runApp(receiver, 'pg-app.cjs', {
      environment: { PGHOST: postgres.host, PGPORT: String(postgres.port), PGUSER: postgres.user, PGDATABASE: postgres.database },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.report).toEqual({ answer: 42, failure: '42P01' });
    const { spans } = run;
    const server = onlySpan(spans, (span) => span.kind === 'SERVER', 'SERVER span');
    expect(server.attributes['url.path']).toBe('/query');

    // instrumentation-pg 0.76 writes the stable database conventions (db.query.text, db.system.name).
    const queries = spans.filter((span) => span.scope.name === '@opentelemetry/instrumentation-pg' && span.name.startsWith('pg.query'));
    expect(queries).toHaveLength(2);
    const answer = queries.find((span) => String(span.attributes['db.query.text']).startsWith('SELECT $1::int'))!;
    expect(answer.kind).toBe('CLIENT');
    expect(answer.parentSpanId).toBe(server.spanId);
    expect(answer.traceId).toBe(server.traceId);
    expect(answer.name).toBe('pg.query:SELECT postgres');
    expect(answer.attributes['db.system.name']).toBe('postgresql');
    expect(answer.attributes['db.namespace']).toBe('postgres');
    expect(answer.attributes['server.port']).toBe(postgres.port);
    expect(answer.status.code).toBe('UNSET');

    const failed = queries.find((span) => String(span.attributes['db.query.text']).includes('no_such_table'))!;
    expect(failed.parentSpanId).toBe(server.spanId);
    expect(failed.status.code).toBe('ERROR');
    const connect = onlySpan(spans, (span) => span.name === 'pg.connect', 'pg.connect span');
    expect(connect.kind).toBe('CLIENT');
  });
});

// pg + @opentelemetry/instrumentation-pg with otelite's init(), against the server in PG* variables:
// a node:http request whose handler queries PostgreSQL, and a failing query.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg');
const { init } = require('otelite');

init();
registerInstrumentations({ instrumentations: [new PgInstrumentation()] });

const http = require('node:http');
const { Client } = require('pg');

const client = new Client({
  host: process.env.PGHOST,
  port: Number(process.env.PGPORT),
  user: process.env.PGUSER,
  database: process.env.PGDATABASE,
});
const server = http.createServer(async (request, response) => {
  try {
    const result = await client.query('SELECT $1::int + 1 AS answer', [41]);
    let failure = '';
    await client.query('SELECT * FROM no_such_table').catch((error) => {
      failure = error.code;
    });
    response.end(JSON.stringify({ answer: result.rows[0].answer, failure }));
  } catch (error) {
    response.statusCode = 500;
    response.end(String(error));
  }
});

client.connect().then(() => {
  server.listen(0, '127.0.0.1', async () => {
    const body = await (await fetch(`http://127.0.0.1:${server.address().port}/query`)).json();
    server.close();
    await client.end();
    console.log(JSON.stringify(body));
  });
});

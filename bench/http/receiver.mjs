/**
 * A minimal OTLP/HTTP trace receiver for the HTTP case: answers 200 (an empty ExportTraceServiceResponse)
 * to POST /v1/traces on 127.0.0.1 and counts requests, body bytes and spans. Forked by the HTTP case;
 * sends `{ port }` when listening; on `{ type: 'stats' }` replies with the counts since the last one.
 */

import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { countOtlpSpans } from '../lib/count-otlp-spans.mjs';

let stats = freshStats();

function freshStats() {
  return { requests: 0, bodyBytes: 0, spans: 0, malformed: 0, contentTypes: {} };
}

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/v1/traces') {
    response.writeHead(404).end();
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const raw = Buffer.concat(chunks);
    stats.requests++;
    stats.bodyBytes += raw.length;
    const type = request.headers['content-type'] ?? 'none';
    stats.contentTypes[type] = (stats.contentTypes[type] ?? 0) + 1;
    try {
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      stats.spans += countOtlpSpans(body);
    } catch {
      stats.malformed++;
    }
    response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
  });
});

process.on('message', (message) => {
  if (message?.type === 'stats') {
    process.send(stats);
    stats = freshStats();
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

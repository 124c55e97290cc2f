import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeExportRequest, toReceivedSpans } from '../../src/platform/node/receiver/index.js';

/**
 * What the collector does with one request, once it has read it whole:
 * - `accept`: takes the spans and answers 200 at once;
 * - `hold`: takes the spans and never answers (as a collector that is slow to answer, or whose answer
 *   comes after the client is gone): the request was delivered, the client cannot know it;
 * - `reset`: drops the request and destroys the connection without answering (a real failure);
 * - `unavailable`: drops the request and answers 503 (a real failure the client retries).
 */
export type RequestFate = 'accept' | 'hold' | 'reset' | 'unavailable';

/** One span a scripted collector took. */
export interface TakenSpan {
  readonly service: string;
  readonly name: string;
  readonly spanId: string;
  /** Which request (0-based, in arrival order) carried it. */
  readonly request: number;
}

/** An OTLP/HTTP collector on 127.0.0.1 (port 0) whose answer to each request follows a script. */
export interface ScriptedCollector {
  /** The base URL to give `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  /** The spans taken (from `accept` and `hold` requests), in arrival order, duplicates included. */
  taken(): TakenSpan[];
  /** Resolves once `predicate` holds for the spans taken and the requests read per service (checked as each request is read). */
  until(predicate: (taken: TakenSpan[], requests: ReadonlyMap<string, number>) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startScriptedCollector}. */
export interface ScriptedCollectorOptions {
  /**
   * How many connections, the first ones, are accepted and never read from: a request larger than the
   * socket buffers can then never be written whole (the client's write stays queued).
   */
  stalledConnections?: number;
  /** Called when a stalled connection has been accepted. */
  onStalled?: () => void;
}

/**
 * Starts a collector that decides each request's fate with `script(index, service)`: `index` counts the
 * requests of the service (the resource's `service.name` of its first span) from 0, so that concurrent
 * fixtures with their own service names each get their own script.
 */
export async function startScriptedCollector(
  script: (index: number, service: string) => RequestFate,
  options: ScriptedCollectorOptions = {},
): Promise<ScriptedCollector> {
  let stalls = options.stalledConnections ?? 0;
  const taken: TakenSpan[] = [];
  const waiters: { predicate: (taken: TakenSpan[], requests: ReadonlyMap<string, number>) => boolean; resolve: () => void }[] = [];
  const perService = new Map<string, number>();
  const sockets = new Set<Socket>();
  let requests = 0;
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate(taken, perService)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const index = requests++;
      let body: Uint8Array = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const { spans } = toReceivedSpans(decodeExportRequest(body, 'protobuf'));
      const service = spans[0]?.serviceName ?? '';
      const serviceIndex = perService.get(service) ?? 0;
      perService.set(service, serviceIndex + 1);
      const fate = script(serviceIndex, service);
      if (fate === 'reset') {
        req.socket.destroy();
      } else if (fate === 'unavailable') {
        res.writeHead(503, { 'content-type': 'application/x-protobuf', 'retry-after': '1' }).end();
      } else {
        for (const span of spans) taken.push({ service: span.serviceName, name: span.name, spanId: span.spanId, request: index });
      }
      check();
      if (fate === 'reset' || fate === 'unavailable') return;
      if (fate === 'accept') res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  // The HTTP server gets its connections from a plain TCP listener, which can keep some unread.
  const listener = createNetServer({ pauseOnConnect: true }, (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (stalls > 0) {
      stalls--;
      options.onStalled?.();
      return;
    }
    server.emit('connection', socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    taken: () => [...taken],
    until: (predicate) =>
      new Promise<void>((resolve) => {
        waiters.push({ predicate, resolve });
        check();
      }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      server.close();
    },
  };
}

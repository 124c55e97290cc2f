import { createServer, type Server, type Socket } from 'node:net';

/** A collector that cannot be reached the way a real outage looks, on 127.0.0.1 (port 0). */
export interface BrokenCollector {
  /** The base URL to give `init({ endpoint })` / `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  /** Connections it accepted (0 for `refused`). */
  connections(): number;
  close(): Promise<void>;
}

/** How the collector fails: nothing listens, every connection is reset, or requests are read and never answered. */
export type CollectorFault = 'refused' | 'reset' | 'hanging';

/**
 * Starts a collector that fails with `fault`. `refused` binds a port and closes it again, so connecting
 * gets ECONNREFUSED; `reset` answers every connection with a TCP RST; `hanging` reads requests and
 * never answers (the sockets stay open until `close()`).
 */
export async function startBrokenCollector(fault: CollectorFault): Promise<BrokenCollector> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    if (fault === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;
  if (fault === 'refused') await new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    url,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (fault !== 'refused') await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { create, fromBinary, toBinary, toJsonString } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
  ExportTraceServiceResponseSchema,
} from '../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';

/**
 * A scriptable OTLP/HTTP receiver for tests, on 127.0.0.1 with an ephemeral port. It records every
 * request (headers, raw body, body after gunzip, and the decoded message) and answers each one with the
 * next scripted response, or with an empty 200 when the script is used up.
 */

/** How the receiver answers one request. */
export interface ScriptedResponse {
  /** HTTP status; default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** A literal body. Default: none for protobuf requests, `{}` for JSON ones. */
  body?: Uint8Array | string;
  /** A `partial_success` to answer with (encoded like the request: protobuf or JSON). */
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
  /** A `google.rpc.Status` error body with this message (binary for protobuf requests, JSON for JSON ones). */
  errorMessage?: string;
  /** Waits this long before answering, in milliseconds. */
  delayMillis?: number;
  /** Never answers (the socket stays open until the client gives up or the receiver closes). */
  neverAnswer?: boolean;
  /** Destroys the socket after reading the request, without answering. */
  destroySocket?: boolean;
  /** Streams a body of this many bytes in 64 KiB chunks, stopping when the client goes away. */
  streamBytes?: number;
  /** With `streamBytes`: announce the length in `Content-Length` (otherwise chunked). */
  announceLength?: boolean;
  /**
   * Destroys the socket as soon as the first chunk of the request body arrives, before the body is read
   * to its end (a connection reset mid-request). The request is recorded with the bytes seen so far and
   * no span ids.
   */
  resetMidBody?: boolean;
}

/** Options of {@link startOtlpTestReceiver}; all optional. */
export interface OtlpTestReceiverOptions {
  /** Serve `https:` with this key and certificate instead of plain `http:`. */
  tls?: { key: Buffer | string; cert: Buffer | string };
  /** How to answer once the script is used up. Default: an empty 200. */
  fallback?: ScriptedResponse;
}

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as it came over the wire (gzipped when the client compressed). */
  readonly rawBody: Buffer;
  /** The body after gunzip. */
  readonly body: Buffer;
  /** The decoded message, for `application/x-protobuf` requests. */
  readonly message: ExportTraceServiceRequest | undefined;
  /** The parsed JSON, for `application/json` requests. */
  readonly json: any;
  /** The hex span ids the request carries. */
  readonly spanIds: string[];
  /** Why the body could not be decoded, when it could not. */
  readonly decodeError: unknown;
  /** `performance.now()` when the request (its headers) arrived. */
  readonly receivedAtMillis: number;
}

export interface OtlpTestReceiver {
  /** `http://127.0.0.1:<port>/v1/traces`. */
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Queues responses for the next requests, in order. */
  script(...responses: ScriptedResponse[]): void;
  /** How many bytes the last `streamBytes` response managed to write before the client went away. */
  readonly streamedBytes: number;
  /** Every span id delivered in a request that was answered 2xx, with how many times. */
  deliveredSpanIds(): Map<string, number>;
  /** Every span id seen in any request (every attempt, whatever the answer), with how many times. */
  attemptedSpanIds(): Map<string, number>;
  /** How to answer once the script is used up (initially `options.fallback`, else an empty 200). */
  fallback: ScriptedResponse;
  /** Stops listening and cuts every open connection: clients get `ECONNREFUSED` until {@link resume}. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a receiver.
 *
 * @example
 * ```ts
 * const receiver = await startOtlpTestReceiver();
 * receiver.script({ status: 503, headers: { 'retry-after': '0' } });
 * ```
 */
export async function startOtlpTestReceiver(options: OtlpTestReceiverOptions = {}): Promise<OtlpTestReceiver> {
  const queue: ScriptedResponse[] = [];
  const requests: ReceivedRequest[] = [];
  const accepted: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let streamedBytes = 0;
  let fallback: ScriptedResponse = options.fallback ?? {};

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAtMillis = performance.now();
    const chunks: Buffer[] = [];
    if ((queue[0] ?? fallback).resetMidBody) {
      if (queue.length > 0) queue.shift();
      req.once('data', (chunk: Buffer) => {
        requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawBody: chunk,
          body: chunk,
          message: undefined,
          json: undefined,
          spanIds: [],
          decodeError: new Error('the receiver reset the connection mid-request'),
          receivedAtMillis,
        });
        req.socket.destroy();
      });
      return;
    }
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(rawBody) : rawBody;
      const isJson = (req.headers['content-type'] ?? '').includes('json');
      let message: ExportTraceServiceRequest | undefined;
      let json: any;
      let spanIds: string[] = [];
      let decodeError: unknown;
      try {
        if (isJson) {
          json = JSON.parse(body.toString('utf8'));
          spanIds = (json.resourceSpans ?? []).flatMap((r: any) =>
            (r.scopeSpans ?? []).flatMap((s: any) => (s.spans ?? []).map((span: any) => String(span.spanId))),
          );
        } else {
          message = fromBinary(ExportTraceServiceRequestSchema, body);
          spanIds = message.resourceSpans.flatMap((r) =>
            r.scopeSpans.flatMap((s) => s.spans.map((span) => Buffer.from(span.spanId).toString('hex'))),
          );
        }
      } catch (error) {
        decodeError = error;
      }
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body,
        message,
        json,
        spanIds,
        decodeError,
        receivedAtMillis,
      };
      requests.push(received);
      const scripted = queue.shift() ?? fallback;
      const answer = (): void => respond(scripted, isJson, res, received);
      if (scripted.delayMillis) setTimeout(answer, scripted.delayMillis);
      else answer();
    });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : createServer(onRequest);

  function respond(scripted: ScriptedResponse, isJson: boolean, res: ServerResponse, received: ReceivedRequest): void {
    if (scripted.neverAnswer) return;
    if (scripted.destroySocket) {
      res.socket?.destroy();
      return;
    }
    const status = scripted.status ?? 200;
    if (status >= 200 && status < 300) accepted.push(received);
    res.statusCode = status;
    res.setHeader('content-type', isJson ? 'application/json' : 'application/x-protobuf');
    for (const [name, value] of Object.entries(scripted.headers ?? {})) res.setHeader(name, value);
    if (scripted.streamBytes !== undefined) {
      stream(res, scripted.streamBytes, scripted.announceLength ?? false);
      return;
    }
    res.end(responseBody(scripted, isJson));
  }

  function stream(res: ServerResponse, total: number, announceLength: boolean): void {
    streamedBytes = 0;
    if (announceLength) res.setHeader('content-length', String(total));
    const chunk = Buffer.alloc(64 * 1024, 1);
    let gone = false;
    res.on('close', () => (gone = true));
    const writeMore = (): void => {
      while (!gone && streamedBytes < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - streamedBytes));
        streamedBytes += piece.length;
        if (!res.write(piece)) {
          res.once('drain', writeMore);
          return;
        }
      }
      if (!gone) res.end();
    };
    writeMore();
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const countIds = (list: readonly ReceivedRequest[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const request of list) for (const id of request.spanIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  };
  const stopListening = (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1/traces`,
    port,
    requests,
    get streamedBytes() {
      return streamedBytes;
    },
    script(...responses) {
      queue.push(...responses);
    },
    deliveredSpanIds() {
      return countIds(accepted);
    },
    attemptedSpanIds() {
      return countIds(requests);
    },
    get fallback() {
      return fallback;
    },
    set fallback(response: ScriptedResponse) {
      fallback = response;
    },
    pause() {
      return stopListening();
    },
    resume() {
      return new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close() {
      if (!server.listening) {
        for (const socket of sockets) socket.destroy();
        return Promise.resolve();
      }
      return stopListening();
    },
  };
}

/** The body for a scripted response: literal, partial success, error status, or the empty default. */
function responseBody(scripted: ScriptedResponse, isJson: boolean): Uint8Array | string {
  if (scripted.body !== undefined) return scripted.body;
  if (scripted.partialSuccess !== undefined) {
    const response = create(ExportTraceServiceResponseSchema, {
      partialSuccess: {
        rejectedSpans: BigInt(scripted.partialSuccess.rejectedSpans),
        errorMessage: scripted.partialSuccess.errorMessage,
      },
    });
    return isJson ? toJsonString(ExportTraceServiceResponseSchema, response) : toBinary(ExportTraceServiceResponseSchema, response);
  }
  if (scripted.errorMessage !== undefined) {
    return isJson ? JSON.stringify({ code: 3, message: scripted.errorMessage }) : encodeStatus(3, scripted.errorMessage);
  }
  return isJson ? '{}' : new Uint8Array(0);
}

/** A `google.rpc.Status` (`code = 1`, `message = 2`, from google/rpc/status.proto), written by hand. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return new BinaryWriter().tag(1, WireType.Varint).int32(code).tag(2, WireType.LengthDelimited).string(message).finish();
}

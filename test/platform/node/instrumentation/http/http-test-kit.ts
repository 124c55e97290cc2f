import { context, propagation, trace } from '@opentelemetry/api';
import * as http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  instrumentHttp,
  type HttpInstrumentation,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type FinishedSpan,
  suppressTracing,
  type Sampler,
} from '../../../../../src/index.js';

/** The SDK as the HTTP instrumentation tests use it: registered globally, spans kept in memory. */
export interface Tracing {
  readonly exporter: InMemorySpanExporter;
  readonly provider: TracerProvider;
  /** Waits until `predicate` holds for the exported spans (default: at least one), then returns them. */
  spans(predicate?: (spans: FinishedSpan[]) => boolean, timeoutMillis?: number): Promise<FinishedSpan[]>;
}

/** What {@link useInstrumentedTracing} set up for a test file (read inside tests, after `beforeAll`). */
export interface InstrumentedSuite {
  readonly tracing: Tracing;
  /** The file's instrumentation; a test that makes a new one assigns it here, so `afterAll` disables that one. */
  instrumentation: HttpInstrumentation;
}

/**
 * The hooks most HTTP test files share: tracing and `instrumentHttp()` set up once for the file, torn
 * down after it, and the exported spans cleared after each test.
 */
export function useInstrumentedTracing(sampler?: Sampler): InstrumentedSuite {
  let tracing: Tracing | undefined;
  let instrumentation: HttpInstrumentation | undefined;
  beforeAll(() => {
    tracing = setUpTracing(sampler);
    instrumentation = instrumentHttp();
  });
  afterAll(() => {
    instrumentation?.disable();
    tearDownTracing();
  });
  afterEach(() => tracing?.exporter.reset());
  return {
    get tracing() {
      return tracing as Tracing;
    },
    get instrumentation() {
      return instrumentation as HttpInstrumentation;
    },
    set instrumentation(replacement: HttpInstrumentation) {
      instrumentation = replacement;
    },
  };
}

/** Registers a fresh provider (AsyncLocalStorage context manager, W3C trace context + baggage propagators). */
export function setUpTracing(sampler?: Sampler): Tracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    ...(sampler === undefined ? {} : { sampler }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  return {
    exporter,
    provider,
    async spans(predicate = (spans) => spans.length > 0, timeoutMillis = 3000) {
      const deadline = Date.now() + timeoutMillis;
      for (;;) {
        await provider.forceFlush();
        const spans = exporter.getFinishedSpans();
        if (predicate(spans) || Date.now() > deadline) return spans;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
}

/** Undoes {@link setUpTracing}. */
export function tearDownTracing(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Settles for a short while, to show that something did not happen. */
export function settle(millis = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface TestServer {
  readonly server: http.Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Every request received, with its headers. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A server on 127.0.0.1 (port 0) that records each request's headers, then calls `listener`. */
export async function startServer(
  listener: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.end('ok');
  },
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    listener(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SentResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Sends a request with `http.request` and resolves with the status and body once the response ended.
 * It is sent with tracing suppressed, so it plays an uninstrumented caller (its headers are its own).
 */
export function send(url: string, options: http.RequestOptions = {}): Promise<SentResponse> {
  return context.with(
    suppressTracing(context.active()),
    () =>
      new Promise<SentResponse>((resolve, reject) => {
        const request = http.request(url, options, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end();
      }),
  );
}

/** A `traceparent` value and its parts. */
export function traceparent(traceId: string, spanId: string, flags: '00' | '01' = '01'): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

/** A random 32-hex trace id or 16-hex span id. */
export function randomHex(length: 32 | 16): string {
  let text = '';
  while (text.length < length)
    text += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return text.slice(0, length);
}

export function serverSpans(spans: FinishedSpan[]): FinishedSpan[] {
  return spans.filter((span) => span.kind === 1 /* SERVER */);
}

export function clientSpans(spans: FinishedSpan[]): FinishedSpan[] {
  return spans.filter((span) => span.kind === 2 /* CLIENT */);
}

/** The parts of a `traceparent` header, or undefined when absent or malformed. */
export function parseTraceparent(value: string | string[] | undefined): { traceId: string; spanId: string; sampled: boolean } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value);
  if (match === null) return undefined;
  return { traceId: match[1], spanId: match[2], sampled: (parseInt(match[3], 16) & 1) === 1 };
}

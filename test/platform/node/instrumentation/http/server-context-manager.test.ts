import { context, ROOT_CONTEXT, trace, type ContextManager, type Span } from '@opentelemetry/api';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AsyncLocalStorageContextManager,
  InMemorySpanExporter,
  instrumentHttp,
  SimpleSpanProcessor,
  TracerProvider,
  type HttpInstrumentation,
} from '../../../../../src/index.js';
import { captureDiagEachTest } from '../../../../support/diag-capture.js';
import { serverSpans, startServer } from './http-test-kit.js';

// The server instrumentation enters each request's context in otelite's AsyncLocalStorage context
// manager, then checks (until it first holds) that the global context manager is the one entered. These
// tests register another global context manager: the request is served and its span recorded either way.

const diagMessages = captureDiagEachTest();
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  trace.disable();
  context.disable();
});

/** A global context manager other than otelite's: it keeps no context at all. */
function foreignContextManager(active: () => typeof ROOT_CONTEXT = () => ROOT_CONTEXT): ContextManager {
  return {
    active,
    with: (_context, fn, thisArg, ...args) => fn.call(thisArg, ...args),
    bind: (_context, target) => target,
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  };
}

/**
 * Sends `GET /` over a raw socket and resolves with the status line and the body: no HTTP client of
 * Node's, which otelite's client instrumentation would trace through the global context manager too.
 */
function rawGet(port: number): Promise<{ statusLine: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ statusLine: head.split('\r\n')[0] ?? '', body });
    });
  });
}

function instrument(): HttpInstrumentation {
  const instrumentation = instrumentHttp();
  cleanups.push(() => instrumentation.disable());
  return instrumentation;
}

describe('server spans under a global context manager other than otelite’s', () => {
  it('are recorded, and one warning says that handlers do not see them', async () => {
    expect(context.setGlobalContextManager(foreignContextManager())).toBe(true);
    const exporter = new InMemorySpanExporter();
    // The API keeps the first global context manager: otelite's own stays disabled.
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
    instrument();
    const seen: (Span | undefined)[] = [];
    const server = await startServer((_request, response) => {
      seen.push(trace.getActiveSpan());
      response.end('served');
    });
    cleanups.push(() => server.close());

    for (let i = 0; i < 3; i++) {
      expect(await rawGet(server.port)).toEqual({ statusLine: 'HTTP/1.1 200 OK', body: 'served' });
    }

    expect(seen).toEqual([undefined, undefined, undefined]);
    expect(serverSpans(exporter.getFinishedSpans())).toHaveLength(3);
    const warnings = diagMessages.filter((message) => message.includes('is not an enabled otelite AsyncLocalStorageContextManager'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('traceHandler()');
  });

  it('that throws when asked for the active context: the failure is reported, the requests served', async () => {
    expect(
      context.setGlobalContextManager(
        foreignContextManager(() => {
          throw new Error('active() exploded');
        }),
      ),
    ).toBe(true);
    // otelite's manager enabled but not global: entering succeeds, the check asks the global one.
    const own = new AsyncLocalStorageContextManager().enable();
    cleanups.push(() => void own.disable());
    const exporter = new InMemorySpanExporter();
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register({ contextManager: null });
    instrument();
    let handled = 0;
    const server = await startServer((_request, response) => {
      handled++;
      response.end('served');
    });
    cleanups.push(() => server.close());

    for (let i = 0; i < 2; i++) {
      expect(await rawGet(server.port)).toEqual({ statusLine: 'HTTP/1.1 200 OK', body: 'served' });
    }

    expect(handled).toBe(2);
    // Exported all the same: the processor's export runs outside the failing context manager.
    expect(serverSpans(exporter.getFinishedSpans())).toHaveLength(2);
    expect(diagMessages).toContainEqual(
      expect.stringMatching(/instrumentation\.http\.server failed \(checking the active context\): .*active\(\) exploded/),
    );
    expect(diagMessages).toContainEqual(expect.stringMatching(/context manager failed \(exporting without it\): .*active\(\) exploded/));
  });
});

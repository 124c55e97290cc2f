import { context, diag, DiagLogLevel, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemorySpanExporter, init, type InitOptions, type OteliteSdk } from '../src/index.js';
import { startReceiver, type Receiver } from '../src/platform/node/receiver/index.js';

// init() installs process-wide state (the API globals, HTTP instrumentation, process hooks): every test
// shuts its SDK down, which also proves that init() can start again after shutdown().

const OTEL_VARIABLES = [
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_TRACES_EXPORTER',
  'OTEL_PROPAGATORS',
  'OTEL_LOG_LEVEL',
  'OTEL_BSP_SCHEDULE_DELAY',
];
const saved = new Map(OTEL_VARIABLES.map((name) => [name, process.env[name]]));
const receivers: Receiver[] = [];
const servers: Server[] = [];
let sdk: OteliteSdk | undefined;

/** The options every test starts from: no HTTP instrumentation and no process hooks unless asked for. */
function start(options: InitOptions = {}): OteliteSdk {
  sdk = init({ instrumentations: { http: false }, shutdownHooks: false, ...options });
  return sdk;
}

async function receiver(): Promise<Receiver> {
  const started = await startReceiver({ port: 0, print: false });
  receivers.push(started);
  return started;
}

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function endSpans(names: string[]): void {
  const tracer = trace.getTracer('init-test');
  for (const name of names) tracer.startSpan(name).end();
}

beforeEach(() => {
  for (const name of OTEL_VARIABLES) delete process.env[name];
});

afterEach(async () => {
  await sdk?.shutdown();
  sdk = undefined;
  diag.disable();
  vi.restoreAllMocks();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('init() settings: options, then OTEL_* variables, then defaults', () => {
  it('options beat the environment: serviceName over OTEL_SERVICE_NAME, endpoint over OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const fromEnvironment = await receiver();
    const fromOptions = await receiver();
    process.env.OTEL_SERVICE_NAME = 'env-service';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = fromEnvironment.url;
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'team=env,deployment.environment.name=test';

    const running = start({ serviceName: 'option-service', endpoint: fromOptions.url, resourceAttributes: { team: 'options' } });
    endSpans(['from-options']);
    await running.forceFlush();

    expect(fromEnvironment.spans()).toEqual([]);
    const [span] = fromOptions.spans();
    expect(span.name).toBe('from-options');
    expect(span.serviceName).toBe('option-service');
    expect(span.resourceAttributes.team).toBe('options');
    expect(span.resourceAttributes['deployment.environment.name']).toBe('test');
    expect(span.resourceAttributes['telemetry.sdk.name']).toBe('otelite');
  });

  it('without options the environment applies: OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces)', async () => {
    const fromEnvironment = await receiver();
    process.env.OTEL_SERVICE_NAME = 'env-service';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `${fromEnvironment.url}/`;

    const running = start();
    endSpans(['from-environment']);
    await running.forceFlush();

    expect(fromEnvironment.spans().map((span) => [span.name, span.serviceName])).toEqual([['from-environment', 'env-service']]);
  });

  it('with neither, the defaults apply: service unknown_service:node, batched spans wait for the flush', async () => {
    const target = await receiver();
    const running = start({ endpoint: target.url });
    endSpans(['a', 'b']);
    // The batch schedule delay is 5 s by default: nothing is sent until then, or until a flush.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.stats().requests).toBe(0);
    await running.forceFlush();
    expect(target.spans().map((span) => span.serviceName)).toEqual(['unknown_service:node', 'unknown_service:node']);
    expect(target.stats().requests).toBe(1);
  });

  it('batch options reach the batch span processor (scheduledDelayMillis: 0 sends without a flush)', async () => {
    const target = await receiver();
    process.env.OTEL_BSP_SCHEDULE_DELAY = '60000';
    start({ endpoint: target.url, batch: { scheduledDelayMillis: 0 } });
    endSpans(['soon']);
    const deadline = Date.now() + 5000;
    while (target.spans().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(target.spans().map((span) => span.name)).toEqual(['soon']);
  });

  it('OTEL_TRACES_EXPORTER=none sends nothing; the exporter option replaces the OTLP exporter', async () => {
    const target = await receiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = target.url;
    process.env.OTEL_TRACES_EXPORTER = 'none';
    const first = start();
    endSpans(['nowhere']);
    await first.shutdown();
    expect(target.stats().requests).toBe(0);

    delete process.env.OTEL_TRACES_EXPORTER;
    const memory = new InMemorySpanExporter();
    const second = start({ exporter: memory });
    endSpans(['in-memory']);
    await second.forceFlush();
    expect(memory.getFinishedSpans().map((span) => span.name)).toEqual(['in-memory']);
    expect(target.stats().requests).toBe(0);
  });

  it('randomTraceFlag: root spans carry traceFlags 3 by default and 1 with randomTraceFlag: false', async () => {
    const flags = (exporter: InMemorySpanExporter) => exporter.getFinishedSpans().map((span) => [span.name, span.spanContext().traceFlags]);
    const byDefault = new InMemorySpanExporter();
    const first = start({ exporter: byDefault });
    endSpans(['random']);
    await first.shutdown();
    const plain = new InMemorySpanExporter();
    const second = start({ exporter: plain, randomTraceFlag: false });
    endSpans(['plain']);
    await second.forceFlush();
    expect([...flags(byDefault), ...flags(plain)]).toEqual([
      ['random', 3],
      ['plain', 1],
    ]);
  });

  it('OTEL_TRACES_EXPORTER=console prints each span as it ends', async () => {
    process.env.OTEL_TRACES_EXPORTER = 'console';
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text: string | Uint8Array) => {
      lines.push(String(text));
      return true;
    });
    const running = start();
    endSpans(['printed']);
    await running.forceFlush();
    vi.mocked(process.stdout.write).mockRestore();
    expect(lines.join('')).toMatch(/^printed trace=[0-9a-f]{32} span=[0-9a-f]{16}/m);
  });

  it('extra span processors get the spans too', async () => {
    const memory = new InMemorySpanExporter();
    const { SimpleSpanProcessor } = await import('../src/index.js');
    process.env.OTEL_TRACES_EXPORTER = 'none';
    const running = start({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    endSpans(['extra']);
    await running.forceFlush();
    expect(memory.getFinishedSpans().map((span) => span.name)).toEqual(['extra']);
  });
});

describe('init() registers the globals', () => {
  it('the tracer provider, an AsyncLocalStorage context manager and W3C trace context + baggage propagation', async () => {
    const running = start({ exporter: new InMemorySpanExporter() });
    expect((trace.getTracerProvider() as unknown as { getDelegate(): unknown }).getDelegate()).toBe(running.tracerProvider);
    const tracer = trace.getTracer('init-test');
    const carrier: Record<string, string> = {};
    await tracer.startActiveSpan('outer', async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      // The context survived the await: the active span is still `outer`.
      expect(trace.getActiveSpan()).toBe(outer);
      const withBaggage = propagation.setBaggage(context.active(), propagation.createBaggage({ user: { value: 'ada' } }));
      propagation.inject(withBaggage, carrier);
      outer.end();
    });
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    expect(parseInt(carrier.traceparent.slice(-2), 16) & 1).toBe(1); // sampled
    expect(carrier.baggage).toBe('user=ada');
  });

  it('propagators: names in options beat OTEL_PROPAGATORS', () => {
    process.env.OTEL_PROPAGATORS = 'tracecontext';
    start({ propagators: ['baggage'], exporter: new InMemorySpanExporter() });
    const tracer = trace.getTracer('init-test');
    const carrier: Record<string, string> = {};
    tracer.startActiveSpan('span', (span) => {
      propagation.inject(propagation.setBaggage(context.active(), propagation.createBaggage({ k: { value: 'v' } })), carrier);
      span.end();
    });
    expect(carrier).toEqual({ baggage: 'k=v' });
  });

  it('propagators: a propagator object of your own becomes the global one', () => {
    const custom = {
      inject: (_context: unknown, carrier: Record<string, string>) => {
        carrier['x-custom'] = 'yes';
      },
      extract: (active: ReturnType<typeof context.active>) => active,
      fields: () => ['x-custom'],
    };
    start({ propagators: custom, exporter: new InMemorySpanExporter() });
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    expect(carrier).toEqual({ 'x-custom': 'yes' });
    expect(propagation.fields()).toEqual(['x-custom']);
  });

  it('OTEL_LOG_LEVEL installs a console diagnostic logger first, so bad variables are reported', () => {
    process.env.OTEL_LOG_LEVEL = 'warn';
    process.env.OTEL_BSP_SCHEDULE_DELAY = 'soon-ish';
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      warnings.push(args.join(' '));
    });
    // @opentelemetry/api 1.10's console logger calls the console methods it found when it loaded, not the
    // spied ones: there the line shows on the console's own stderr stream.
    const consoleStderr = (console as unknown as { _stderr?: NodeJS.WritableStream })._stderr;
    if (consoleStderr !== undefined) {
      vi.spyOn(consoleStderr, 'write').mockImplementation((chunk: unknown) => {
        warnings.push(String(chunk));
        return true;
      });
    }
    start();
    expect(warnings.some((line) => line.includes('OTEL_BSP_SCHEDULE_DELAY="soon-ish"'))).toBe(true);
  });
});

describe('init() called twice', () => {
  it('warns once and returns the running SDK; after shutdown() a new one starts', async () => {
    const warnings: string[] = [];
    const logger: DiagLogger = {
      error() {},
      warn: (message: string) => warnings.push(message),
      info() {},
      debug() {},
      verbose() {},
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    const first = start();
    expect(start({ serviceName: 'ignored' })).toBe(first);
    expect(start()).toBe(first);
    expect(warnings.filter((message) => message.includes('init() was called again'))).toHaveLength(1);

    await first.shutdown();
    const memory = new InMemorySpanExporter();
    const second = start({ exporter: memory });
    expect(second).not.toBe(first);
    expect((trace.getTracerProvider() as unknown as { getDelegate(): unknown }).getDelegate()).toBe(second.tracerProvider);
    endSpans(['after-restart']);
    await second.forceFlush();
    expect(memory.getFinishedSpans().map((span) => span.name)).toEqual(['after-restart']);
  });

  it('forceFlush() and shutdown() never reject, and shutdown() is idempotent', async () => {
    const running = start({
      exporter: {
        export: () => Promise.reject(new Error('exporter broke')),
        shutdown: () => Promise.reject(new Error('shutdown broke')),
      },
    });
    endSpans(['doomed']);
    await expect(running.forceFlush()).resolves.toBeUndefined();
    const stopping = running.shutdown();
    expect(running.shutdown()).toBe(stopping);
    await expect(stopping).resolves.toBeUndefined();
  });
});

describe('OTEL_SDK_DISABLED=true', () => {
  it('records and exports nothing, but trace context still crosses a real HTTP hop', async () => {
    const target = await receiver();
    process.env.OTEL_SDK_DISABLED = 'true';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = target.url;

    const seenByDownstream: IncomingHttpHeaders[] = [];
    const downstream = await listen(
      createServer((request, response) => {
        seenByDownstream.push(request.headers);
        response.end('ok');
      }),
    );
    const seenByFront: IncomingHttpHeaders[] = [];
    const front = await listen(
      createServer(async (request, response) => {
        seenByFront.push(request.headers);
        await (await fetch(`${downstream}/next`)).text();
        response.end('done');
      }),
    );
    const running = start({ instrumentations: { http: true } });

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const body = await new Promise<string>((resolve, reject) => {
      const outgoing = httpRequest(`${front}/start`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(body).toBe('done');

    const incoming = String(seenByFront[0].traceparent);
    const incomingTraceId = incoming.split('-')[1];
    const forwarded = String(seenByDownstream[0].traceparent);
    expect(forwarded).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    expect(forwarded.split('-')[1]).toBe(incomingTraceId);

    endSpans(['not-recorded']);
    expect(trace.getTracer('init-test').startSpan('probe').isRecording()).toBe(false);
    await running.forceFlush();
    await running.shutdown();
    expect(target.stats().requests).toBe(0);
  });
});

describe('OTLP protocol and compression through init options', () => {
  /** A recording proxy in front of the receiver: notes the headers of each request, passes it on. */
  async function recordingProxy(target: Receiver): Promise<{ url: string; headers: IncomingHttpHeaders[] }> {
    const headers: IncomingHttpHeaders[] = [];
    const url = await listen(
      createServer((incoming, outgoing) => {
        headers.push(incoming.headers);
        const forward = httpRequest(`${target.url}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        incoming.pipe(forward);
      }),
    );
    return { url, headers };
  }

  it.each([
    ['http/json', 'gzip', 'application/json', 'gzip'],
    ['http/protobuf', 'gzip', 'application/x-protobuf', 'gzip'],
    ['http/json', 'none', 'application/json', undefined],
  ] as const)('protocol %s, compression %s: the receiver decodes the spans', async (protocol, compression, contentType, encoding) => {
    const target = await receiver();
    const proxy = await recordingProxy(target);
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = protocol === 'http/json' ? 'http/protobuf' : 'http/json';
    const running = start({ endpoint: proxy.url, protocol, compression, headers: { 'x-tenant': 'blue' } });
    endSpans(['encoded']);
    await running.forceFlush();
    expect(proxy.headers).toHaveLength(1);
    expect(proxy.headers[0]['content-type']).toBe(contentType);
    expect(proxy.headers[0]['content-encoding']).toBe(encoding);
    expect(proxy.headers[0]['x-tenant']).toBe('blue');
    expect(target.spans().map((span) => span.name)).toEqual(['encoded']);
  });
});

describe('shutdown hooks', () => {
  it('are installed by default, not with shutdownHooks: false, and removed by shutdown()', async () => {
    const before = ['SIGTERM', 'SIGINT', 'beforeExit'].map((event) => process.listenerCount(event));
    const hooked = init({ instrumentations: { http: false }, exporter: new InMemorySpanExporter() });
    expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((event) => process.listenerCount(event))).toEqual(before.map((count) => count + 1));
    await hooked.shutdown();
    expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((event) => process.listenerCount(event))).toEqual(before);

    start({ exporter: new InMemorySpanExporter() });
    expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((event) => process.listenerCount(event))).toEqual(before);
  });

  it('beforeExit flushes pending spans', async () => {
    const memory = new InMemorySpanExporter();
    const running = init({ instrumentations: { http: false }, exporter: memory });
    sdk = running;
    endSpans(['pending']);
    expect(memory.getFinishedSpans()).toEqual([]);
    process.emit('beforeExit', 0);
    const deadline = Date.now() + 2000;
    while (memory.getFinishedSpans().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(memory.getFinishedSpans().map((span) => span.name)).toEqual(['pending']);
  });
});

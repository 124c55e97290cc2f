import { SpanKind, SpanStatusCode, type HrTime, type SpanContext } from '@opentelemetry/api';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  OTLPTraceExporter,
  resourceFromAttributes,
  SimpleSpanProcessor,
  TracerProvider,
  type FinishedSpan,
} from '../../../src/index.js';

/**
 * The demo's two services (examples/demo/frontend.mjs → backend.mjs over fetch) exporting to a real
 * backend, plus one hand-made span with every kind of data. What the applications created is taken
 * from the applications themselves: each service also runs otelite's console exporter
 * (`OTEL_TRACES_EXPORTER=otlp,console`), whose one line per span is the ground truth the backend's view
 * is compared with; the hand-made span is kept by an `InMemorySpanExporter` next to the OTLP one.
 */

export type Protocol = 'http/protobuf' | 'http/json';
export type Compression = 'gzip' | 'none';

/** A span as the application's console exporter printed it. */
export interface PrintedSpan {
  service: string;
  pid: number;
  name: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  durationMillis: number;
  status: string;
  attributes: Record<string, unknown>;
}

/** One request sent to the frontend. */
export interface SentRequest {
  item: string;
  status: number;
}

/** The hand-made span and what it was given. */
export interface TypedSpanRecord {
  finished: FinishedSpan;
  startTime: HrTime;
  endTime: HrTime;
  eventTime: HrTime;
  exceptionTime: HrTime;
  linked: SpanContext;
  exception: Error;
}

export interface ScenarioRun {
  backendUrl: string;
  requests: SentRequest[];
  spans: PrintedSpan[];
  typed: TypedSpanRecord;
  /** How each service process ended. */
  endings: { code: number | null; signal: NodeJS.Signals | null }[];
  /** From 10 s before the scenario began (the hand-made span starts in the past) to a second after it ended. */
  window: { start: Date; end: Date };
}

/** The items asked for: two in stock, and "unicorn", which the backend does not know (500 → 502). */
export const ITEMS = ['42', '7', 'unicorn'] as const;
export const TYPED_SERVICE = 'typed-attributes';

const root = process.cwd();
const LINE =
  /^(.+) trace=([0-9a-f]{32}) span=([0-9a-f]{16}) parent=(\S+) kind=([A-Z]+) duration=([\d.]+)ms status=(UNSET|OK|ERROR(?:\(".*"\))?) attributes=(\{.*\})(?: events=\d+)?(?: links=\d+)?$/;

function parsePrintedSpans(service: string, pid: number, output: string): PrintedSpan[] {
  const spans: PrintedSpan[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (match === null) throw new Error(`an unexpected line from the ${service} service: ${line}`);
    const [, name, traceId, spanId, parent, kind, duration, status, attributes] = match;
    spans.push({
      service,
      pid,
      name,
      traceId,
      spanId,
      parentSpanId: parent === '-' ? '' : parent,
      kind: kind as PrintedSpan['kind'],
      durationMillis: Number(duration),
      status,
      attributes: JSON.parse(attributes) as Record<string, unknown>,
    });
  }
  return spans;
}

interface StartedService {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startService(name: 'frontend' | 'backend', args: string[], environment: NodeJS.ProcessEnv): Promise<StartedService> {
  const child = fork(join(root, 'examples/demo', `${name}.mjs`), args, {
    cwd: root,
    env: environment,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port, stdout: () => output, exited }));
    child.once('exit', (code) => reject(new Error(`the ${name} service exited before listening (code ${code})`)));
  });
}

/** The environment of a service: this process's, without any OTEL_* setting, plus the run's. */
function serviceEnvironment(protocol: Protocol, compression: Compression): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('OTEL_')) environment[key] = value;
  return {
    ...environment,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_COMPRESSION: compression,
    OTEL_TRACES_EXPORTER: 'otlp,console',
  };
}

/** Whole seconds a little in the past, so the explicit times are plainly explicit. */
function explicitTimes(): Pick<TypedSpanRecord, 'startTime' | 'endTime' | 'eventTime' | 'exceptionTime'> {
  const seconds = Math.floor(Date.now() / 1000) - 3;
  return {
    startTime: [seconds, 123_456_789],
    eventTime: [seconds, 500_000_001],
    exceptionTime: [seconds + 1, 7],
    endTime: [seconds + 1, 987_654_321],
  };
}

/**
 * The span with typed attributes, an event, a link (to the backend span of the failed request) and a
 * recorded exception, all at explicit times; exported with the run's protocol and compression.
 */
async function sendTypedSpan(otlpUrl: string, protocol: Protocol, compression: Compression, linked: SpanContext): Promise<TypedSpanRecord> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': TYPED_SERVICE, 'deployment.environment.name': 'e2e' }),
    spanProcessors: [
      new SimpleSpanProcessor(memory),
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces`, protocol, compression })),
    ],
  });
  const times = explicitTimes();
  const exception = new TypeError('the unicorn is out of stock');
  const span = provider.getTracer('jaeger-e2e', '1.2.3').startSpan('reconcile stock', {
    kind: SpanKind.PRODUCER,
    startTime: times.startTime,
    attributes: {
      'item.name': 'unicorn',
      'item.count': 42,
      'item.weight': 1.5,
      'item.available': false,
      'item.tags': ['rare', 'magic'],
      'item.sizes': [1, 2, 3],
      'item.ratios': [0.25, 0.5],
      'item.flags': [true, false],
    },
    links: [{ context: linked, attributes: { 'link.reason': 'the failed checkout', 'link.attempt': 2 } }],
  });
  span.addEvent('cache miss', { 'cache.key': 'stock:unicorn', 'cache.hit': false, 'cache.age_seconds': 3.25 }, times.eventTime);
  span.recordException(exception, times.exceptionTime);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'stock mismatch' });
  span.end(times.endTime);
  await provider.shutdown();
  const [finished] = memory.getFinishedSpans();
  return { finished, ...times, linked, exception };
}

/**
 * Runs the scenario against the OTLP/HTTP endpoint `otlpUrl` and resolves once every service has
 * ended and flushed: backend and frontend start, three requests go to the frontend, both get SIGTERM
 * (init()'s hooks flush on the way out), then the hand-made span is sent.
 */
export async function runTwoServiceScenario(otlpUrl: string, protocol: Protocol, compression: Compression): Promise<ScenarioRun> {
  const windowStart = new Date(Date.now() - 10_000); // the hand-made span starts 3 s in the past
  const environment = serviceEnvironment(protocol, compression);
  const backend = await startService('backend', [otlpUrl], environment);
  const backendUrl = `http://127.0.0.1:${backend.port}`;
  let frontend: StartedService | undefined;
  try {
    frontend = await startService('frontend', [otlpUrl, backendUrl], environment);
    const requests: SentRequest[] = [];
    for (const item of ITEMS) {
      const response = await fetch(`http://127.0.0.1:${frontend.port}/checkout/${item}`);
      await response.text();
      requests.push({ item, status: response.status });
    }
    frontend.child.kill('SIGTERM');
    backend.child.kill('SIGTERM');
    const endings = await Promise.all([frontend.exited, backend.exited]);
    const spans = [
      ...parsePrintedSpans('frontend', frontend.child.pid!, frontend.stdout()),
      ...parsePrintedSpans('backend', backend.child.pid!, backend.stdout()),
    ];
    const failedBackendSpan = spans.find((span) => span.service === 'backend' && span.attributes['http.response.status_code'] === 500);
    if (failedBackendSpan === undefined) throw new Error('the backend printed no span for the failed request');
    const linked: SpanContext = { traceId: failedBackendSpan.traceId, spanId: failedBackendSpan.spanId, traceFlags: 1 };
    const typed = await sendTypedSpan(otlpUrl, protocol, compression, linked);
    return { backendUrl, requests, spans, typed, endings, window: { start: windowStart, end: new Date(Date.now() + 1000) } };
  } finally {
    frontend?.child.kill('SIGKILL');
    backend.child.kill('SIGKILL');
  }
}

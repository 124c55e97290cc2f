import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { reportError } from '../diagnostics/report.js';
import type { FinishedSpan } from '../trace/finished-span.js';
import { ExportResultCode, type ExportResult, type SpanExporter } from './span-exporter.js';

/** Where {@link ConsoleSpanExporter} writes: anything with a `write(text)` method, like a Node `Writable`. */
export interface TextSink {
  write(text: string): unknown;
}

/** Options of {@link ConsoleSpanExporter}. */
export interface ConsoleSpanExporterOptions {
  /** Where the lines go. Default `process.stdout` where there is one, else `console.log` (one call per line). */
  stream?: TextSink;
}

const SUCCESS: ExportResult = Object.freeze({ code: ExportResultCode.SUCCESS });
const KIND_NAMES: Record<number, string> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/**
 * Writes one readable line per span, for people: name, trace and span ids, parent id, kind, duration,
 * status, attributes, and event/link counts when there are any. For example:
 *
 * ```text
 * GET /users/:id trace=4bf9...4736 span=00f0...02b7 parent=- kind=SERVER duration=1.204ms status=OK
 * attributes={"http.request.method":"GET"}
 * ```
 *
 * @example
 * ```ts
 * const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
 * ```
 */
export class ConsoleSpanExporter implements SpanExporter {
  readonly #stream: TextSink | undefined;
  #stopped = false;

  constructor(options: ConsoleSpanExporterOptions = {}) {
    this.#stream = options?.stream;
  }

  export(spans: readonly FinishedSpan[]): Promise<ExportResult> {
    if (this.#stopped) {
      return Promise.resolve({ code: ExportResultCode.FAILED, error: new Error('the ConsoleSpanExporter has been shut down') });
    }
    let text = '';
    for (const span of spans) text += `${formatSpan(span)}\n`;
    try {
      (this.#stream ?? defaultSink()).write(text);
    } catch (error) {
      return Promise.resolve({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
    return Promise.resolve(SUCCESS);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#stopped = true;
    return Promise.resolve();
  }
}

/** One span as one line. */
function formatSpan(span: FinishedSpan): string {
  try {
    const context = span.spanContext();
    const durationMillis = (span.endTimeNanos - span.startTimeNanos) / 1e6;
    let line =
      `${span.name} trace=${context.traceId} span=${context.spanId} parent=${span.parentSpanContext?.spanId ?? '-'}` +
      ` kind=${KIND_NAMES[span.kind] ?? String(span.kind)} duration=${formatMillis(durationMillis)} status=${formatStatus(span)}` +
      ` attributes=${JSON.stringify(span.attributes)}`;
    if (span.events.length > 0) line += ` events=${span.events.length}`;
    if (span.links.length > 0) line += ` links=${span.links.length}`;
    return line;
  } catch (error) {
    reportError('ConsoleSpanExporter', error, 'formatting a span');
    return `${String(span?.name)} (unprintable)`;
  }
}

function formatMillis(millis: number): string {
  return `${Number(millis.toFixed(3))}ms`;
}

function formatStatus(span: FinishedSpan): string {
  switch (span.status.code) {
    case SpanStatusCode.OK:
      return 'OK';
    case SpanStatusCode.ERROR:
      return span.status.message ? `ERROR(${JSON.stringify(span.status.message)})` : 'ERROR';
    default:
      return 'UNSET';
  }
}

/** `process.stdout` where the runtime has one; else each line goes to `console.log`. */
function defaultSink(): TextSink {
  const stdout = (globalThis as { process?: { stdout?: TextSink } }).process?.stdout;
  if (stdout !== undefined && stdout !== null && typeof stdout.write === 'function') return stdout;
  return {
    write(text: string) {
      for (const line of text.split('\n')) if (line !== '') console.log(line);
    },
  };
}

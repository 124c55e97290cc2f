import { diag, DiagLogLevel, type Tracer } from '@opentelemetry/api';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ExportResultCode, type ExportOptions, type ExportResult, type FinishedSpan, type SpanExporter } from '../../src/index.js';

/**
 * What the reliability tests watch while the SDK runs: the application's view (no exception, no
 * unhandled rejection, an event loop that keeps turning), the SDK's diagnostics, and a counting view of
 * what the processor hands to its exporter.
 */

/** Every diag message, with its level, as one string each. */
export interface DiagCollector {
  readonly messages: string[];
  /** Messages of this call's level or worse, joined: for `not.toContain` checks. */
  text(): string;
  /** How many messages contain `fragment`. */
  count(fragment: string): number;
  clear(): void;
  uninstall(): void;
}

/** Routes every `diag` message (all levels) into memory. */
export function collectDiagnostics(): DiagCollector {
  const messages: string[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]): void => {
      messages.push(`${level}: ${args.map(String).join(' ')}`);
    };
  diag.setLogger({ error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('verbose') }, DiagLogLevel.ALL);
  return {
    messages,
    text: () => messages.join('\n'),
    count: (fragment) => messages.filter((message) => message.includes(fragment)).length,
    clear: () => void (messages.length = 0),
    uninstall: () => diag.disable(),
  };
}

/** Watches the process for what the application must never see from telemetry. */
export interface ApplicationGuard {
  readonly unhandledRejections: unknown[];
  readonly uncaughtExceptions: unknown[];
  uninstall(): void;
}

export function guardApplication(): ApplicationGuard {
  const unhandledRejections: unknown[] = [];
  const uncaughtExceptions: unknown[] = [];
  const onRejection = (reason: unknown): void => void unhandledRejections.push(reason);
  const onException = (error: unknown): void => void uncaughtExceptions.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    unhandledRejections,
    uncaughtExceptions,
    uninstall() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

/** A 10 ms application timer and an event-loop delay histogram, to show the loop keeps turning. */
export interface EventLoopProbe {
  /** How many times the 10 ms interval fired. */
  readonly ticks: number;
  /** The longest event-loop delay seen, in milliseconds. */
  readonly maxDelayMillis: number;
  stop(): void;
}

export function probeEventLoop(): EventLoopProbe {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    get ticks() {
      return ticks;
    },
    get maxDelayMillis() {
      return histogram.max / 1e6;
    },
    stop() {
      clearInterval(interval);
      histogram.disable();
    },
  };
}

/**
 * An exporter that passes everything to `inner` and counts: spans handed over, spans in failed
 * exports, exports in flight at once. It is the processor's-eye view of the exporter (the processor's
 * queue length is `ended - dropped - handedOver`).
 */
export class CountingExporter implements SpanExporter {
  readonly inner: SpanExporter;
  handedOver = 0;
  failedSpans = 0;
  exports = 0;
  failedExports = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** The message of each failed export's error. */
  readonly errors: string[] = [];
  /** Each failed export's error itself (with its `cause` chain). */
  readonly failures: unknown[] = [];

  constructor(inner: SpanExporter) {
    this.inner = inner;
  }

  async export(spans: readonly FinishedSpan[], options?: ExportOptions): Promise<ExportResult> {
    this.handedOver += spans.length;
    this.exports++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const result = await this.inner.export(spans, options);
      if (result.code !== ExportResultCode.SUCCESS) {
        this.failedSpans += spans.length;
        this.failedExports++;
        this.errors.push(String(result.error?.message));
        this.failures.push(result.error);
      }
      return result;
    } finally {
      this.inFlight--;
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Ends `count` spans named `name` right away and returns their span ids. */
export function endSpans(tracer: Tracer, count: number, name = 'work', attributes?: Record<string, string>): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(name, attributes === undefined ? undefined : { attributes });
    ids.push(span.spanContext().spanId);
    span.end();
  }
  return ids;
}

/** Resolves after `millis` on a plain timer. */
export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** How long `work` takes, in milliseconds, and what it returned. */
export async function timed<T>(work: () => Promise<T>): Promise<{ millis: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { millis: performance.now() - started, value };
}

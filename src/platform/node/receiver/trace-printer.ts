import { reportError } from '../../../diagnostics/report.js';
import type { ReceivedSpan } from './received-span.js';
import { formatTraceTree } from './trace-tree.js';

/** Where trace trees are written: `process.stdout`, a file stream, or anything with `write(text)`. */
export interface TraceTreeSink {
  write(text: string): unknown;
  /** A TTY gets colour (when `hasColors()` agrees, which honours NO_COLOR and FORCE_COLOR). */
  isTTY?: boolean;
  hasColors?: () => boolean;
}

/** Settings of {@link createTracePrinter}, all required (the receiver resolves the defaults). */
export interface TracePrinterSettings {
  /** How long a trace must be quiet before it prints, in ms. 0 prints each request's spans at once. */
  traceIdleMillis: number;
  /** Traces buffered at most; past it the oldest prints early. */
  maxPendingTraces: number;
  /** Spans buffered at most over all traces; past it the oldest traces print early. */
  maxPendingSpans: number;
  /** Colour the output; when undefined, colour only a TTY that has colours. */
  color: boolean | undefined;
  /** Formats one quiet trace; default {@link formatTraceTree} followed by an empty line. */
  format?: (spans: readonly ReceivedSpan[], options: { color: boolean; continued: boolean }) => string;
}

/** Buffers received spans per trace and prints each trace as a tree once it has been quiet. */
export interface TracePrinter {
  /** Adds the spans of one request; they print when their trace goes quiet. */
  add(spans: readonly ReceivedSpan[]): void;
  /** Prints every pending trace now. */
  flush(): void;
  /** How many traces wait to print. */
  readonly pendingTraces: number;
}

/** How many printed trace ids are remembered to mark late spans as a continuation. */
const REMEMBERED_PRINTED_TRACES = 1000;

interface PendingTrace {
  spans: ReceivedSpan[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

class BufferedTracePrinter implements TracePrinter {
  readonly #sink: TraceTreeSink;
  readonly #settings: TracePrinterSettings;
  readonly #color: boolean;
  readonly #pending = new Map<string, PendingTrace>();
  readonly #printed = new Set<string>();
  #pendingSpans = 0;

  constructor(sink: TraceTreeSink, settings: TracePrinterSettings) {
    this.#sink = sink;
    this.#settings = settings;
    this.#color = settings.color ?? (sink.isTTY === true && (typeof sink.hasColors !== 'function' || sink.hasColors()));
  }

  get pendingTraces(): number {
    return this.#pending.size;
  }

  add(spans: readonly ReceivedSpan[]): void {
    for (const span of spans) {
      let trace = this.#pending.get(span.traceId);
      if (trace === undefined) {
        if (this.#pending.size >= this.#settings.maxPendingTraces) this.#printOldest();
        trace = { spans: [], timer: undefined };
        this.#pending.set(span.traceId, trace);
      }
      trace.spans.push(span);
      this.#pendingSpans++;
      while (this.#pendingSpans > this.#settings.maxPendingSpans && this.#pending.size > 0) this.#printOldest();
    }
    if (this.#settings.traceIdleMillis <= 0) {
      this.flush();
      return;
    }
    // Restart each touched trace's quiet period once per request.
    let previous = '';
    for (const span of spans) {
      if (span.traceId === previous) continue;
      previous = span.traceId;
      const trace = this.#pending.get(span.traceId);
      if (trace === undefined) continue;
      if (trace.timer === undefined) {
        const traceId = span.traceId;
        trace.timer = setTimeout(() => this.#print(traceId), this.#settings.traceIdleMillis);
        trace.timer.unref();
      } else {
        trace.timer.refresh();
      }
    }
  }

  flush(): void {
    for (const traceId of [...this.#pending.keys()]) this.#print(traceId);
  }

  #printOldest(): void {
    const oldest = this.#pending.keys().next();
    if (oldest.done !== true) this.#print(oldest.value);
  }

  #print(traceId: string): void {
    const trace = this.#pending.get(traceId);
    if (trace === undefined) return;
    this.#pending.delete(traceId);
    this.#pendingSpans -= trace.spans.length;
    if (trace.timer !== undefined) clearTimeout(trace.timer);
    const continued = this.#printed.has(traceId);
    if (!continued) {
      if (this.#printed.size >= REMEMBERED_PRINTED_TRACES) this.#printed.delete(this.#printed.values().next().value!);
      this.#printed.add(traceId);
    }
    try {
      const format = this.#settings.format;
      this.#sink.write(
        format === undefined
          ? `${formatTraceTree(trace.spans, { color: this.#color, continued })}\n`
          : format(trace.spans, { color: this.#color, continued }),
      );
    } catch (error) {
      reportError('receiver.print', error);
    }
  }
}

/**
 * Creates the printer behind the receiver's output: spans are buffered per trace id, and a trace prints
 * as one tree when no span of it has arrived for `traceIdleMillis` (timers are unref'd, so a pending
 * trace never keeps the process alive; call `flush()` before exiting). Spans of a trace that arrive
 * after it printed print as a continuation.
 *
 * @example
 * ```ts
 * const printer = createTracePrinter(process.stdout, { traceIdleMillis: 500, maxPendingTraces: 1000,
 * maxPendingSpans: 10_000, color: undefined });
 * printer.add(toReceivedSpans(request).spans);
 * printer.flush();
 * ```
 */
export function createTracePrinter(sink: TraceTreeSink, settings: TracePrinterSettings): TracePrinter {
  return new BufferedTracePrinter(sink, settings);
}

import { describe, expect, it } from 'vitest';
import {
  BatchSpanProcessor,
  ExportResultCode,
  TracerProvider,
  type ExportResult,
  type FinishedSpan,
  type SpanExporter,
} from '../../src/index.js';
import { EXPORT_AT_EXIT, exportPendingAtExit, type ExporterAtExit } from '../../src/export/export-at-exit.js';

/** An exporter whose asynchronous exports never finish, and which records what it is given at exit. */
class StuckExporter implements SpanExporter, ExporterAtExit {
  readonly atExit: Array<{ names: string[]; timeoutMillis: number }> = [];
  exportCalls = 0;
  export(): Promise<ExportResult> {
    this.exportCalls++;
    return new Promise(() => undefined);
  }
  async shutdown(): Promise<void> {}
  [EXPORT_AT_EXIT](spans: readonly FinishedSpan[], timeoutMillis: number): ExportResult {
    this.atExit.push({ names: spans.map((span) => span.name), timeoutMillis });
    return { code: ExportResultCode.SUCCESS };
  }
}

function setup(options: ConstructorParameters<typeof BatchSpanProcessor>[1]) {
  const exporter = new StuckExporter();
  const processor = new BatchSpanProcessor(exporter, {
    scheduledDelayMillis: 60_000,
    maxExportBatchSize: 2,
    exportTimeoutMillis: 60_000,
    ...options,
  });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  return { exporter, processor, tracer: provider.getTracer('exit') };
}

describe('BatchSpanProcessor at exit', () => {
  it('hands the unfinished export and the queue to the exporter, once, with the bound', async () => {
    const { exporter, tracer } = setup({ exportAtExitTimeoutMillis: 1234 });
    for (const name of ['a', 'b', 'c']) tracer.startSpan(name).end();
    // The full batch [a, b] is being exported (and never finishes); c waits in the queue.
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.exportCalls).toBe(1);
    exportPendingAtExit();
    expect(exporter.atExit).toEqual([{ names: ['a', 'b', 'c'], timeoutMillis: 1234 }]);
    exportPendingAtExit();
    expect(exporter.atExit).toHaveLength(1);
  });

  it('0 disables it', () => {
    const { exporter, tracer } = setup({ exportAtExitTimeoutMillis: 0 });
    tracer.startSpan('a').end();
    exportPendingAtExit();
    expect(exporter.atExit).toEqual([]);
  });

  it('a processor that was shut down takes no part', async () => {
    const exporter = new StuckExporter();
    exporter.export = async () => ({ code: ExportResultCode.SUCCESS });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 });
    new TracerProvider({ spanProcessors: [processor] }).getTracer('exit').startSpan('a').end();
    await processor.shutdown();
    exportPendingAtExit();
    expect(exporter.atExit).toEqual([]);
  });

  it('an invalid bound falls back to the default (2000 ms)', () => {
    const { exporter, tracer } = setup({ exportAtExitTimeoutMillis: -1 });
    tracer.startSpan('a').end();
    exportPendingAtExit();
    expect(exporter.atExit).toEqual([{ names: ['a'], timeoutMillis: 2000 }]);
  });
});

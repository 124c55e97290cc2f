import { describe, expect, it } from 'vitest';
import { ExportResultCode, type CallbackExportResult, type ExportResult, type FinishedSpan } from '../../src/index.js';
import { invokeExport } from '../../src/processing/invoke-export.js';
import { finishedSpan } from '../export/otlp/span-fixtures.js';

const SPANS: readonly FinishedSpan[] = [finishedSpan({ name: 'one' })];

/** Runs invokeExport and collects every result it delivers, waiting a few turns for late ones. */
async function results(exporter: object, turns = 3): Promise<{ sync: ExportResult[]; all: ExportResult[] }> {
  const all: ExportResult[] = [];
  invokeExport(exporter as never, SPANS, new AbortController().signal, (result) => all.push(result));
  const sync = all.slice();
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  return { sync, all };
}

describe('invokeExport', () => {
  it('takes a promise exporter’s result and hands it the signal', async () => {
    const signal = new AbortController().signal;
    let seen: AbortSignal | undefined;
    const delivered: ExportResult[] = [];
    invokeExport(
      {
        export: (_spans: readonly FinishedSpan[], options?: { signal?: AbortSignal }) => {
          seen = options?.signal;
          return Promise.resolve({ code: ExportResultCode.SUCCESS });
        },
        shutdown: () => Promise.resolve(),
      },
      SPANS,
      signal,
      (result) => delivered.push(result),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toBe(signal);
    expect(delivered).toEqual([{ code: ExportResultCode.SUCCESS }]);
  });

  it('takes a callback exporter’s result, synchronously when it calls back at once', async () => {
    const exporter = {
      spans: [] as unknown[],
      export(spans: unknown[], resultCallback: (result: CallbackExportResult) => void): void {
        this.spans.push(...spans);
        resultCallback({ code: 0 });
      },
    };
    const { sync, all } = await results(exporter);
    expect(sync).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(all).toHaveLength(1);
    expect(exporter.spans).toEqual(SPANS);
  });

  it('waits for a callback that comes later, and for an async function that calls back', async () => {
    const later = {
      export: (_spans: unknown[], callback: (result: CallbackExportResult) => void) => void setTimeout(() => callback({ code: 0 }), 5),
    };
    const delivered: ExportResult[] = [];
    await new Promise<void>((resolve) =>
      invokeExport(later as never, SPANS, new AbortController().signal, (result) => {
        delivered.push(result);
        resolve();
      }),
    );
    expect(delivered).toEqual([{ code: ExportResultCode.SUCCESS }]);

    const asyncCallback = {
      async export(_spans: unknown[], callback: (result: CallbackExportResult) => void): Promise<void> {
        await Promise.resolve();
        callback({ code: 1, error: new Error('collector said no') });
      },
    };
    const { all } = await results(asyncCallback);
    expect(all).toHaveLength(1);
    expect(all[0].code).toBe(ExportResultCode.FAILED);
    expect(all[0].error?.message).toBe('collector said no');
  });

  it('turns throws, rejections, unknown codes and missing results into FAILED, once each', async () => {
    const throwing = await results({
      export: () => {
        throw new Error('sync boom');
      },
    });
    expect(throwing.sync.map((result) => [result.code, result.error?.message])).toEqual([[ExportResultCode.FAILED, 'sync boom']]);

    const rejecting = await results({ export: () => Promise.reject('async boom') });
    expect(rejecting.all.map((result) => [result.code, result.error?.message])).toEqual([[ExportResultCode.FAILED, 'async boom']]);

    const unknownCode = await results({ export: (_spans: unknown[], callback: (result: unknown) => void) => callback({ code: 7 }) });
    expect(unknownCode.all.map((result) => result.code)).toEqual([ExportResultCode.FAILED]);
    expect(unknownCode.all[0].error?.message).toMatch(/code 7/);

    const noResult = await results({ export: (_spans: unknown[]) => Promise.resolve(undefined) });
    expect(noResult.all.map((result) => [result.code, result.error?.message])).toEqual([
      [ExportResultCode.FAILED, 'the exporter returned no result'],
    ]);

    const calledBackTwice = await results({
      export: (_spans: unknown[], callback: (result: CallbackExportResult) => void) => {
        callback({ code: 0 });
        callback({ code: 1 });
        return Promise.resolve({ code: ExportResultCode.FAILED });
      },
    });
    expect(calledBackTwice.all).toEqual([{ code: ExportResultCode.SUCCESS }]);
  });
});

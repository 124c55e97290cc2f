import { describe, expect, it } from 'vitest';
import { createExitExport } from '../../../src/export/otlp/otlp-exit-export.js';
import type { HttpTransport } from '../../../src/transport/http-transport.js';
import { finishedSpan } from './span-fixtures.js';

// What an OTLP exporter's exit export says is left to send of a batch whose export has not finished
// in the processor's eyes (UNSENT_AT_EXIT), before and after the exporter finished sending it.

function exitExport() {
  return createExitExport({
    transport: {} as HttpTransport,
    encode: () => new Uint8Array(0),
    maxRequestBytes: 1 << 20,
    destination: 'http://127.0.0.1:4318/v1/traces',
    isShutdown: () => false,
  });
}

describe('the exit export of an OTLP exporter', () => {
  const a = finishedSpan({ name: 'a' });
  const b = finishedSpan({ name: 'b' });
  const c = finishedSpan({ name: 'c' });

  it('answers the whole batch for a batch it never saw', () => {
    const batch = [a, b];
    expect(exitExport().unsent(batch)).toBe(batch);
  });

  it('answers the spans of the requests not done, while sending and after it finished', () => {
    const exit = exitExport();
    const batch = [a, b, c];
    const [first, second] = exit.track(batch, [{ spans: [a, b] }, { spans: [c] }]);
    expect(exit.unsent(batch)).toEqual([a, b, c]);
    first.done = true;
    expect(exit.unsent(batch)).toEqual([c]);
    // Sending ended with the second request undelivered (out of time, say): it stays unsent.
    exit.finish(batch);
    expect(exit.unsent(batch)).toEqual([c]);
    expect(second.done).toBe(false);
  });

  it('answers nothing for a delivered batch once its export finished (and holds none of its spans)', () => {
    const exit = exitExport();
    const batch = [a, b, c];
    const requests = exit.track(batch, [{ spans: [a, b] }, { spans: [c] }]);
    for (const request of requests) request.done = true;
    exit.finish(batch);
    expect(exit.unsent(batch)).toEqual([]);
    // finish() of a batch never tracked changes nothing.
    const other = [a];
    exit.finish(other);
    expect(exit.unsent(other)).toBe(other);
  });
});

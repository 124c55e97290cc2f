/*
 * The output buffer of the Node entry's one-pass batch writer (simple-spans.ts, with span-id-batch.ts
 * and span-attribute-memo.ts writing into it): a buffer of an estimated size, grown (its bytes copied)
 * when a write needs more room. The writers keep their position themselves and call
 * {@link ensureOutput} before each write whose end they know, then write through the live bindings
 * {@link output} and {@link outputView}.
 */

/** The buffer being written (live binding: read it again after {@link ensureOutput}). */
export let output = new Uint8Array(0);
/** A view of {@link output}'s whole `ArrayBuffer` (offset 0). */
export let outputView = new DataView(output.buffer);

/** Starts a new output of at least `capacity` bytes, not zero-filled (`Buffer.allocUnsafeSlow`: an `ArrayBuffer` of its own). */
export function startOutput(capacity: number): void {
  const buffer = Buffer.allocUnsafeSlow(capacity).buffer as ArrayBuffer;
  output = new Uint8Array(buffer, 0, capacity);
  outputView = new DataView(buffer, 0, capacity);
}

/** Makes {@link output} at least `end` bytes long, keeping the bytes written so far. */
export function ensureOutput(end: number): void {
  if (end > output.length) growOutput(end);
}

function growOutput(end: number): void {
  const previous = output;
  startOutput(Math.max(end, previous.length * 2));
  output.set(previous);
}

/** The first `length` bytes of the output (a view on its own `ArrayBuffer`, at offset 0); the writer lets go of it. */
export function takeOutput(length: number): Uint8Array {
  const bytes = new Uint8Array(output.buffer as ArrayBuffer, 0, length);
  releaseOutput();
  return bytes;
}

/** Lets go of the output (after a batch, written or given up). */
export function releaseOutput(): void {
  output = new Uint8Array(0);
  outputView = new DataView(output.buffer);
}

import type { SpanProcessor } from '../trace/span-processor.js';

/** Processors told to export every span they are given, sampled flag set or not. */
const exportingUnsampled = new WeakSet<SpanProcessor>();

/**
 * Tells otelite's `BatchSpanProcessor` or `SimpleSpanProcessor` to export the spans it is given whose
 * sampled flag is not set, too: for a processor that only receives spans another processor chose (the
 * {@link KeepTracesProcessor}'s downstream), where the flag no longer says whether to export.
 * @internal
 */
export function exportUnsampledSpans(processor: SpanProcessor): void {
  exportingUnsampled.add(processor);
}

/** Whether {@link exportUnsampledSpans} was called for `processor`. @internal */
export function exportsUnsampledSpans(processor: SpanProcessor): boolean {
  return exportingUnsampled.has(processor);
}

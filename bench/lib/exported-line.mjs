/** A check line for cases that push spans through a batch processor: how many reached the exporter. */

/** `exported: otelite 100.0% of N spans, opentelemetry-js 100.0% of M` over all rounds. */
export function exportedLine(sides) {
  const parts = Object.entries(sides).map(([side, { runs }]) => {
    const spans = runs.reduce((sum, r) => sum + r.spans, 0);
    const exported = runs.reduce((sum, r) => sum + r.exported, 0);
    return `${side} ${((100 * exported) / spans).toFixed(1)}% of ${spans.toLocaleString('en-US')} spans`;
  });
  return `reached the exporter: ${parts.join(', ')}`;
}

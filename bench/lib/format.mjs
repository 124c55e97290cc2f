/** Number and line formatting for the printed report and BENCHMARKS.md. */

/** A number with about three significant digits and thousands separators. */
export function formatNumber(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio with two decimals and a trailing ×. */
export function formatRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

/** `median (min–max)` of a summary. */
export function formatSummary(summary, unit) {
  if (!summary) return '–';
  const spread = summary.values?.length > 1 ? ` (${formatNumber(summary.min)}–${formatNumber(summary.max)})` : '';
  return `${formatNumber(summary.median)} ${unit}${spread}`;
}

/** A byte count in B, KiB or MiB. */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes < 10 * 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 10 * 1024 * 1024) return `${formatNumber(bytes / 1024)} KiB`;
  return `${formatNumber(bytes / 1024 / 1024)} MiB`;
}

/** `ratio (min–max of the per-round ratios)`. */
export function formatRatioSummary(ratio, range) {
  const spread = range && range.values?.length > 1 ? ` (${range.min.toFixed(2)}–${range.max.toFixed(2)})` : '';
  return `${formatRatio(ratio)}${spread}`;
}

/** Pads `text` to `width` characters. */
export function pad(text, width) {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A signed figure: `+1.25`, `−0.24` (an added cost can come out negative within the noise). */
export function formatSigned(value) {
  return value < 0 ? `−${formatNumber(-value)}` : `+${formatNumber(value)}`;
}

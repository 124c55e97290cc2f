/** Small order statistics for benchmark samples. */

/** The values sorted ascending, as a new array. */
function sorted(values) {
  return [...values].sort((a, b) => a - b);
}

/** The value at quantile `q` (0..1), linearly interpolated between neighbours. */
export function quantile(values, q) {
  const s = sorted(values);
  if (s.length === 0) return NaN;
  const position = (s.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return s[below] + (s[above] - s[below]) * (position - below);
}

/** The median of `values`. */
export function median(values) {
  return quantile(values, 0.5);
}

/** Median, min, max and interquartile range of `values`, plus the values themselves. */
export function summarize(values) {
  const s = sorted(values);
  return {
    median: quantile(s, 0.5),
    min: s[0],
    max: s[s.length - 1],
    q1: quantile(s, 0.25),
    q3: quantile(s, 0.75),
    values: [...values],
  };
}

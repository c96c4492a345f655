// The Prometheus text format of /metrics, read into {name: sum over its label sets} (enough for totals
// and gauges; labels and histograms' buckets are not needed by the dashboard).

export function parseMetrics(text) {
  const out = {};
  for (const line of String(text).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) out[match[1]] = (out[match[1]] ?? 0) + value;
  }
  return out;
}

/** Per-second rates of counters between two samples {at (ms), values}; null until there are two. */
export function rate(before, after, name) {
  if (!before || !after || !(name in after.values) || !(name in before.values)) return null;
  const seconds = (after.at - before.at) / 1000;
  return seconds > 0 ? Math.max(0, after.values[name] - before.values[name]) / seconds : null;
}

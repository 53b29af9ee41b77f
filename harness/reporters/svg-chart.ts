/**
 * Line charts as inline SVG for the self-contained reports (no scripts, no
 * network): labelled axes with ticks on linear or log scales, one polyline per
 * series, a legend. Pure.
 */

export interface Axis {
  label: string;
  scale: 'linear' | 'log';
  /** Fixed ticks (value, text); computed from the data when absent. */
  ticks?: Array<{ value: number; text: string }>;
}

export interface Series {
  name: string;
  points: Array<[x: number, y: number]>;
}

export interface ChartSpec {
  title: string;
  x: Axis;
  y: Axis;
  series: Series[];
}

const width = 720;
const height = 300;
const margin = { left: 70, right: 150, top: 30, bottom: 50 };
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** An SVG line chart; a chart without points says so instead of drawing empty axes. */
export function lineChart(spec: ChartSpec): string {
  const points = spec.series.flatMap((series) => series.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (points.length === 0) return `<p class="empty">${escapeHtml(spec.title)}: no data</p>`;
  const xs = scaleFor(spec.x, points.map(([x]) => x), margin.left, width - margin.right);
  const ys = scaleFor(spec.y, points.map(([, y]) => y), height - margin.bottom, margin.top);
  const lines = spec.series.map((series, index) => {
    const color = colors[index % colors.length];
    const drawn = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => [xs.at(x), ys.at(y), x, y] as const);
    const dots = drawn.length <= 60 ? drawn.map(([px, py, x, y]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="2.5" fill="${color}"><title>${escapeHtml(`${series.name}: ${format(x)}, ${format(y)}`)}</title></circle>`).join('') : '';
    const legend = `<text x="${width - margin.right + 10}" y="${margin.top + 6 + index * 16}" fill="${color}">${escapeHtml(series.name)}</text>`;
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${drawn.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>${dots}${legend}`;
  });
  const xTicks = xs.ticks.map((tick) => `<line x1="${xs.at(tick.value).toFixed(1)}" y1="${height - margin.bottom}" x2="${xs.at(tick.value).toFixed(1)}" y2="${height - margin.bottom + 5}" stroke="#666"/><text class="tick x" x="${xs.at(tick.value).toFixed(1)}" y="${height - margin.bottom + 18}" text-anchor="middle">${escapeHtml(tick.text)}</text>`);
  const yTicks = ys.ticks.map((tick) => `<line x1="${margin.left}" y1="${ys.at(tick.value).toFixed(1)}" x2="${width - margin.right}" y2="${ys.at(tick.value).toFixed(1)}" stroke="#e4e4e4"/><text class="tick y" x="${margin.left - 6}" y="${(ys.at(tick.value) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(tick.text)}</text>`);
  return `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(spec.title)}">
<text x="${margin.left}" y="18" font-weight="bold">${escapeHtml(spec.title)}</text>
${yTicks.join('')}
<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="#333"/><line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="#333"/>
${xTicks.join('')}
<text class="axis-label" x="${(margin.left + width - margin.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeHtml(spec.x.label)}</text>
<text class="axis-label" transform="translate(16 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.y.label)}</text>
${lines.join('\n')}
</svg>`;
}

interface Scale {
  at: (value: number) => number;
  ticks: Array<{ value: number; text: string }>;
}

/** Maps data values to pixels between `from` and `to`, with ticks that cover the data. */
function scaleFor(axis: Axis, values: number[], from: number, to: number): Scale {
  if (axis.scale === 'log') {
    const positive = values.filter((value) => value > 0);
    const ticks = axis.ticks ?? logTicks(Math.min(...positive), Math.max(...positive));
    const low = Math.log10(Math.min(...positive, ...ticks.map((tick) => tick.value)));
    const high = Math.log10(Math.max(...positive, ...ticks.map((tick) => tick.value)));
    const span = high - low || 1;
    return { at: (value) => from + ((Math.log10(Math.max(value, 10 ** low)) - low) / span) * (to - from), ticks };
  }
  const ticks = axis.ticks ?? linearTicks(Math.min(0, ...values), Math.max(...values));
  const low = Math.min(...values, ...ticks.map((tick) => tick.value));
  const high = Math.max(...values, ...ticks.map((tick) => tick.value));
  const span = high - low || 1;
  return { at: (value) => from + ((value - low) / span) * (to - from), ticks };
}

/** About five round ticks (steps of 1, 2 or 5 times a power of ten) from `low` to past `high`. */
export function linearTicks(low: number, high: number): Array<{ value: number; text: string }> {
  const range = high - low || Math.abs(high) || 1;
  const magnitude = 10 ** Math.floor(Math.log10(range / 5));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => range / candidate <= 6) ?? 10 * magnitude;
  const ticks: Array<{ value: number; text: string }> = [];
  for (let value = Math.floor(low / step) * step, count = 0; value < high + step && count < 12; value += step, count++) {
    ticks.push({ value, text: format(Number(value.toPrecision(12))) });
  }
  return ticks;
}

/** Powers of ten covering [low, high], with 2 and 5 between them when the range spans at most two decades. */
export function logTicks(low: number, high: number): Array<{ value: number; text: string }> {
  const first = Math.floor(Math.log10(low));
  const last = Math.max(first + 1, Math.ceil(Math.log10(high)));
  const factors = last - first <= 2 ? [1, 2, 5] : [1];
  const ticks: Array<{ value: number; text: string }> = [];
  for (let power = first; power <= last; power++) {
    for (const factor of power === last ? [1] : factors) ticks.push({ value: factor * 10 ** power, text: format(Number((factor * 10 ** power).toPrecision(6))) });
  }
  return ticks;
}

function format(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

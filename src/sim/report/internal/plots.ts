import type { Comparison, StrategyResult } from '../../runner.js';
import {
  type Axis,
  type Frame,
  HEADER_HEIGHT,
  hasData,
  INK,
  MUTED,
  renderAxes,
  renderLegend,
  renderNoData,
  renderSeries,
  renderSvg,
  type Series,
} from './chart.js';
import {
  el,
  escapeXml,
  formatMs,
  formatNumber,
  linearScale,
  logScale,
  type Point,
  type Scale,
} from './svg.js';

/** How a plot is emitted. */
export interface PlotOptions {
  /** A document to save as a `.svg` file (with an XML declaration) rather than inline markup. */
  readonly standalone?: boolean;
}

/** Line colour and dash of a strategy, shared by every plot and the results table. */
export interface StrategyStyle {
  readonly color: string;
  readonly dashed: boolean;
}

/** Okabe–Ito based: distinguishable with the common colour-vision deficiencies, dark enough on white. */
const STRATEGY_COLORS = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#882255',
  '#117733',
];
const POOLED_COLOR = '#4b5563';
/** Tableau 10: model lines, deliberately unlike the strategy colours. */
const MODEL_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#b07aa1',
  '#edc948',
  '#ff9da7',
  '#9c755f',
];
const OTHER_MODELS_COLOR = '#a0a7b1';
/** Models drawn one line each in the load plot; the rest share an "other models" line. */
const MAX_MODEL_LINES = 8;

const WIDTH = 960;
const NO_REQUESTS = 'No successful requests';

/** The style of each result, by index: the pooled reference dashed grey, strategies in colour. */
export function strategyStyles(results: readonly StrategyResult[]): StrategyStyle[] {
  let next = 0;
  return results.map((r) =>
    r.name === 'pooled'
      ? { color: POOLED_COLOR, dashed: true }
      : { color: STRATEGY_COLORS[next++ % STRATEGY_COLORS.length]!, dashed: false },
  );
}

function legendLabel(result: StrategyResult): string {
  return result.name === 'pooled' ? 'pooled (reference)' : result.name;
}

/** A duration axis in milliseconds or seconds, whichever reads better for the domain. */
function durationAxis(scale: Scale, title: string): Axis {
  if (scale.log) {
    return { scale, label: title, format: (ms) => formatMs(ms) };
  }
  const seconds = scale.domain[1] >= 2000;
  return {
    scale,
    label: `${title} (${seconds ? 's' : 'ms'})`,
    format: (ms) => formatNumber(seconds ? ms / 1000 : ms),
  };
}

function percentAxis(scale: Scale, title: string): Axis {
  return { scale, label: title, format: (share) => `${formatNumber(share * 100)}%` };
}

/**
 * Bucket starts and ends of every result: the shared time domain. With `arrivalsOnly`, only
 * buckets that requests arrived in (the latency series ends with the arrivals; load goes on
 * until the last request settles).
 */
function timeExtent(comparison: Comparison, arrivalsOnly = false): number[] {
  const values: number[] = [0];
  for (const r of comparison.results) {
    const { bucketMs, buckets } = r.report.series;
    for (const b of buckets) {
      if (!arrivalsOnly || b.arrivals > 0) values.push(b.start, b.start + bucketMs);
    }
  }
  return values;
}

function bucketMid(start: number, bucketMs: number): number {
  return start + (Number.isFinite(bucketMs) ? bucketMs / 2 : 0);
}

function plotFrame(top: number, height: number): Frame {
  const left = 76;
  return { left, top, width: WIDTH - left - 36, height };
}

/**
 * p95 latency of each time bucket (by arrival), one line per result. Buckets without a
 * successful request leave a gap.
 */
export function latencyOverTimePlot(comparison: Comparison, options: PlotOptions = {}): string {
  const styles = strategyStyles(comparison.results);
  const series: Series[] = comparison.results.map((r, i) => {
    const { bucketMs, buckets } = r.report.series;
    return {
      key: r.name,
      label: legendLabel(r),
      color: styles[i]!.color,
      dashed: styles[i]!.dashed,
      points: buckets.map(
        (b): Point =>
          b.latency.count > 0 ? [bucketMid(b.start, bucketMs), b.latency.p95] : [Number.NaN, 0],
      ),
    };
  });
  const legend = renderLegend(series, 76, HEADER_HEIGHT + 4, WIDTH - 100);
  const frame = plotFrame(HEADER_HEIGHT + legend.height + 16, 280);
  const height = frame.top + frame.height + 56;
  const x = durationAxis(
    linearScale(timeExtent(comparison, true), [frame.left, frame.left + frame.width], {
      ticks: 10,
      tight: true,
    }),
    'time since start',
  );
  const y = durationAxis(
    linearScale(
      series.flatMap((s) => s.points.map((p) => p[1])),
      [frame.top + frame.height, frame.top],
      { zero: true, ticks: 6 },
    ),
    'p95 latency',
  );
  const bucketNote = bucketWidths(comparison);
  return renderSvg({
    plot: 'latency-over-time',
    width: WIDTH,
    height,
    title: 'p95 latency over time',
    subtitle: `Successful requests, bucketed by arrival time${bucketNote}; gaps mark buckets without one.`,
    standalone: options.standalone ?? false,
    body: [
      legend.svg,
      renderAxes(frame, x, y),
      el('g', { class: 'lines' }, renderSeries(series, x.scale, y.scale)),
      hasData(series) ? '' : renderNoData(frame, NO_REQUESTS),
    ].join(''),
  });
}

function bucketWidths(comparison: Comparison): string {
  const widths = [
    ...new Set(
      comparison.results.map((r) => r.report.series.bucketMs).filter((w) => Number.isFinite(w)),
    ),
  ].sort((a, b) => a - b);
  if (widths.length === 0) return '';
  return ` (${widths.map((w) => formatMs(w)).join(' / ')} buckets)`;
}

/** The models drawn in the load plot: each id with its colour, or the "other" group. */
interface ModelLine {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  /** The model ids averaged into this line (one for a single model). */
  readonly ids: readonly string[];
}

function modelLines(comparison: Comparison): ModelLine[] {
  const ids: string[] = comparison.models.map((m) => m.id);
  const seen = new Set(ids);
  for (const r of comparison.results) {
    for (const id of Object.keys(r.report.series.load)) {
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    }
  }
  let shown = ids;
  let rest: string[] = [];
  if (ids.length > MAX_MODEL_LINES) {
    // Keep the busiest models (mean load over every result) and fold the rest into one line.
    const meanLoad = new Map<string, number>();
    for (const id of ids) {
      let sum = 0;
      let n = 0;
      for (const r of comparison.results) {
        for (const v of r.report.series.load[id] ?? []) {
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
      }
      meanLoad.set(id, n > 0 ? sum / n : 0);
    }
    const ranked = [...ids].sort((a, b) => meanLoad.get(b)! - meanLoad.get(a)!);
    const keep = new Set(ranked.slice(0, MAX_MODEL_LINES - 1));
    shown = ids.filter((id) => keep.has(id));
    rest = ids.filter((id) => !keep.has(id));
  }
  const lines: ModelLine[] = shown.map((id, i) => ({
    key: id,
    label: id,
    color: MODEL_COLORS[i % MODEL_COLORS.length]!,
    ids: [id],
  }));
  if (rest.length > 0) {
    lines.push({
      key: '(other models)',
      label: `${rest.length} other models (mean)`,
      color: OTHER_MODELS_COLOR,
      ids: rest,
    });
  }
  return lines;
}

/** Mean utilization of `ids` in each bucket of `result`. */
function lineLoad(result: StrategyResult, ids: readonly string[]): number[] {
  const { load, buckets } = result.report.series;
  return buckets.map((_, k) => {
    let sum = 0;
    let n = 0;
    for (const id of ids) {
      const v = load[id]?.[k];
      if (v !== undefined && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n > 0 ? sum / n : Number.NaN;
  });
}

/** Per-model utilization over time: one small panel per result, one line per model. */
export function modelLoadPlot(comparison: Comparison, options: PlotOptions = {}): string {
  const lines = modelLines(comparison);
  const legend = renderLegend(lines, 76, HEADER_HEIGHT + 4, WIDTH - 100);
  const results = comparison.results;
  const columns = Math.max(1, Math.min(3, results.length));
  const rows = Math.max(1, Math.ceil(results.length / columns));
  const gridLeft = 16;
  const gapX = 24;
  const panelWidth = (WIDTH - gridLeft - 16 - gapX * (columns - 1)) / columns;
  const panelHeight = 230;
  const gridTop = HEADER_HEIGHT + legend.height + 12;
  const inner = { left: 62, right: 8, top: 26, bottom: 50 };

  const data = results.map((r) => {
    const { bucketMs, buckets } = r.report.series;
    const xs = buckets.map((b) => bucketMid(b.start, bucketMs));
    return lines.map((line) => {
      const ys = lineLoad(r, line.ids);
      return xs.map((t, k): Point => [t, ys[k] ?? Number.NaN]);
    });
  });
  const allLoads = data.flatMap((panel) => panel.flatMap((pts) => pts.map((p) => p[1])));
  const panels = results.map((r, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    const px = gridLeft + col * (panelWidth + gapX);
    const py = gridTop + row * panelHeight;
    const frame: Frame = {
      left: px + inner.left,
      top: py + inner.top,
      width: panelWidth - inner.left - inner.right,
      height: panelHeight - inner.top - inner.bottom,
    };
    const x = durationAxis(
      linearScale(timeExtent(comparison), [frame.left, frame.left + frame.width], {
        ticks: 5,
        tight: true,
      }),
      'time',
    );
    const y = percentAxis(
      linearScale(allLoads, [frame.top + frame.height, frame.top], {
        zero: true,
        minMax: 1,
        ticks: 4,
      }),
      'utilization',
    );
    const series: Series[] = lines.map((line, j) => ({
      key: line.key,
      label: `${line.label} (${r.name})`,
      color: line.color,
      points: data[i]![j]!,
    }));
    return el(
      'g',
      { class: 'panel', 'data-panel': r.name },
      [
        el(
          'text',
          { x: frame.left, y: py + 16, 'font-size': 13, 'font-weight': 600, fill: INK },
          escapeXml(legendLabel(r)),
        ),
        renderAxes(frame, x, y, { fontSize: 11, yTitle: col === 0 }),
        el('g', { class: 'lines' }, renderSeries(series, x.scale, y.scale)),
        hasData(series) ? '' : renderNoData(frame, 'No load data'),
      ].join(''),
    );
  });
  const height = gridTop + rows * panelHeight + 8;
  return renderSvg({
    plot: 'model-load',
    width: WIDTH,
    height,
    title: 'Model load over time',
    subtitle:
      'Utilization of each model (busy servers over its concurrency) per time bucket, one panel per strategy.',
    standalone: options.standalone ?? false,
    body: [legend.svg, ...panels].join(''),
  });
}

/** Latency CDF of successful requests, log-scale latency axis, one line per result. */
export function latencyCdfPlot(comparison: Comparison, options: PlotOptions = {}): string {
  const styles = strategyStyles(comparison.results);
  const series: Series[] = comparison.results.map((r, i) => ({
    key: r.name,
    label: legendLabel(r),
    color: styles[i]!.color,
    dashed: styles[i]!.dashed,
    points: r.report.cdf.map(
      (c): Point => (c.latency > 0 ? [c.latency, c.p] : [Number.NaN, Number.NaN]),
    ),
  }));
  const legend = renderLegend(series, 76, HEADER_HEIGHT + 4, WIDTH - 100);
  const frame = plotFrame(HEADER_HEIGHT + legend.height + 16, 300);
  const height = frame.top + frame.height + 56;
  const x = durationAxis(
    logScale(
      series.flatMap((s) => s.points.map((p) => p[0])),
      [frame.left, frame.left + frame.width],
    ),
    'latency (log scale)',
  );
  const y = percentAxis(
    linearScale([0, 1], [frame.top + frame.height, frame.top], { ticks: 5 }),
    'share of requests at or below',
  );
  const guides = [0.5, 0.95, 0.99]
    .map((p) => {
      const py = y.scale(p);
      return [
        el('line', {
          x1: frame.left,
          x2: frame.left + frame.width,
          y1: py,
          y2: py,
          stroke: MUTED,
          'stroke-opacity': 0.45,
          'stroke-dasharray': '2 4',
        }),
        el(
          'text',
          {
            x: frame.left + frame.width + 5,
            y: py,
            'dominant-baseline': 'middle',
            'font-size': 11,
            fill: MUTED,
          },
          `p${formatNumber(p * 100)}`,
        ),
      ].join('');
    })
    .join('');
  return renderSvg({
    plot: 'latency-cdf',
    width: WIDTH,
    height,
    title: 'Latency CDF',
    subtitle:
      'Share of successful requests completed within a given latency; further left and higher is better.',
    standalone: options.standalone ?? false,
    body: [
      legend.svg,
      renderAxes(frame, x, y),
      el('g', { class: 'guides' }, guides),
      el('g', { class: 'lines' }, renderSeries(series, x.scale, y.scale)),
      hasData(series) ? '' : renderNoData(frame, NO_REQUESTS),
    ].join(''),
  });
}

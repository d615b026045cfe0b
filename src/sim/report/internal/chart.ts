import { el, escapeXml, linePath, type Point, runs, type Scale } from './svg.js';

/** Font stack of every plot: local system fonts only, nothing fetched. */
export const FONT_FAMILY =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif";

/** Text and line colours shared by the plots and the page. */
export const INK = '#1f2328';
export const MUTED = '#57606a';
export const GRID = '#e6e8eb';
export const AXIS = '#8c959f';

/** The plot area of a chart, in pixels. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** An axis: its scale, title and tick label format. */
export interface Axis {
  readonly scale: Scale;
  /** Axis title, e.g. `'time (s)'`; empty for none. */
  readonly label: string;
  readonly format: (value: number) => string;
}

/** One line of a chart. */
export interface Series {
  /** Identifies the line in the markup (`data-series`). */
  readonly key: string;
  /** Legend and tooltip text. */
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** Data points; a non-finite coordinate leaves a gap. */
  readonly points: readonly Point[];
}

/** An entry of a legend. */
export interface LegendItem {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
}

/** Rough width of `text` in pixels at `size` px (no font metrics available server-side). */
export function textWidth(text: string, size: number): number {
  return text.length * size * 0.58;
}

function text(x: number, y: number, content: string, extra: Record<string, string | number> = {}) {
  return el('text', { x, y, ...extra }, escapeXml(content));
}

/** Horizontal and vertical grid lines, axis lines, tick labels and axis titles. */
export function renderAxes(
  frame: Frame,
  x: Axis,
  y: Axis,
  options: {
    readonly fontSize?: number;
    readonly xTitle?: boolean;
    readonly yTitle?: boolean;
  } = {},
): string {
  const size = options.fontSize ?? 12;
  const { left, top, width, height } = frame;
  const bottom = top + height;
  const right = left + width;
  const parts: string[] = [];
  for (const t of y.scale.ticks) {
    const py = y.scale(t);
    parts.push(el('line', { x1: left, x2: right, y1: py, y2: py, stroke: GRID }));
    parts.push(
      text(left - 8, py, y.format(t), {
        'text-anchor': 'end',
        'dominant-baseline': 'middle',
        'font-size': size,
        fill: MUTED,
      }),
    );
  }
  for (const t of x.scale.ticks) {
    const px = x.scale(t);
    parts.push(el('line', { x1: px, x2: px, y1: top, y2: bottom, stroke: GRID }));
    parts.push(el('line', { x1: px, x2: px, y1: bottom, y2: bottom + 5, stroke: AXIS }));
    parts.push(
      text(px, bottom + 8 + size * 0.8, x.format(t), {
        'text-anchor': 'middle',
        'font-size': size,
        fill: MUTED,
      }),
    );
  }
  parts.push(el('line', { x1: left, x2: right, y1: bottom, y2: bottom, stroke: AXIS }));
  parts.push(el('line', { x1: left, x2: left, y1: top, y2: bottom, stroke: AXIS }));
  if (x.label && options.xTitle !== false) {
    parts.push(
      text(left + width / 2, bottom + 16 + size * 1.8, x.label, {
        'text-anchor': 'middle',
        'font-size': size,
        fill: INK,
      }),
    );
  }
  if (y.label && options.yTitle !== false) {
    const cx = left - 14 - size * 3.4;
    const cy = top + height / 2;
    parts.push(
      text(cx, cy, y.label, {
        'text-anchor': 'middle',
        'font-size': size,
        fill: INK,
        transform: `rotate(-90 ${Math.round(cx)} ${Math.round(cy)})`,
      }),
    );
  }
  return el('g', { class: 'axes' }, parts.join(''));
}

/** The lines, one `<path data-series>` each (with an empty path for a line with no data). */
export function renderSeries(series: readonly Series[], x: Scale, y: Scale): string {
  return series
    .map((s) => {
      const pixels = runs(s.points).map((run) => run.map(([vx, vy]): Point => [x(vx), y(vy)]));
      return el(
        'path',
        {
          class: 'series',
          'data-series': s.key,
          d: linePath(pixels),
          fill: 'none',
          stroke: s.color,
          'stroke-width': 2,
          'stroke-linejoin': 'round',
          'stroke-linecap': 'round',
          'stroke-dasharray': s.dashed ? '7 4' : undefined,
        },
        el('title', {}, escapeXml(s.label)),
      );
    })
    .join('');
}

/** Whether any series has a point to draw. */
export function hasData(series: readonly Series[]): boolean {
  return series.some((s) => s.points.some(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
}

/** A centred note in an empty plot area. */
export function renderNoData(frame: Frame, message: string): string {
  return text(frame.left + frame.width / 2, frame.top + frame.height / 2, message, {
    class: 'no-data',
    'text-anchor': 'middle',
    'dominant-baseline': 'middle',
    'font-size': 13,
    fill: MUTED,
  });
}

/**
 * A legend laid out left to right, wrapping within `maxWidth`.
 * @returns the markup and the height it takes.
 */
export function renderLegend(
  items: readonly LegendItem[],
  left: number,
  top: number,
  maxWidth: number,
  fontSize = 12,
): { readonly svg: string; readonly height: number } {
  const lineHeight = fontSize + 8;
  const parts: string[] = [];
  let x = 0;
  let row = 0;
  for (const item of items) {
    const w = 30 + textWidth(item.label, fontSize);
    if (x > 0 && x + w > maxWidth) {
      x = 0;
      row++;
    }
    const cy = top + row * lineHeight + lineHeight / 2;
    parts.push(
      el('line', {
        x1: left + x,
        x2: left + x + 22,
        y1: cy,
        y2: cy,
        stroke: item.color,
        'stroke-width': 3,
        'stroke-linecap': 'round',
        'stroke-dasharray': item.dashed ? '7 4' : undefined,
      }),
      text(left + x + 28, cy, item.label, {
        'dominant-baseline': 'middle',
        'font-size': fontSize,
        fill: INK,
      }),
    );
    x += w + 18;
  }
  return {
    svg: el('g', { class: 'legend' }, parts.join('')),
    height: items.length > 0 ? (row + 1) * lineHeight : 0,
  };
}

/** Options of {@link renderSvg}. */
export interface SvgOptions {
  /** Value of the root's `data-plot` attribute. */
  readonly plot: string;
  readonly width: number;
  readonly height: number;
  /** The `<title>`, also drawn at the top left. */
  readonly title: string;
  /** A smaller line under the title and the `<desc>`. */
  readonly subtitle: string;
  /** Adds the XML declaration: a document to save as a `.svg` file. */
  readonly standalone: boolean;
  /** The drawing, below the title (which takes {@link HEADER_HEIGHT} pixels). */
  readonly body: string;
}

/** Height taken by the title and subtitle at the top of every plot. */
export const HEADER_HEIGHT = 52;

/** The root `<svg>` of a plot: title, description, white background, heading, then the body. */
export function renderSvg(options: SvgOptions): string {
  const { width, height } = options;
  const root = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      'data-plot': options.plot,
      width,
      height,
      viewBox: `0 0 ${Math.round(width)} ${Math.round(height)}`,
      role: 'img',
      'font-family': FONT_FAMILY,
    },
    [
      el('title', {}, escapeXml(options.title)),
      el('desc', {}, escapeXml(options.subtitle)),
      el('rect', { width, height, fill: '#ffffff' }),
      text(16, 24, options.title, { 'font-size': 16, 'font-weight': 600, fill: INK }),
      text(16, 42, options.subtitle, { 'font-size': 12, fill: MUTED }),
      options.body,
    ].join(''),
  );
  return options.standalone ? `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n` : root;
}

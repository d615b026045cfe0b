/**
 * Small SVG plotting helpers: escaping, number formatting, scales, ticks and path building.
 * Everything here is total: non-finite or degenerate inputs give a usable fallback, never `NaN`
 * in the output.
 */

/** Escapes text for XML/HTML content and double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}

/**
 * A coordinate for an SVG attribute: at most two decimals, no `-0`. Non-finite values become `0`
 * (callers filter them out first; this is the last line of defence against `NaN` in the markup).
 */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** An attribute value: a string (escaped) or a number (through {@link num}). */
export type AttrValue = string | number | undefined;

/** `name="value"` pairs, skipping undefined values. */
export function attrs(values: Readonly<Record<string, AttrValue>>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out += ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element: self-closing when `content` is absent. `content` is inserted as is (markup). */
export function el(name: string, values: Readonly<Record<string, AttrValue>>, content?: string) {
  return content === undefined
    ? `<${name}${attrs(values)}/>`
    : `<${name}${attrs(values)}>${content}</${name}>`;
}

/** A number with at most `digits` significant digits, without trailing zeros; `'–'` if not finite. */
export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  const fixed = x.toFixed(Math.min(decimals, 6));
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** A duration in milliseconds as `"850 ms"` or `"1.25 s"`; `'–'` if not finite. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return Math.abs(ms) >= 1000 ? `${formatNumber(ms / 1000)} s` : `${formatNumber(ms)} ms`;
}

/** A share 0..1 as a percentage (`"12.5%"`); `'–'` if not finite. */
export function formatPercent(share: number): string {
  return Number.isFinite(share) ? `${formatNumber(share * 100)}%` : '–';
}

/** The smallest 1-2-5 step >= `x` (1 for non-positive or non-finite `x`). */
export function niceStep(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const base = 10 ** Math.floor(Math.log10(x));
  for (const f of [1, 2, 5]) if (f * base >= x * (1 - 1e-9)) return f * base;
  return 10 * base;
}

/** Rounds away binary noise (`0.30000000000000004` → `0.3`). */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/** A mapping from data values to pixels, with its domain and tick values. */
export interface Scale {
  /** The pixel position of `value` (clamped into the domain for log scales). */
  (value: number): number;
  /** The (niced) data domain `[min, max]`, min < max, both finite. */
  readonly domain: readonly [number, number];
  /** Tick values inside the domain, ascending. */
  readonly ticks: readonly number[];
  /** Whether the scale is logarithmic. */
  readonly log: boolean;
}

/** Finite values of `values` only. */
export function finiteValues(values: Iterable<number>): number[] {
  const out: number[] = [];
  for (const v of values) if (Number.isFinite(v)) out.push(v);
  return out;
}

/** Minimum and maximum of the finite values, or `undefined` when there are none. */
export function extent(values: Iterable<number>): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Options of {@link linearScale}. */
export interface LinearScaleOptions {
  /** Roughly how many ticks to aim for. @default 5 */
  readonly ticks?: number;
  /** Stretch the domain to include 0. @default false */
  readonly zero?: boolean;
  /** Smallest upper bound of the domain (e.g. 1 for a utilization axis). */
  readonly minMax?: number;
  /**
   * End the domain at the largest value instead of rounding it up to a whole tick step (for a
   * time axis, where empty space after the run says nothing). @default false
   */
  readonly tight?: boolean;
}

/**
 * A linear scale over the finite values' extent, niced to 1-2-5 tick steps. A single-valued
 * extent `v` widens to span 0 and `2v`; an empty one (or all zeros) to 0..1.
 */
export function linearScale(
  values: Iterable<number>,
  range: readonly [number, number],
  options: LinearScaleOptions = {},
): Scale {
  const target = Math.max(1, options.ticks ?? 5);
  let [lo, hi] = extent(values) ?? [0, 0];
  if (options.zero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (options.minMax !== undefined) hi = Math.max(hi, options.minMax);
  if (hi - lo <= Math.abs(hi) * 1e-12) {
    // One value (or none): span from 0 to twice the value, or 0..1 for zero.
    const v = hi;
    [lo, hi] = v > 0 ? [0, 2 * v] : v < 0 ? [2 * v, 0] : [0, 1];
  }
  const step = niceStep((hi - lo) / target);
  const d0 = clean(Math.floor(lo / step) * step);
  const d1 = options.tight ? hi : clean(Math.ceil(hi / step) * step);
  const ticks: number[] = [];
  for (let i = 0, v = d0; v <= d1 + step * 1e-9 && i < 1000; i++, v = d0 + i * step) {
    ticks.push(clean(v));
  }
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const scale = ((v: number) => r0 + (v - d0) * k) as Scale;
  return Object.assign(scale, {
    domain: [d0, d1] as const,
    ticks,
    log: false,
  });
}

/** The largest 1-2-5 value (1, 2 or 5 times a power of ten) <= `x`, for `x` > 0. */
function niceFloor(x: number): number {
  const base = 10 ** Math.floor(Math.log10(x));
  for (const f of [5, 2, 1]) if (f * base <= x * (1 + 1e-9)) return clean(f * base);
  return clean(base);
}

/** The smallest 1-2-5 value >= `x`, for `x` > 0. */
function niceCeil(x: number): number {
  const base = 10 ** Math.floor(Math.log10(x));
  for (const f of [1, 2, 5]) if (f * base >= x * (1 - 1e-9)) return clean(f * base);
  return clean(10 * base);
}

/**
 * A base-10 log scale over the positive finite values' extent, widened to 1-2-5 values (e.g.
 * 9 ms..29 s becomes 5 ms..50 s). Ticks at the ends and, within, at every integer multiple of a
 * power of ten when the domain spans at most one decade, at 1, 2 and 5 per decade up to two, else
 * at the powers of ten. Values <= 0 map to the
 * domain's lower end.
 */
export function logScale(values: Iterable<number>, range: readonly [number, number]): Scale {
  const positive: number[] = [];
  for (const v of values) if (Number.isFinite(v) && v > 0) positive.push(v);
  const [lo, hi] = extent(positive) ?? [1, 10];
  const d0 = niceFloor(lo);
  let d1 = niceCeil(hi);
  if (d1 <= d0) d1 = niceCeil(d0 * 1.5);
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const span = l1 - l0;
  const multiples = span <= 1.01 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : span <= 2.01 ? [1, 2, 5] : [1];
  const ticks: number[] = [d0];
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) {
    for (const m of multiples) {
      const v = clean(m * 10 ** e);
      if (v > d0 && v < d1) ticks.push(v);
    }
  }
  ticks.push(d1);
  const [r0, r1] = range;
  const k = (r1 - r0) / (l1 - l0);
  const scale = ((v: number) => {
    const clamped = Number.isFinite(v) ? Math.min(d1, Math.max(d0, v)) : d0;
    return r0 + (Math.log10(clamped) - l0) * k;
  }) as Scale;
  return Object.assign(scale, { domain: [d0, d1] as const, ticks, log: true });
}

/** A data point `[x, y]`. */
export type Point = readonly [number, number];

/**
 * Splits points into runs of consecutive finite points: a non-finite coordinate breaks the line,
 * leaving a gap.
 */
export function runs(points: readonly Point[]): Point[][] {
  const out: Point[][] = [];
  let current: Point[] = [];
  for (const p of points) {
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) {
      current.push(p);
    } else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Path data (`M … L …`) for runs of pixel points. A run of one point becomes a short horizontal
 * dash centred on it, so a lone value stays visible.
 */
export function linePath(pixelRuns: readonly (readonly Point[])[]): string {
  const parts: string[] = [];
  for (const run of pixelRuns) {
    const [first] = run;
    if (first === undefined) continue;
    if (run.length === 1) {
      parts.push(`M${num(first[0] - 3)} ${num(first[1])}h6`);
      continue;
    }
    parts.push(run.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(x)} ${num(y)}`).join(''));
  }
  return parts.join('');
}

import { beforeAll, describe, expect, it } from 'vitest';
import {
  renderCdfSvg,
  renderHtmlReport,
  renderLatencyOverTimeSvg,
} from '../../../src/sim/report/html.js';
import type { Comparison, StrategyResult } from '../../../src/sim/runner.js';
import { defaultFleet } from '../../../src/sim/scenarios/fleets.js';
import type { SimReport } from '../../../src/sim/stats.js';
import { leastLoadedStrategy } from '../../../src/strategy/leastLoaded.js';
import { configError } from '../../helpers/configError.js';
import { STRATEGIES, smallComparison } from './fixture.js';

const PLOTS = ['latency-over-time', 'model-load', 'latency-cdf'] as const;
const NAMES = [...STRATEGIES, 'pooled'];

/** Each `<svg data-plot>` of a page, by plot name. */
function plotsOf(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<svg\b[^>]*\bdata-plot="([^"]+)"[^>]*>[\s\S]*?<\/svg>/g)) {
    out.set(m[1]!, m[0]);
  }
  return out;
}

/** The attributes of an opening tag. */
function attributesOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** The `<path class="series">` lines of some markup: their `data-series` and `d`. */
function seriesOf(svg: string): Array<{ key: string; d: string }> {
  return [...svg.matchAll(/<path\b[^>]*>/g)]
    .map((m) => attributesOf(m[0]))
    .filter((a) => a['class'] === 'series')
    .map((a) => ({ key: a['data-series'] ?? '', d: a['d'] ?? '' }));
}

/** The `<g data-panel>` groups of the model-load plot, by panel name. */
function panelsOf(svg: string): Map<string, string> {
  const out = new Map<string, string>();
  const starts = [...svg.matchAll(/<g class="panel" data-panel="([^"]*)">/g)];
  starts.forEach((m, i) => {
    const end = starts[i + 1]?.index ?? svg.length;
    out.set(m[1]!, svg.slice(m.index, end));
  });
  return out;
}

/** Fails on any non-number that leaked into the markup. */
function expectClean(markup: string): void {
  expect(markup).not.toMatch(/NaN|Infinity|undefined|null/);
}

describe('renderHtmlReport', () => {
  let comparison: Comparison;
  let html: string;
  beforeAll(async () => {
    comparison = await smallComparison();
    html = renderHtmlReport(comparison);
  });

  it('is one self-contained HTML document: no scripts, links or remote resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=/i);
    // The only URL is the SVG namespace.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
  });

  it('is deterministic', () => {
    expect(renderHtmlReport(comparison)).toBe(html);
  });

  it('has no NaN, Infinity or undefined anywhere', () => {
    expectClean(html);
  });

  it('shows the scenario, seed, request count and title', () => {
    expect(html).toContain('<title>zeta-router simulation: steady</title>');
    expect(html).toContain('<h1>zeta-router simulation: steady</h1>');
    expect(html).toContain('scenario <strong>steady</strong>');
    expect(html).toContain('seed <strong>1</strong>');
    expect(html).toContain('<strong>300</strong> requests');
    const titled = renderHtmlReport(comparison, { title: 'Nightly run' });
    expect(titled).toContain('<title>Nightly run</title>');
    expect(titled).toContain('<h1>Nightly run</h1>');
  });

  it('rejects unknown options and a title that is not a string, all at once', () => {
    expect(
      configError(() => renderHtmlReport(comparison, { Title: 'x', title: 5 } as never)).message,
    ).toBe(
      [
        'Invalid renderHtmlReport options:',
        '- unknown option `Title` (did you mean `title`?) (known: title)',
        '- title must be a string or undefined, got 5',
      ].join('\n'),
    );
  });

  it('lists the fleet: model, tasks, home models and concurrency', () => {
    const fleet = html.slice(html.indexOf('<h2>Fleet</h2>'), html.indexOf('<h2>Results</h2>'));
    for (const m of comparison.models) {
      const row = fleet.match(new RegExp(`<tr><td class="id">${m.id}</td>[\\s\\S]*?</tr>`))?.[0];
      expect(row, m.id).toBeDefined();
      for (const t of m.tasks) expect(row).toContain(`>${t}</span>`);
      for (const h of m.home ?? []) expect(row).toContain(`<span class="tag home">${h}</span>`);
      expect(row).toContain(`<td class="num">${m.concurrency}</td>`);
    }
  });

  it('has a results row per strategy and the pooled reference, with every column', () => {
    const results = html.slice(html.indexOf('<h2>Results</h2>'), html.indexOf('<h2>Plots</h2>'));
    for (const header of [
      'p50',
      'p95',
      'p99',
      'max',
      'p95 queued',
      'throughput',
      'errors',
      'spill share',
      'p99 vs pooled',
    ]) {
      expect(results).toContain(`>${header}</th>`);
    }
    const rows = [
      ...results.matchAll(/<tr(?: class="reference")?><td class="name">[\s\S]*?<\/tr>/g),
    ];
    expect(rows).toHaveLength(NAMES.length);
    rows.forEach((row, i) => {
      const r = comparison.results[i]!;
      expect(row[0]).toContain(`</span>${r.name}</td>`);
      // 10 cells: name, 6 figures, errors, spill share, ratio.
      expect(row[0].match(/<td/g)).toHaveLength(10);
    });
    expect(rows[2]![0]).toContain('class="reference"');
    // The pooled reference compares with itself.
    expect(rows[2]![0]).toContain('>1×</td>');
  });

  it('marks the best strategy per column in bold, never the reference, not on a tie', () => {
    const results = html.slice(html.indexOf('<h2>Results</h2>'), html.indexOf('<h2>Plots</h2>'));
    // Per row, the figure cells: p50, p95, p99, max, p95 queued, throughput, spill, ratio.
    const bold = [
      ...results.matchAll(/<tr(?: class="reference")?><td class="name">[\s\S]*?<\/tr>/g),
    ].map((row) =>
      [...row[0].matchAll(/<td class="num( best)?">/g)].map((m) => m[1] !== undefined),
    );
    const p99 = comparison.results.map((r) => r.report.latency.p99);
    const [winner, loser] = p99[0]! < p99[1]! ? [0, 1] : [1, 0];
    expect(bold[winner]![2]).toBe(true);
    expect(bold[loser]![2]).toBe(false);
    expect(bold[winner]![7]).toBe(true);
    expect(bold[2]!.some(Boolean)).toBe(false);
    // Throughput reads the same for every strategy here: nobody is bold.
    expect(bold.map((cells) => cells[5])).toEqual([false, false, false]);
  });

  it('formats errors by code', () => {
    const base = comparison.results[0]!;
    const failing: Comparison = {
      ...comparison,
      results: [
        { ...base, report: { ...base.report, errors: { MODEL_ERROR: 3, TIMEOUT: 12 } } },
        ...comparison.results.slice(1),
      ],
    };
    const out = renderHtmlReport(failing);
    expect(out).toContain(
      '<span class="errors">MODEL_<wbr>ERROR:<span class="n"> 3</span></span><br><span class="errors">TIMEOUT:<span class="n"> 12</span></span>',
    );
  });

  it('has the three plots, each an <svg> with a data-plot attribute and a <title> first', () => {
    const plots = plotsOf(html);
    expect([...plots.keys()]).toEqual([...PLOTS]);
    for (const [name, svg] of plots) {
      expect(svg, name).toMatch(/^<svg[^>]*>\s*<title>[^<]+<\/title>/);
      const root = attributesOf(svg.slice(0, svg.indexOf('>')));
      expect(root['viewBox'], name).toMatch(/^0 0 \d+ \d+$/);
      // Axes with tick labels.
      expect(svg, name).toContain('<g class="axes">');
      expect((svg.match(/<text\b/g) ?? []).length, name).toBeGreaterThan(10);
    }
  });

  it('draws latency over time and the CDF with one line per strategy, in result order', () => {
    const plots = plotsOf(html);
    for (const name of ['latency-over-time', 'latency-cdf']) {
      const lines = seriesOf(plots.get(name)!);
      expect(
        lines.map((l) => l.key),
        name,
      ).toEqual(NAMES);
      for (const l of lines)
        expect(l.d, `${name} ${l.key}`).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+/);
      // Legend: one entry per line, the reference labelled as such.
      const legend = plots.get(name)!.match(/<g class="legend">[\s\S]*?<\/g>/)?.[0] ?? '';
      for (const n of STRATEGIES) expect(legend).toContain(`>${n}</text>`);
      expect(legend).toContain('>pooled (reference)</text>');
    }
  });

  it('labels the axes with units', () => {
    const plots = plotsOf(html);
    expect(plots.get('latency-over-time')).toContain('>time since start (s)</text>');
    expect(plots.get('latency-over-time')).toMatch(/>p95 latency \((ms|s)\)<\/text>/);
    expect(plots.get('latency-cdf')).toContain('>latency (log scale)</text>');
    expect(plots.get('latency-cdf')).toMatch(/>\d+ ms<\/text>/);
    expect(plots.get('latency-cdf')).toMatch(/>\d+ s<\/text>/);
    expect(plots.get('model-load')).toContain('>100%</text>');
  });

  it('draws the model load as one panel per strategy with one line per model', () => {
    const panels = panelsOf(plotsOf(html).get('model-load')!);
    expect([...panels.keys()]).toEqual(NAMES);
    const ids = comparison.models.map((m) => m.id);
    for (const [name, panel] of panels) {
      const lines = seriesOf(panel);
      expect(
        lines.map((l) => l.key),
        name,
      ).toEqual(ids);
      expect(lines.filter((l) => l.d.includes('L')).length, name).toBe(ids.length);
    }
  });

  it('keeps the load plot readable for a large fleet: the busiest models and an "other" line', () => {
    const base = comparison.results;
    const extra = Array.from({ length: 20 }, (_, i) => `extra-${i}`);
    const withExtra = (r: StrategyResult): StrategyResult => ({
      ...r,
      report: {
        ...r.report,
        series: {
          ...r.report.series,
          load: {
            ...r.report.series.load,
            ...Object.fromEntries(
              extra.map((id, i) => [id, r.report.series.buckets.map(() => i / 100)]),
            ),
          },
        },
      },
    });
    const big: Comparison = {
      ...comparison,
      models: [
        ...comparison.models,
        ...extra.map((id) => ({
          id,
          tasks: ['simple'],
          concurrency: 1,
          service: { kind: 'constant' as const, value: 1 },
        })),
      ],
      results: base.map(withExtra),
    };
    const out = renderHtmlReport(big);
    expectClean(out);
    const panel = panelsOf(plotsOf(out).get('model-load')!).get('static')!;
    const keys = seriesOf(panel).map((l) => l.key);
    expect(keys).toHaveLength(8);
    expect(keys.at(-1)).toBe('(other models)');
    expect(out).toContain('16 other models (mean)');
    // The fleet table folds away.
    expect(out).toContain(`<details><summary>${big.models.length} models</summary>`);
  });

  it('escapes scenario, title, model and strategy names', async () => {
    const evil = `<script>alert("x")</script> & 'co'`;
    const hostileFleet = defaultFleet.map((m, i) => ({ ...m, id: `<m${i}&"x">` }));
    const hostile = await smallComparison({
      scenario: evil,
      models: hostileFleet,
      strategies: ['static', { name: '<b>"least"&loaded</b>', rank: leastLoadedStrategy.rank }],
    });
    const out = renderHtmlReport(hostile, { title: `${evil} title` });
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<b>');
    expect(out).not.toMatch(/<m\d/);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    expect(out).toContain('&lt;m0&amp;&quot;x&quot;&gt;');
    expect(out).toContain('&lt;b&gt;&quot;least&quot;&amp;loaded&lt;/b&gt;');
    // Still three plots with a line per strategy (attribute values escaped too).
    const plots = plotsOf(out);
    expect([...plots.keys()]).toEqual([...PLOTS]);
    expect(seriesOf(plots.get('latency-cdf')!).map((l) => l.key)).toEqual([
      'static',
      '&lt;b&gt;&quot;least&quot;&amp;loaded&lt;/b&gt;',
      'pooled',
    ]);
    expectClean(out);
  });
});

describe('renderHtmlReport on degenerate data', () => {
  let comparison: Comparison;
  beforeAll(async () => {
    comparison = await smallComparison();
  });

  /** Replaces every result's report with `patch(report)`. */
  const patched = (patch: (r: SimReport) => SimReport, p99VsPooled?: number): Comparison => ({
    ...comparison,
    results: comparison.results.map((r) => ({
      ...r,
      report: patch(r.report),
      p99VsPooled: p99VsPooled ?? r.p99VsPooled,
    })),
  });

  it('renders a run with no requests: empty lines, a note, dashes for undefined ratios', async () => {
    const empty = await smallComparison({ requests: [] });
    const out = renderHtmlReport(empty);
    expectClean(out);
    const plots = plotsOf(out);
    expect([...plots.keys()]).toEqual([...PLOTS]);
    for (const name of ['latency-over-time', 'latency-cdf']) {
      const lines = seriesOf(plots.get(name)!);
      expect(lines.map((l) => l.key)).toEqual(NAMES);
      expect(lines.every((l) => l.d === '')).toBe(true);
      expect(plots.get(name)).toContain('No successful requests');
    }
    expect(out).toContain('<strong>0</strong> requests');
    // p99 vs pooled is NaN when the reference has no p99: shown as a dash.
    expect(out).toContain('<td class="num">–</td></tr>');
  });

  it('renders a single time bucket as visible dashes', async () => {
    const single = await smallComparison({ stats: { bucketMs: 1e9 } });
    const out = renderHtmlReport(single);
    expectClean(out);
    const lines = seriesOf(plotsOf(out).get('latency-over-time')!);
    expect(lines).toHaveLength(NAMES.length);
    for (const l of lines) expect(l.d).toMatch(/^M[\d.]+ [\d.]+h6$/);
  });

  it('never writes NaN or Infinity into the SVG, whatever the figures hold', () => {
    const nan = Number.NaN;
    const broken = patched(
      (r) => ({
        ...r,
        throughput: Number.POSITIVE_INFINITY,
        spillShare: nan,
        latency: { ...r.latency, p50: nan, p99: Number.NEGATIVE_INFINITY },
        cdf: r.cdf.map((c, i) => (i % 3 === 0 ? { latency: nan, p: c.p } : c)),
        series: {
          bucketMs: nan,
          buckets: r.series.buckets.map((b, i) =>
            i % 2 === 0 ? { ...b, start: nan } : { ...b, latency: { ...b.latency, p95: nan } },
          ),
          load: Object.fromEntries(
            Object.entries(r.series.load).map(([id, xs]) => [id, xs.map(() => nan)]),
          ),
        },
      }),
      nan,
    );
    const out = renderHtmlReport(broken);
    expectClean(out);
    expect(renderCdfSvg(broken)).not.toMatch(/NaN|Infinity/);
    expect(renderLatencyOverTimeSvg(broken)).not.toMatch(/NaN|Infinity/);
  });

  it('handles all-equal values (flat lines, one latency)', () => {
    const flat = patched((r) => ({
      ...r,
      cdf: r.cdf.map((c) => ({ latency: 250, p: c.p })),
      series: {
        ...r.series,
        buckets: r.series.buckets.map((b) => ({
          ...b,
          latency: { count: 1, mean: 250, p50: 250, p95: 250, p99: 250, max: 250 },
        })),
        load: Object.fromEntries(
          Object.entries(r.series.load).map(([id, xs]) => [id, xs.map(() => 0)]),
        ),
      },
    }));
    const out = renderHtmlReport(flat);
    expectClean(out);
    const plots = plotsOf(out);
    for (const name of ['latency-over-time', 'latency-cdf']) {
      expect(seriesOf(plots.get(name)!).map((l) => l.key)).toEqual(NAMES);
    }
    // The CDF's log axis spans the single latency.
    for (const tick of ['200 ms', '300 ms', '500 ms']) {
      expect(plots.get('latency-cdf')).toContain(`>${tick}</text>`);
    }
  });

  it('handles a comparison without results or models', () => {
    const none: Comparison = { ...comparison, models: [], results: [] };
    const out = renderHtmlReport(none);
    expectClean(out);
    expect([...plotsOf(out).keys()]).toEqual([...PLOTS]);
    expect(out).toContain('No results.');
    expect(out).toContain('No models.');
  });
});

describe('standalone SVG plots', () => {
  let comparison: Comparison;
  beforeAll(async () => {
    comparison = await smallComparison();
  });

  it.each([
    ['latency-cdf', renderCdfSvg],
    ['latency-over-time', renderLatencyOverTimeSvg],
  ] as const)('%s is an SVG document, the same plot as in the page', (name, render) => {
    const svg = render(comparison);
    expect(
      svg.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"',
      ),
    ).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain(`data-plot="${name}"`);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const embedded = plotsOf(renderHtmlReport(comparison)).get(name)!;
    expect(svg.trim()).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n${embedded}`);
  });
});

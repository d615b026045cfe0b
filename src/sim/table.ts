import type { Comparison } from './runner.js';

const ms = (v: number): string =>
  Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-';

/** The columns of {@link formatComparison}, in order. */
const columns = [
  'strategy',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'queued p95',
  'req/s',
  'errors',
  'spill',
  'p99 / pooled',
] as const;

/** One row of figures per strategy, as strings, in {@link columns} order. */
function rows(comparison: Comparison): string[][] {
  return comparison.results.map((r) => {
    const { latency, queued, errors, throughput, spillShare } = r.report;
    const errorText = Object.entries(errors)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    return [
      r.name,
      ms(latency.p50),
      ms(latency.p95),
      ms(latency.p99),
      ms(latency.max),
      ms(queued.p95),
      throughput.toFixed(2),
      errorText || '0',
      `${(spillShare * 100).toFixed(0)}%`,
      Number.isFinite(r.p99VsPooled) ? `${r.p99VsPooled.toFixed(2)}x` : '-',
    ];
  });
}

/**
 * Fleets up to this many models get a column per model; larger ones are summarised: the busiest
 * {@link TOP_MODELS} models, the rest folded into one column, and a fleet summary per strategy.
 */
export const MAX_MODEL_COLUMNS = 12;
/** Models shown by name when a fleet is summarised. */
const TOP_MODELS = 5;

const percent = (v: number): string => `${(v * 100).toFixed(0)}%`;
const count = (n: number): string => n.toLocaleString('en-US');

/** Per-model requests and utilization per strategy, e.g. `coder-7b 2,822 (93%)`. */
function modelRows(comparison: Comparison, ids: readonly string[]): string[][] {
  return comparison.results.map((r) => {
    const byId = new Map(r.report.models.map((m) => [m.id, m]));
    return [
      r.name,
      ...ids.map((id) => {
        const m = byId.get(id);
        return m ? `${count(m.requests)} (${percent(m.utilization)})` : '-';
      }),
    ];
  });
}

/**
 * The busiest models of the comparison: highest utilization under any strategy (the pooled
 * reference included), ties by id, at most `k`.
 */
function busiest(comparison: Comparison, k: number): string[] {
  const peak = new Map<string, number>();
  for (const r of comparison.results)
    for (const m of r.report.models) peak.set(m.id, Math.max(peak.get(m.id) ?? 0, m.utilization));
  return [...peak.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([id]) => id);
}

/** The per-model section: a column per model, or the busiest models plus "other" and a summary. */
function modelSection(comparison: Comparison): string {
  const models = comparison.models;
  if (models.length <= MAX_MODEL_COLUMNS) {
    const ids = models.map((m) => m.id);
    return pad(modelRows(comparison, ids), ['requests (utilization)', ...ids]);
  }
  const top = busiest(comparison, TOP_MODELS);
  const shown = new Set(top);
  const others = models.length - top.length;
  const header = ['requests (utilization)', ...top, `${count(others)} other models (mean)`];
  const rows = modelRows(comparison, top).map((row, i) => {
    const rest = comparison.results[i]!.report.models.filter((m) => !shown.has(m.id));
    const requests = rest.reduce((n, m) => n + m.requests, 0);
    const util = rest.length > 0 ? rest.reduce((u, m) => u + m.utilization, 0) / rest.length : 0;
    return [...row, `${count(requests)} (${percent(util)})`];
  });
  const summaryHeader = [
    `fleet: ${count(models.length)} models`,
    'used',
    'utilization mean',
    'p50',
    'p95',
    'max',
    'busiest',
  ];
  const summary = comparison.results.map((r) => {
    const utils = r.report.models.map((m) => m.utilization).sort((a, b) => a - b);
    const at = (q: number): number =>
      utils[Math.min(utils.length - 1, Math.floor(q * utils.length))] ?? 0;
    const top1 = r.report.models.reduce<(typeof r.report.models)[number] | undefined>(
      (b, m) => (b === undefined || m.utilization > b.utilization ? m : b),
      undefined,
    );
    return [
      r.name,
      count(r.report.models.filter((m) => m.requests > 0).length),
      percent(utils.reduce((a, b) => a + b, 0) / Math.max(1, utils.length)),
      percent(at(0.5)),
      percent(at(0.95)),
      percent(utils.at(-1) ?? 0),
      top1 ? top1.id : '-',
    ];
  });
  return `${pad(rows, header)}\n\n${pad(summary, summaryHeader)}`;
}

function pad(table: string[][], header: readonly string[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...table.map(line)].join('\n');
}

/**
 * The comparison as an aligned plain-text table (latency, queueing, throughput, errors, spill and
 * p99 against the pooled reference), then per-model requests and utilization: a column per model
 * up to {@link MAX_MODEL_COLUMNS} models; above that, the five busiest models (highest
 * utilization under any strategy), the others folded into one column (their total requests and
 * mean utilization), and a fleet summary per strategy (models used; utilization mean, median,
 * 95th percentile and maximum over the models; the busiest model), so lines stay short whatever
 * the fleet size.
 */
export function formatComparison(comparison: Comparison): string {
  const title = `${comparison.scenario}: ${comparison.requests.toLocaleString('en-US')} requests, seed ${comparison.seed}`;
  return `${title}\n\n${pad(rows(comparison), columns)}\n\n${modelSection(comparison)}\n`;
}

/** The same comparison as a GitHub-flavoured Markdown table (for READMEs and notes). */
export function formatComparisonMarkdown(comparison: Comparison): string {
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    row(columns),
    row(columns.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows(comparison).map(row),
  ].join('\n');
}

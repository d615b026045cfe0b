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

/** Per-model requests and utilization per strategy, e.g. `coder-7b 2,822 (93%)`. */
function modelRows(comparison: Comparison): string[][] {
  return comparison.results.map((r) => [
    r.name,
    ...r.report.models.map(
      (m) => `${m.requests.toLocaleString('en-US')} (${(m.utilization * 100).toFixed(0)}%)`,
    ),
  ]);
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
 * p99 against the pooled reference), then per-model requests and utilization.
 */
export function formatComparison(comparison: Comparison): string {
  const title = `${comparison.scenario}: ${comparison.requests.toLocaleString('en-US')} requests, seed ${comparison.seed}`;
  const models = ['requests (utilization)', ...comparison.models.map((m) => m.id)];
  return `${title}\n\n${pad(rows(comparison), columns)}\n\n${pad(modelRows(comparison), models)}\n`;
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

/**
 * Renders the Grafana dashboard's panels from real Prometheus data, for the README: the server
 * test (`test/integrations/prometheus/server.test.ts`) saves every panel query's series over its
 * run when `ZETA_DASHBOARD_DATA` names a file; this script draws them as SVG line charts on one
 * page and screenshots it with Debian's Chromium through playwright-core.
 *
 *   ZETA_DASHBOARD_DATA=/tmp/dash.json npx vitest run test/integrations/prometheus/server.test.ts
 *   npx tsx examples/grafana/render.ts /tmp/dash.json docs/grafana-dashboard.png
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

interface Series {
  readonly metric: Record<string, string>;
  readonly values?: Array<[number, string]>;
}
interface PanelData {
  readonly panel: string;
  readonly refId: string;
  readonly legend: string;
  readonly expr: string;
  readonly result: Series[];
}

const COLORS = [
  '#7eb26d',
  '#eab839',
  '#6ed0e0',
  '#ef843c',
  '#e24d42',
  '#1f78c1',
  '#ba43a9',
  '#705da0',
];
const W = 540;
const H = 190;
const PAD = { left: 52, right: 12, top: 10, bottom: 22 };

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (legend: string, metric: Record<string, string>): string =>
  legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => metric[k] ?? '') ||
  JSON.stringify(metric);
const fmt = (v: number): string =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2);

function chart(title: string, targets: PanelData[]): string {
  const lines = targets.flatMap((t) =>
    t.result.map((s) => ({
      name: label(t.legend, s.metric),
      points: (s.values ?? [])
        .map(([x, y]) => [x, Number(y)] as const)
        .filter(([, y]) => Number.isFinite(y)),
    })),
  );
  const xs = lines.flatMap((l) => l.points.map(([x]) => x));
  const ys = lines.flatMap((l) => l.points.map(([, y]) => y));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const y1 = Math.max(...ys, 0) * 1.1 || 1;
  const px = (x: number): number => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number): number => H - PAD.bottom - (y / y1) * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.5, 1]
    .map((f) => {
      const y = py(f * y1);
      return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#333"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${fmt(f * y1)}</text>`;
    })
    .join('');
  const paths = lines
    .map((l, i) => {
      const d = l.points.map(
        ([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`,
      );
      return `<path d="${d.join('')}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.8"/>`;
    })
    .join('');
  const legend = lines
    .map(
      (l, i) =>
        `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${escapeHtml(l.name)}</span>`,
    )
    .join('');
  return `<div class="panel"><h2>${escapeHtml(title)}</h2><svg width="${W}" height="${H}">${grid}${paths}<text x="${W - PAD.right}" y="${H - 6}" text-anchor="end">${Math.round(x1 - x0)} s</text></svg><div class="legend">${legend}</div></div>`;
}

export function renderDashboardHtml(data: { panels: PanelData[]; rateWindow: string }): string {
  const byPanel = new Map<string, PanelData[]>();
  for (const p of data.panels) byPanel.set(p.panel, [...(byPanel.get(p.panel) ?? []), p]);
  const charts = [...byPanel].map(([title, targets]) => chart(title, targets)).join('');
  return `<!doctype html><meta charset="utf-8"><style>
body{background:#111217;color:#ccccdc;font:12px sans-serif;margin:12px}
h1{font-size:15px;margin:0 0 10px}
.grid{display:grid;grid-template-columns:repeat(2,${W + 16}px);gap:10px}
.panel{background:#181b1f;border:1px solid #2c3235;padding:6px 8px}
h2{font-size:13px;margin:0 0 4px;font-weight:500}
svg text{fill:#8e8e8e;font-size:10px}
.legend span{margin-right:10px;white-space:nowrap}.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
</style><h1>zeta-router dashboard: every panel query of examples/grafana/zeta-router.json, answered by a real Prometheus scraping the example app (rate window ${escapeHtml(data.rateWindow)})</h1><div class="grid">${charts}</div>`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (input === undefined || output === undefined) {
    console.error('usage: render.ts DATA.json OUT.png');
    process.exit(2);
  }
  const html = join(tmpdir(), 'zeta-dashboard.html');
  writeFileSync(html, renderDashboardHtml(JSON.parse(readFileSync(input, 'utf8'))));
  const browser = await chromium.launch({
    executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1150, height: 800 } });
  await page.goto(pathToFileURL(html).href);
  await page.screenshot({ path: output, fullPage: true });
  await browser.close();
  console.log(`wrote ${output}`);
}

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { peerStrategyNames } from '../../../src/sim/peers/peers.js';
import { renderHtmlReport } from '../../../src/sim/report/html.js';
import { browserRequired, findChromium, REQUIRE_BROWSER_VARIABLE } from '../../helpers/chromium.js';
import { STRATEGIES, smallComparison } from './fixture.js';

/** A Chromium already on the machine: playwright-core never downloads a browser of its own here. */
const chromiumLookup = findChromium();
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const NAMES = [...STRATEGIES, 'pooled'];

interface Box {
  readonly width: number;
  readonly height: number;
}
interface PlotLayout {
  readonly plot: string;
  readonly box: Box;
  readonly title: string;
  /** Lines by strategy (`data-series`), or by panel for the model-load plot. */
  readonly lines: ReadonlyArray<{
    readonly group: string;
    readonly key: string;
    readonly box: Box;
  }>;
}

describe('HTML report in Chromium', () => {
  it('renders the three plots with a visible line per strategy', {
    timeout: 60_000,
  }, async (ctx) => {
    const lookup = chromiumLookup;
    if (!lookup.found) {
      if (browserRequired()) {
        throw new Error(
          `${lookup.reason}; ${REQUIRE_BROWSER_VARIABLE} is set, so a browser is required`,
        );
      }
      console.warn(`HTML report browser test skipped: ${lookup.reason}`);
      return ctx.skip(lookup.reason);
    }
    const comparison = await smallComparison();
    const dir = await mkdtemp(join(tmpdir(), 'zeta-report-'));
    const htmlPath = join(dir, 'report.html');
    const screenshot = process.env['ZETA_REPORT_SCREENSHOT'] ?? join(dir, 'report.png');
    await writeFile(htmlPath, renderHtmlReport(comparison));
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: lookup.path, args: ARGS });
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(htmlPath).href;
      await page.goto(url, { waitUntil: 'load' });

      const layout: PlotLayout[] = await page.evaluate(() => {
        const box = (e: Element) => {
          const r = e.getBoundingClientRect();
          return { width: r.width, height: r.height };
        };
        return Array.from(document.querySelectorAll('svg[data-plot]'), (svg) => ({
          plot: svg.getAttribute('data-plot') ?? '',
          box: box(svg),
          title: svg.querySelector(':scope > title')?.textContent ?? '',
          lines: Array.from(svg.querySelectorAll('path.series, polyline.series'), (line) => ({
            group: line.closest('[data-panel]')?.getAttribute('data-panel') ?? '',
            key: line.getAttribute('data-series') ?? '',
            box: box(line),
          })),
        }));
      });

      const visible = (b: Box) => b.width > 0 && b.height > 0;
      expect(layout.map((p) => p.plot)).toEqual(['latency-over-time', 'model-load', 'latency-cdf']);
      for (const p of layout) {
        expect(visible(p.box), `${p.plot} box ${JSON.stringify(p.box)}`).toBe(true);
        expect(p.title, p.plot).not.toBe('');
      }
      for (const name of ['latency-over-time', 'latency-cdf']) {
        const p = layout.find((l) => l.plot === name)!;
        expect(
          p.lines.map((l) => l.key),
          name,
        ).toEqual(NAMES);
        for (const l of p.lines) {
          expect(visible(l.box), `${name}/${l.key} ${JSON.stringify(l.box)}`).toBe(true);
        }
      }
      // Model load: a panel per strategy, each with a visible line (an idle model's line is flat).
      const load = layout.find((l) => l.plot === 'model-load')!;
      for (const name of NAMES) {
        const lines = load.lines.filter((l) => l.group === name);
        expect(
          lines.map((l) => l.key),
          name,
        ).toEqual(comparison.models.map((m) => m.id));
        expect(
          lines.every((l) => l.box.width > 0),
          name,
        ).toBe(true);
        expect(
          lines.some((l) => visible(l.box)),
          name,
        ).toBe(true);
      }

      // Self-contained: nothing but the page itself was requested.
      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);

      await page.screenshot({ path: screenshot, fullPage: true });
      const png = await readFile(screenshot);
      expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    } finally {
      await browser?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps strategy names on one line and every results column in view, errors included', {
    timeout: 60_000,
  }, async (ctx) => {
    const lookup = chromiumLookup;
    if (!lookup.found) {
      if (browserRequired()) {
        throw new Error(
          `${lookup.reason}; ${REQUIRE_BROWSER_VARIABLE} is set, so a browser is required`,
        );
      }
      return ctx.skip(lookup.reason);
    }
    // Ten strategies with long names, and a waiting room so small that several have errors.
    const comparison = await smallComparison({
      strategies: ['static', 'least-loaded', 'adaptive', ...peerStrategyNames],
      router: { maxWaiting: 2 },
    });
    const withErrors = comparison.results.filter((r) => Object.keys(r.report.errors).length > 0);
    expect(withErrors.length).toBeGreaterThan(0);
    const dir = await mkdtemp(join(tmpdir(), 'zeta-report-'));
    const htmlPath = join(dir, 'report.html');
    await writeFile(htmlPath, renderHtmlReport(comparison));
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: lookup.path, args: ARGS });
      for (const width of [1000, 1100, 1400]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
        const layout = await page.evaluate(() => {
          // Lines of the name's text (the swatch before it is a box of its own).
          const lines = (e: Element): number => {
            const range = document.createRange();
            range.selectNodeContents(e.lastChild!);
            return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
          };
          const wrap = document.querySelectorAll('.table-wrap')[1]!;
          const box = wrap.getBoundingClientRect();
          const last = wrap.querySelector('thead th:last-child')!.getBoundingClientRect();
          return {
            names: Array.from(wrap.querySelectorAll('td.name'), (td) => ({
              name: td.textContent ?? '',
              lines: lines(td),
            })),
            scroll: wrap.scrollWidth - wrap.clientWidth,
            lastInView: last.right <= box.right + 0.5,
          };
        });
        expect(layout.names.map((n) => n.name)).toEqual(comparison.results.map((r) => r.name));
        for (const n of layout.names) expect(n.lines, `${width}px: ${n.name}`).toBe(1);
        expect(layout.scroll, `${width}px`).toBe(0);
        expect(layout.lastInView, `${width}px`).toBe(true);
        await page.close();
      }
    } finally {
      await browser?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

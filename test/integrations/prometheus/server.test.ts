import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MetricsApp, startMetricsApp } from '../../../examples/prometheus/app.js';
import {
  dashboardQueries,
  findExecutable,
  type PrometheusServer,
  poll,
  prometheusRequired,
  REQUIRE_PROMETHEUS_VARIABLE,
  startPrometheus,
} from '../../helpers/prometheus.js';

const dashboard: unknown = JSON.parse(
  readFileSync(new URL('../../../examples/grafana/zeta-router.json', import.meta.url), 'utf8'),
);
/** Grafana's `$__rate_interval` with a 1 s scrape is 4 s at least; a wider window is steadier. */
const RATE_WINDOW = '15s';
const queries = dashboardQueries(dashboard, { __rate_interval: RATE_WINDOW, model: '.*' });
const prometheus = findExecutable('prometheus');
const promtool = findExecutable('promtool');

/**
 * The example app routes bursts and serves `/metrics`; a real Prometheus (Debian's package, started
 * here on a free loopback port with its own temp config and storage) scrapes it every second; then
 * every query of the Grafana dashboard runs against Prometheus's HTTP API and must return data.
 */
describe('Prometheus server scraping the example app', () => {
  it('answers every query of the Grafana dashboard with data, and promtool accepts a scrape', {
    timeout: 120_000,
  }, async (ctx) => {
    if (prometheus === undefined || promtool === undefined) {
      const reason = `no ${prometheus === undefined ? 'prometheus' : 'promtool'} on PATH; install it with \`apt-get install prometheus\``;
      if (prometheusRequired()) {
        throw new Error(
          `${reason}; ${REQUIRE_PROMETHEUS_VARIABLE} is set, so Prometheus is required`,
        );
      }
      console.warn(`Prometheus server test skipped: ${reason}`);
      return ctx.skip(reason);
    }
    expect(queries.length).toBeGreaterThanOrEqual(20);
    let app: MetricsApp | undefined;
    let server: PrometheusServer | undefined;
    const traffic = new AbortController();
    let driving: Promise<unknown> | undefined;
    try {
      app = await startMetricsApp();
      driving = app.drive(traffic.signal, { burst: 40, periodMs: 400 });
      server = await startPrometheus(prometheus, `127.0.0.1:${app.port}`);
      const s = server;
      // Enough scrapes for every rate window: 8 samples of the app's series in the last 15 s,
      // and the embedder's outage (2 to 3 s after the app started) behind us.
      await poll(
        'eight scrapes of the app',
        async () => {
          const r = await s.query('count_over_time(zeta_router_pending_requests[15s])');
          const n = Number(r.data?.result[0]?.value?.[1] ?? 0);
          return n >= 8 ? n : undefined;
        },
        60_000,
        250,
      );
      const scrape = await (await fetch(app.url)).text();
      const check = spawnSync(promtool, ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
      expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({
        status: 0,
        out: '',
      });

      const results = [];
      for (const q of queries) {
        const r = await s.query(q.expr);
        const series = r.data?.result ?? [];
        const finite = series.filter((x) => Number.isFinite(Number(x.value?.[1]))).length;
        results.push({
          finite,
          ...q,
          status: r.status,
          error: r.error,
          series: series.length,
          values: series.map((x) => `${JSON.stringify(x.metric)}=${x.value?.[1]}`),
        });
      }
      console.log(
        [
          `${queries.length} dashboard queries against Prometheus (${RATE_WINDOW} rate window):`,
          ...results.map(
            (r) =>
              `  ${r.status} ${String(r.series).padStart(2)} series (${r.finite} numeric)  [${r.panel} / ${r.refId}] ${r.expr}`,
          ),
        ].join('\n'),
      );
      // Data means at least one series with a number (a quantile of an empty window is NaN).
      const failed = results.filter((r) => r.status !== 'success' || r.finite === 0);
      expect(
        failed.map(
          (r) =>
            `${r.panel} / ${r.refId}: ${r.error ?? `no data: ${r.values.join(', ')}`} (${r.expr})`,
        ),
      ).toEqual([]);
      // The burst really spilled, shed and opened a model: the panels show something happening.
      const sum = async (expr: string): Promise<number> =>
        Number((await s.query(expr)).data?.result[0]?.value?.[1] ?? Number.NaN);
      expect(await sum('sum(zeta_router_spills_total)')).toBeGreaterThan(0);
      expect(await sum('sum(zeta_router_rejections_total)')).toBeGreaterThan(0);
      expect(await sum('sum(zeta_router_cooldowns_total)')).toBeGreaterThan(0);
      expect(await sum('sum(zeta_router_time_to_first_token_seconds_count)')).toBeGreaterThan(0);

      const out = process.env['ZETA_DASHBOARD_DATA'];
      if (out !== undefined && out !== '') {
        // For docs/: the panels' series over the run, rendered by examples/grafana/render.ts.
        const end = Date.now() / 1000;
        const panels = [];
        for (const q of queries) {
          const r = await s.queryRange(q.expr, end - 30, end, 1);
          panels.push({ ...q, result: r.data?.result ?? [] });
        }
        writeFileSync(out, JSON.stringify({ rateWindow: RATE_WINDOW, end, panels }, null, 1));
      }
    } catch (error) {
      if (server) console.error(`prometheus log:\n${server.log()}`);
      throw error;
    } finally {
      traffic.abort();
      await server?.stop();
      await driving;
      await app?.close();
    }
  });
});

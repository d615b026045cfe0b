import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerPrometheusMetrics } from '../../src/integrations/prometheus/index.js';
import { dashboardQueries } from '../helpers/prometheus.js';
import { fleet } from '../router/fixtures.js';

const dashboard: unknown = JSON.parse(
  readFileSync(new URL('../../examples/grafana/zeta-router.json', import.meta.url), 'utf8'),
);

describe('examples/grafana/zeta-router.json', () => {
  it('queries only metrics that registerPrometheusMetrics registers', () => {
    const names = registerPrometheusMetrics(fleet().router, { registry: new Registry() }).names;
    const used = new Set(
      dashboardQueries(dashboard, {})
        .flatMap((q) => q.expr.match(/zeta_router_[a-z_]+/g) ?? [])
        .map((name) => name.replace(/_(bucket|sum|count)$/, '')),
    );
    expect([...used].filter((name) => !names.includes(name))).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(15);
  });

  it('has the panels the issue asks for, each with a description and a unique id', () => {
    const panels = (
      dashboard as { panels: Array<{ id: number; title: string; description: string }> }
    ).panels;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.description.length).toBeGreaterThan(10);
    const titles = panels.map((p) => p.title).join(' | ');
    for (const topic of [
      /by model/,
      /by task/,
      /Spill share/,
      /latency/,
      /first token/,
      /Queue wait/,
      /Rejections by code/,
      /Health/,
      /against capacity/,
      /forecast against actual/,
    ]) {
      expect(titles).toMatch(topic);
    }
  });
});

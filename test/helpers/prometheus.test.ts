import { describe, expect, it } from 'vitest';
import { dashboardQueries, findExecutable, prometheusRequired } from './prometheus.js';

describe('Prometheus test helpers', () => {
  it('requires Prometheus only when ZETA_REQUIRE_PROMETHEUS is set to something true', () => {
    expect(prometheusRequired({})).toBe(false);
    expect(prometheusRequired({ ZETA_REQUIRE_PROMETHEUS: '' })).toBe(false);
    expect(prometheusRequired({ ZETA_REQUIRE_PROMETHEUS: '0' })).toBe(false);
    expect(prometheusRequired({ ZETA_REQUIRE_PROMETHEUS: 'false' })).toBe(false);
    expect(prometheusRequired({ ZETA_REQUIRE_PROMETHEUS: '1' })).toBe(true);
  });

  it('finds an executable on PATH like command -v, and nothing on an empty PATH', () => {
    expect(findExecutable('node', process.env['PATH'])).toMatch(/node$/);
    expect(findExecutable('node', '')).toBeUndefined();
    expect(findExecutable('no-such-binary-zeta', process.env['PATH'])).toBeUndefined();
  });

  it('lists every target of every panel, nested rows included, with variables replaced', () => {
    const dashboard = {
      panels: [
        {
          title: 'a',
          targets: [
            {
              refId: 'A',
              expr: 'rate(x{model=~"$model"}[$__rate_interval])',
              legendFormat: '{{model}}',
            },
            { refId: 'B' },
          ],
        },
        {
          title: 'row',
          panels: [{ title: 'b', targets: [{ refId: 'A', expr: 'y{m="$' + '{model}"}' }] }],
        },
      ],
    };
    expect(dashboardQueries(dashboard, { __rate_interval: '15s', model: '.*' })).toEqual([
      { panel: 'a', refId: 'A', legend: '{{model}}', expr: 'rate(x{model=~".*"}[15s])' },
      { panel: 'b', refId: 'A', legend: '', expr: 'y{m=".*"}' },
    ]);
  });
});

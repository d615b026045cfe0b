import { describe, expect, it } from 'vitest';
import { compareStrategies } from '../../src/sim/runner.js';
import { heterogeneousFleet } from '../../src/sim/scenarios/fleets.js';
import { getScenario } from '../../src/sim/scenarios/scenarios.js';
import {
  formatComparison,
  formatComparisonMarkdown,
  MAX_MODEL_COLUMNS,
} from '../../src/sim/table.js';
import { generateWorkload } from '../../src/sim/workloads/requests.js';

const width = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

describe('formatComparison', () => {
  it('gives a small fleet a column per model', async () => {
    const sc = getScenario('steady');
    const text = formatComparison(
      await compareStrategies({
        scenario: 'steady',
        models: sc.models,
        requests: generateWorkload(sc.workload, 1, 200),
        strategies: ['static', 'adaptive'],
        seed: 1,
      }),
    );
    expect(text).toMatch(/^steady: 200 requests, seed 1\n/);
    expect(text).toMatch(/^requests \(utilization\) +coder-7b +embedder-4b +reasoner-14b$/m);
    expect(text).toMatch(/^pooled .*1\.00x$/m);
    expect(text).not.toMatch(/fleet:/);
  });

  it('summarises a large fleet: busiest models, the rest folded, a fleet summary, short lines', async () => {
    const sc = getScenario('heterogeneous-1000');
    const comparison = await compareStrategies({
      scenario: 'heterogeneous-1000',
      models: sc.models,
      requests: generateWorkload(sc.workload, 1, 1500),
      strategies: ['static', 'least-loaded', 'adaptive'],
      seed: 1,
    });
    const text = formatComparison(comparison);
    expect(width(text)).toBeLessThan(140);
    expect(text).toMatch(/995 other models \(mean\)/);
    expect(text).toMatch(/^fleet: 1,000 models +used +utilization mean +p50 +p95 +max +busiest$/m);
    // Every strategy and the pooled reference have a row in both model tables; the folded column
    // counts every request the named columns do not.
    for (const r of comparison.results) {
      const rows = text.split('\n').filter((l) => l.startsWith(`${r.name} `));
      expect(rows).toHaveLength(3);
      const cells = rows[1]!.trim().split(/\s{2,}/);
      const requests = cells.slice(1).map((c) => Number(c.split(' ')[0]!.replaceAll(',', '')));
      expect(requests.reduce((a, b) => a + b, 0)).toBe(
        r.report.models.reduce((a, m) => a + m.requests, 0),
      );
    }
  });

  it('switches to the summary above MAX_MODEL_COLUMNS models', async () => {
    const run = async (n: number) => {
      const models = heterogeneousFleet(n, 2);
      const sc = getScenario('steady');
      const types = new Set(models.flatMap((m) => m.tasks));
      const mix = Object.fromEntries([...types].map((t) => [t, 1]));
      return formatComparison(
        await compareStrategies({
          scenario: `fleet-${n}`,
          models,
          requests: generateWorkload({ ...sc.workload, mix }, 1, 100),
          strategies: ['least-loaded'],
          seed: 1,
        }),
      );
    };
    expect(await run(MAX_MODEL_COLUMNS)).not.toMatch(/other models/);
    expect(await run(MAX_MODEL_COLUMNS + 1)).toMatch(/8 other models \(mean\)/);
  });

  it('the Markdown table has the same rows', async () => {
    const sc = getScenario('steady');
    const md = formatComparisonMarkdown(
      await compareStrategies({
        scenario: 'steady',
        models: sc.models,
        requests: generateWorkload(sc.workload, 1, 100),
        strategies: ['static'],
        seed: 1,
      }),
    );
    expect(md.split('\n')).toHaveLength(4);
    expect(md).toMatch(/^\| static \|/m);
  });
});

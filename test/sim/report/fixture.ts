import {
  type CompareOptions,
  type Comparison,
  compareStrategies,
} from '../../../src/sim/runner.js';
import { getScenario } from '../../../src/sim/scenarios/scenarios.js';
import { generateWorkload } from '../../../src/sim/workloads/requests.js';

/** Strategies the report tests compare; the pooled reference comes last in the results. */
export const STRATEGIES = ['static', 'adaptive'] as const;

/**
 * A small real comparison: the `steady` scenario, 300 requests, static vs adaptive (plus the
 * pooled reference). `overrides` replace any option, e.g. a hostile fleet or no requests.
 */
export async function smallComparison(
  overrides: Partial<CompareOptions> = {},
): Promise<Comparison> {
  const sc = getScenario('steady');
  return compareStrategies({
    scenario: sc.name,
    models: sc.models,
    requests: generateWorkload(sc.workload, 1, 300),
    strategies: [...STRATEGIES],
    seed: 1,
    ...overrides,
  });
}

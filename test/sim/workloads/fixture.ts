import type { DistributionSpec } from '../../../src/sim/distributions.js';
import type { ArrivalSpec, TaskTypeSpec, WorkloadSpec } from '../../../src/sim/workloads/spec.js';

export const c = (value: number): DistributionSpec => ({ kind: 'constant', value });
export const basic: TaskTypeSpec = { complexity: c(0.2), promptTokens: c(100) };
export const single = (arrivals: ArrivalSpec): WorkloadSpec => ({
  arrivals,
  mix: { x: 1 },
  types: { x: basic },
});

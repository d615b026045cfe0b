import type { DistributionSpec } from '../../distributions.js';

/** Shorthands for the distribution specs the built-in fleets and task types are written in. */

export const lognormal = (median: number, spread = 2.5): DistributionSpec => ({
  kind: 'lognormal',
  median,
  spread,
});
export const uniform = (min: number, max: number): DistributionSpec => ({
  kind: 'uniform',
  min,
  max,
});

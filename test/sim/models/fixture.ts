import type { SimModelSpec } from '../../../src/sim/models/spec.js';
import type { SimRequest } from '../../../src/sim/types.js';

export const coder: SimModelSpec = {
  id: 'coder-7b',
  tasks: ['simple', 'code'],
  home: ['code'],
  maxComplexity: 0.7,
  concurrency: 2,
  maxTokens: 8000,
  service: {
    byTask: { code: { kind: 'lognormal', median: 1200, spread: 2.5 } },
    default: { kind: 'constant', value: 300 },
  },
};

export const req = (id: number, over: Partial<SimRequest> = {}): SimRequest => ({
  id,
  t: 0,
  type: 'code',
  complexity: 0.3,
  tokens: 1000,
  priority: 0,
  ...over,
});

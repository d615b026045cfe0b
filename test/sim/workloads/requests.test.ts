import { describe, expect, it } from 'vitest';
import { generateArrivals } from '../../../src/sim/workloads/arrivals.js';
import { generateWorkload, workloadRequests } from '../../../src/sim/workloads/requests.js';
import type { WorkloadSpec } from '../../../src/sim/workloads/spec.js';
import { seededRandom } from '../../../src/utils/random.js';
import { configError } from '../../helpers/configError.js';
import { single } from './fixture.js';

describe('generateWorkload', () => {
  const spec: WorkloadSpec = {
    arrivals: { kind: 'poisson', rate: 20 },
    mix: [
      { at: 0, mix: { simple: 3, code: 1 } },
      { at: 500_000, mix: { code: 1 } },
    ],
    types: {
      simple: {
        complexity: { kind: 'uniform', min: -0.5, max: 0.5 },
        promptTokens: { kind: 'lognormal', median: 200, spread: 3 },
        outputTokens: { kind: 'constant', value: 50 },
        priority: [
          { value: 2, weight: 1 },
          { value: 0, weight: 3 },
        ],
      },
      code: {
        complexity: { kind: 'uniform', min: 0.8, max: 1.5 },
        promptTokens: { kind: 'constant', value: 0.2 },
        priority: 1,
      },
    },
  };
  const requests = generateWorkload(spec, 42, 20_000);

  it('numbers requests 0… in arrival order', () => {
    expect(requests).toHaveLength(20_000);
    requests.forEach((r, i) => {
      expect(r.id).toBe(i);
      if (i > 0) expect(r.t).toBeGreaterThanOrEqual((requests[i - 1] as { t: number }).t);
    });
  });

  it('follows the mix, and its shift over time', () => {
    const before = requests.filter((r) => r.t < 500_000);
    const after = requests.filter((r) => r.t >= 500_000);
    expect(after.length).toBeGreaterThan(5_000);
    expect(before.filter((r) => r.type === 'simple').length / before.length).toBeCloseTo(0.75, 1);
    expect(after.every((r) => r.type === 'code')).toBe(true);
  });

  it('draws priorities, tokens and clamped complexity per type', () => {
    const simple = requests.filter((r) => r.type === 'simple');
    const code = requests.filter((r) => r.type === 'code');
    expect(simple.filter((r) => r.priority === 2).length / simple.length).toBeCloseTo(0.25, 1);
    expect(new Set(simple.map((r) => r.priority))).toEqual(new Set([0, 2]));
    expect(code.every((r) => r.priority === 1)).toBe(true);
    expect(simple.every((r) => r.complexity >= 0 && r.complexity <= 0.5)).toBe(true);
    expect(simple.filter((r) => r.complexity === 0).length / simple.length).toBeCloseTo(0.5, 1);
    expect(code.every((r) => r.complexity >= 0.8 && r.complexity <= 1)).toBe(true);
    expect(
      simple.every(
        (r) => r.outputTokens === 50 && r.tokens === Math.round(r.tokens) && r.tokens >= 51,
      ),
    ).toBe(true);
    expect(
      code.every((r) => r.tokens === 1 && r.outputTokens === undefined && !('outputTokens' in r)),
    ).toBe(true);
  });

  it('is deterministic: same seed, deep-equal requests; another seed differs', () => {
    expect(generateWorkload(spec, 42, 20_000)).toEqual(requests);
    expect(generateWorkload(spec, 43, 100)).not.toEqual(requests.slice(0, 100));
    expect(generateWorkload(spec, 42, 100)).toEqual(requests.slice(0, 100));
  });

  it('keeps arrival times when only the mix or types change', () => {
    const other = generateWorkload({ ...spec, mix: { code: 1 } }, 42, 1000);
    expect(other.map((r) => r.t)).toEqual(requests.slice(0, 1000).map((r) => r.t));
  });

  it('workloadRequests streams the same requests', () => {
    const first: unknown[] = [];
    for (const r of workloadRequests(spec, 42)) {
      if (first.length === 50) break;
      first.push(r);
    }
    expect(first).toEqual(requests.slice(0, 50));
  });

  it('generates a single-type workload with a constant mix', () => {
    const reqs = generateWorkload(single({ kind: 'poisson', rate: 1 }), 1, 3);
    expect(reqs.map((r) => [r.type, r.complexity, r.tokens, r.priority])).toEqual([
      ['x', 0.2, 100, 0],
      ['x', 0.2, 100, 0],
      ['x', 0.2, 100, 0],
    ]);
  });
});

describe('validation', () => {
  it('generateWorkload lists every problem of every argument at once', () => {
    const error = configError(() =>
      generateWorkload(single({ kind: 'poisson', rate: -1 }), 0.5, 1_000_000_000_000),
    );
    expect(error.message).toBe(
      [
        'Invalid generateWorkload arguments:',
        '- spec.arrivals.rate must be a finite number > 0, got -1',
        '- seed must be a safe integer, got 0.5',
        '- requests must be an integer from 0 to 1,000,000, got 1000000000000',
      ].join('\n'),
    );
  });

  it('refuses a huge request count before allocating anything', () => {
    const started = performance.now();
    expect(
      configError(() => generateWorkload(single({ kind: 'poisson', rate: 1 }), 1, 1e12)).problems,
    ).toEqual(['requests must be an integer from 0 to 1,000,000, got 1000000000000']);
    expect(
      configError(() => generateArrivals({ kind: 'poisson', rate: 1 }, seededRandom(1), 2e6))
        .problems,
    ).toEqual(['count must be an integer from 0 to 1,000,000, got 2000000']);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

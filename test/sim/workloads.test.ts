import { describe, expect, it } from 'vitest';
import type { DistributionSpec } from '../../src/sim/distributions.js';
import {
  type ArrivalSpec,
  arrivalRateAt,
  arrivalTimes,
  assertValidWorkload,
  generateArrivals,
  generateWorkload,
  type TaskTypeSpec,
  type WorkloadSpec,
  workloadProblems,
  workloadRequests,
} from '../../src/sim/workloads.js';
import { seededRandom } from '../../src/utils/random.js';
import { configError } from '../helpers/configError.js';

const c = (value: number): DistributionSpec => ({ kind: 'constant', value });
const basic: TaskTypeSpec = { complexity: c(0.2), promptTokens: c(100) };
const single = (arrivals: ArrivalSpec): WorkloadSpec => ({
  arrivals,
  mix: { x: 1 },
  types: { x: basic },
});

/** Arrivals per second in [from, until). */
const rateIn = (times: readonly number[], from: number, until: number): number =>
  times.filter((t) => t >= from && t < until).length / ((until - from) / 1000);

describe('arrival processes', () => {
  it('poisson: ascending times at the given rate', () => {
    const times = generateArrivals({ kind: 'poisson', rate: 50 }, seededRandom(1), 20_000);
    expect(times).toHaveLength(20_000);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(rate / 50).toBeCloseTo(1, 1);
    expect(Math.abs(rate / 50 - 1)).toBeLessThan(0.02);
  });

  it('onOff: arrivals only in on periods, average rate onRate × on share', () => {
    const spec: ArrivalSpec = { kind: 'onOff', onRate: 100, onMs: 1000, offMs: 3000 };
    const times = generateArrivals(spec, seededRandom(2), 20_000);
    expect(times.every((t) => t % 4000 < 1000)).toBe(true);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(Math.abs(rate / 25 - 1)).toBeLessThan(0.03);
    expect(arrivalRateAt(spec, 500)).toBe(100);
    expect(arrivalRateAt(spec, 1500)).toBe(0);
  });

  it('onOff with an off rate keeps both rates', () => {
    const spec: ArrivalSpec = { kind: 'onOff', onRate: 200, offRate: 20, onMs: 5000, offMs: 5000 };
    const times = generateArrivals(spec, seededRandom(3), 30_000);
    const on = times.filter((t) => t % 10_000 < 5000).length;
    expect(on / (times.length - on)).toBeGreaterThan(8);
    expect(on / (times.length - on)).toBeLessThan(12);
  });

  it('mmpp: long-run rate weighted by sojourn, and bursty (over-dispersed counts)', () => {
    const spec: ArrivalSpec = {
      kind: 'mmpp',
      states: [
        { rate: 5, meanSojournMs: 20_000 },
        { rate: 100, meanSojournMs: 5_000 },
      ],
    };
    expect(arrivalRateAt(spec, 0)).toBeCloseTo((5 * 20 + 100 * 5) / 25, 9);
    const times = generateArrivals(spec, seededRandom(4), 60_000);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(Math.abs(rate / 24 - 1)).toBeLessThan(0.1);
    // Counts per second: a Poisson process has variance = mean; an MMPP much more.
    const counts = new Map<number, number>();
    for (const t of times)
      counts.set(Math.floor(t / 1000), (counts.get(Math.floor(t / 1000)) ?? 0) + 1);
    const seconds = Math.floor((times.at(-1) as number) / 1000);
    const xs = Array.from({ length: seconds }, (_, s) => counts.get(s) ?? 0);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(variance / mean).toBeGreaterThan(10);
  });

  it('mmpp with three states visits them all', () => {
    const spec: ArrivalSpec = {
      kind: 'mmpp',
      states: [
        { rate: 10, meanSojournMs: 1000 },
        { rate: 0, meanSojournMs: 1000 },
        { rate: 1000, meanSojournMs: 100 },
      ],
      initialState: 1,
    };
    const times = generateArrivals(spec, seededRandom(5), 20_000);
    const rate = times.length / ((times.at(-1) as number) / 1000);
    expect(Math.abs(rate / arrivalRateAt(spec, 0) - 1)).toBeLessThan(0.15);
  });

  it('diurnal: higher rate in the rising half than in the falling half, mean as given', () => {
    const spec: ArrivalSpec = { kind: 'diurnal', meanRate: 20, amplitude: 0.8, periodMs: 100_000 };
    const times = generateArrivals(spec, seededRandom(6), 40_000);
    const end = Math.floor((times.at(-1) as number) / 100_000) * 100_000;
    expect(Math.abs(rateIn(times, 0, end) / 20 - 1)).toBeLessThan(0.03);
    let peak = 0;
    let trough = 0;
    for (let p = 0; p < end; p += 100_000) {
      peak += rateIn(times, p + 15_000, p + 35_000);
      trough += rateIn(times, p + 65_000, p + 85_000);
    }
    expect(peak / trough).toBeGreaterThan(5);
    expect(arrivalRateAt(spec, 25_000)).toBeCloseTo(36, 9);
  });

  it('piecewise: each segment at its own rate (thinning)', () => {
    const spec: ArrivalSpec = {
      kind: 'piecewise',
      segments: [
        { at: 0, rate: 10 },
        { at: 100_000, rate: 200 },
        { at: 150_000, rate: 10 },
      ],
    };
    const times = generateArrivals(spec, seededRandom(7), 13_000);
    expect(Math.abs(rateIn(times, 0, 100_000) / 10 - 1)).toBeLessThan(0.07);
    expect(Math.abs(rateIn(times, 100_000, 150_000) / 200 - 1)).toBeLessThan(0.03);
    expect(Math.abs(rateIn(times, 150_000, 250_000) / 10 - 1)).toBeLessThan(0.07);
  });

  it('arrivalTimes is lazy and endless', () => {
    let n = 0;
    for (const t of arrivalTimes({ kind: 'poisson', rate: 1000 }, seededRandom(1))) {
      if (t > 10_000) break;
      n++;
    }
    expect(n).toBeGreaterThan(9000);
    expect(n).toBeLessThan(11_000);
    expect(generateArrivals({ kind: 'poisson', rate: 1 }, seededRandom(1), 0)).toEqual([]);
  });
});

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
  it('rejects unknown keys at every level, with a hint', () => {
    const spec = {
      arrivals: { kind: 'onOff', onRate: 1, onMs: 10, offMs: 10, offrate: 0 },
      mix: [{ at: 0, mix: { x: 1 }, until: 5 }],
      types: {
        x: { complexity: c(0.2), promptTokens: { kind: 'constant', value: 1, mean: 1 }, prio: 1 },
      },
      seed: 1,
    };
    expect(workloadProblems(spec)).toEqual([
      'unknown option `workload.seed` (known: arrivals, mix, types)',
      'unknown option `workload.arrivals.offrate` (did you mean `workload.arrivals.offRate`?) (known: kind, onRate, offRate, onMs, offMs)',
      'unknown option `workload.types.x.prio` (known: complexity, promptTokens, outputTokens, priority)',
      'unknown option `workload.types.x.promptTokens.mean` (known: kind, value)',
      'unknown option `workload.mix[0].until` (known: at, mix)',
    ]);
    const error = configError(() => assertValidWorkload(spec as unknown as WorkloadSpec));
    expect(error.message.split('\n')[0]).toBe('Invalid assertValidWorkload spec:');
    expect(error.problems).toHaveLength(5);
  });

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

  it('bounds times to the 1e12 ms horizon and checks arrivalRateAt and arrivalTimes', () => {
    expect(
      workloadProblems(single({ kind: 'diurnal', meanRate: 1, amplitude: 0.5, periodMs: 1e300 })),
    ).toEqual([
      'workload.arrivals.periodMs must be a number > 0 and <= 1000000000000 (milliseconds), got 1e+300',
    ]);
    expect(
      configError(() => arrivalRateAt({ kind: 'poisson', rate: 1, x: 1 } as never, Number.NaN))
        .problems,
    ).toEqual([
      'unknown option `spec.x` (known: kind, rate)',
      't must be a finite number (milliseconds), got NaN',
    ]);
    const times = arrivalTimes({ kind: 'poisson', rate: 0 }, 5 as never);
    expect(configError(() => times.next()).problems).toEqual([
      'spec.rate must be a finite number > 0, got 0',
      'random must be a function, got 5',
    ]);
  });

  it('lists every problem with its path', () => {
    const problems = workloadProblems({
      arrivals: {
        kind: 'piecewise',
        segments: [
          { at: 5, rate: 1 },
          { at: 2, rate: 0 },
        ],
      },
      mix: { a: 1, b: -1, c: 2 },
      types: {
        a: { complexity: { kind: 'uniform', min: 1, max: 0 }, promptTokens: c(1), priority: [] },
      },
    });
    expect(problems).toEqual([
      'workload.arrivals.segments[0].at must be 0, got 5',
      'workload.arrivals.segments[1].at must be a number > 0 and <= 1000000000000 (milliseconds) and > the previous at, got 2',
      'workload.arrivals.segments[1].rate must be > 0 (the last segment holds forever)',
      'workload.types.a.complexity.max must be a finite number >= min, got 0',
      'workload.types.a.priority must be a finite number or a non-empty array of { value, weight >= 0 } (no other keys), got an array of 0',
      'workload.mix.b must be a finite number >= 0, got -1',
      'workload.mix.c has no entry in types',
    ]);
  });

  it('rejects bad arrival processes', () => {
    expect(
      configError(() => generateWorkload(single({ kind: 'poisson', rate: 0 }), 1, 1)).message,
    ).toBe(
      'Invalid generateWorkload arguments:\n- spec.arrivals.rate must be a finite number > 0, got 0',
    );
    expect(() =>
      generateWorkload(single({ kind: 'mmpp', states: [{ rate: 1, meanSojournMs: 1 }] }), 1, 1),
    ).toThrow(/states must be an array of at least 2 states/);
    expect(() =>
      generateWorkload(single({ kind: 'diurnal', meanRate: 1, amplitude: 2, periodMs: 1 }), 1, 1),
    ).toThrow(/amplitude must be a number in \[0, 1\], got 2/);
    expect(() =>
      generateWorkload(single({ kind: 'weibull' } as unknown as ArrivalSpec), 1, 1),
    ).toThrow(/kind must be one of/);
    expect(() => generateWorkload(single({ kind: 'poisson', rate: 1 }), 1, -1)).toThrow(
      /requests must be an integer from 0 to 1,000,000, got -1/,
    );
    expect(() => generateArrivals({ kind: 'poisson', rate: 1 }, seededRandom(1), 1.5)).toThrow(
      /count must be an integer/,
    );
  });

  it('rejects a mix without positive weights and timed mixes out of order', () => {
    expect(workloadProblems({ ...single({ kind: 'poisson', rate: 1 }), mix: { x: 0 } })).toEqual([
      'workload.mix must have at least one weight > 0',
    ]);
    expect(
      workloadProblems({
        ...single({ kind: 'poisson', rate: 1 }),
        mix: [
          { at: 10, mix: { x: 1 } },
          { at: 10, mix: { x: 1 } },
        ],
      }),
    ).toEqual([
      'workload.mix[1].at must be a number >= 0 and <= 1000000000000 (milliseconds) and > the previous at, got 10',
    ]);
  });
});

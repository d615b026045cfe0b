import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ArrivalStats,
  InMemoryLoadTracker,
  type InMemoryLoadTrackerOptions,
  inMemoryLoadTrackerDefaults,
  type LoadTracker,
  type ModelLoadStats,
  OTHER_TASK_TYPE,
  type TrackerSnapshot,
} from '../../src/load/index.js';
import type { LatencyStats } from '../../src/types.js';
import { seededRandom } from '../../src/utils/random.js';
import { configError } from '../helpers/configError.js';

/** Quantile of sorted samples under the t-digest convention: sample i sits at rank i + 0.5. */
function exactQuantile(sorted: readonly number[], p: number): number {
  const pos = Math.min(Math.max(sorted.length * p - 0.5, 0), sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Share of sorted samples below `x`: where `x` ranks in the sample. */
function rankOf(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('InMemoryLoadTracker', () => {
  it('implements LoadTracker', () => {
    expectTypeOf<InMemoryLoadTracker>().toExtend<LoadTracker>();
    expectTypeOf<LoadTracker['latency']>().returns.toEqualTypeOf<LatencyStats>();
    expectTypeOf<LoadTracker['modelStats']>().returns.toEqualTypeOf<ModelLoadStats>();
    expectTypeOf<LoadTracker['arrivals']>().returns.toEqualTypeOf<ArrivalStats>();
    expectTypeOf<LoadTracker['snapshot']>().returns.toEqualTypeOf<TrackerSnapshot>();
    expectTypeOf(new InMemoryLoadTracker().options).toEqualTypeOf<
      Readonly<Required<InMemoryLoadTrackerOptions>>
    >();
  });

  describe('defaults', () => {
    it('fills in the documented defaults', () => {
      expect(new InMemoryLoadTracker().options).toEqual({
        windowMs: 60_000,
        buckets: 6,
        compression: 0.01,
        refreshEvery: 256,
        refreshMs: 1000,
        errorHalfLife: 10,
        errorDecayMs: 30_000,
        maxTaskTypes: 256,
        rateHalfLifeMs: 10_000,
        horizonMs: 5_000,
        forecastIntervalMs: 1_000,
        forecastAlpha: 0.5,
        forecastBeta: 0.3,
      });
      expect(Object.isFrozen(inMemoryLoadTrackerDefaults)).toBe(true);
    });

    it('answers zeros and NaN for what it never saw, without creating state', () => {
      const tracker = new InMemoryLoadTracker();
      const empty = tracker.latency('m', 'code', 0);
      expect(empty.count).toBe(0);
      expect(empty.mean).toBeNaN();
      expect(empty.p50).toBeNaN();
      expect(empty.p95).toBeNaN();
      expect(empty.p99).toBeNaN();
      expect(tracker.modelStats('m', 0)).toEqual({
        inFlight: 0,
        errorRate: 0,
        throughput: 0,
        completed: 0,
        failed: 0,
      });
      expect(tracker.arrivals('code', 0)).toEqual({
        rate: 0,
        forecast: 0,
        trend: 0,
        horizonMs: 5_000,
      });
      expect(tracker.snapshot(0)).toEqual({ at: 0, windowMs: 60_000, models: [], arrivals: [] });
    });
  });

  describe('latency quantiles', () => {
    it('match the exact quantiles of a uniform sample', () => {
      const random = seededRandom(1);
      const tracker = new InMemoryLoadTracker();
      const xs: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const x = random() * 1000;
        xs.push(x);
        tracker.recordFinish('m', 'code', x, true, 0);
      }
      xs.sort((a, b) => a - b);
      const stats = tracker.latency('m', 'code', 0);
      expect(stats.count).toBe(20_000);
      expect(stats.mean).toBeCloseTo(mean(xs), 9);
      for (const [p, q] of [
        [0.5, stats.p50],
        [0.95, stats.p95],
        [0.99, stats.p99],
      ] as const) {
        // Within 0.5% of the range, i.e. of the exact quantile's rank.
        expect(Math.abs(q - exactQuantile(xs, p))).toBeLessThan(5);
      }
    });

    it('match the exact quantiles of a lognormal sample spread over every bucket', () => {
      const random = seededRandom(2);
      const tracker = new InMemoryLoadTracker();
      const xs: number[] = [];
      // 30 000 samples over 59.9 s: all six 10 s buckets take a share.
      for (let i = 0; i < 30_000; i++) {
        const x = Math.exp(6 + 0.8 * gaussian(random));
        xs.push(x);
        tracker.recordFinish('m', 'reasoning', x, true, i * 2);
      }
      xs.sort((a, b) => a - b);
      const stats = tracker.latency('m', 'reasoning', 59_999);
      expect(stats.count).toBe(30_000);
      expect(stats.mean).toBeCloseTo(mean(xs), 6);
      for (const [p, q, rankTolerance] of [
        [0.5, stats.p50, 0.005],
        [0.95, stats.p95, 0.002],
        [0.99, stats.p99, 0.001],
      ] as const) {
        expect(Math.abs(rankOf(xs, q) - p)).toBeLessThan(rankTolerance);
        expect(Math.abs(q / exactQuantile(xs, p) - 1)).toBeLessThan(0.02);
      }
    });

    it('is exact on a handful of samples', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      for (const x of [10, 20, 30, 40]) tracker.recordFinish('m', 'simple', x, true, 0);
      expect(tracker.latency('m', 'simple', 0)).toEqual({
        count: 4,
        mean: 25,
        p50: 25,
        p95: 40,
        p99: 40,
      });
    });

    it('keeps failed calls and non-finite latencies out of the window but counts them', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      tracker.recordFinish('m', 'code', 100, true, 0);
      tracker.recordFinish('m', 'code', 1, false, 0);
      tracker.recordFinish('m', 'code', Number.NaN, true, 0);
      tracker.recordFinish('m', 'code', Number.POSITIVE_INFINITY, true, 0);
      tracker.recordFinish('m', 'code', -5, true, 0);
      expect(tracker.latency('m', 'code', 0)).toMatchObject({ count: 2, mean: 50, p50: 50 });
      expect(tracker.modelStats('m', 0)).toMatchObject({ completed: 4, failed: 1 });
    });
  });

  describe('sliding window', () => {
    it('drops a bucket when time moves past it, and everything after an idle window', () => {
      // 6 buckets of 10 s; a huge refreshMs shows that dropping forces a refresh by itself.
      const tracker = new InMemoryLoadTracker({ refreshMs: 1e9, refreshEvery: 1 });
      for (let i = 0; i < 100; i++) tracker.recordFinish('m', 'code', 10, true, 5_000);
      for (let i = 0; i < 100; i++) tracker.recordFinish('m', 'code', 1000, true, 35_000);
      expect(tracker.latency('m', 'code', 59_999)).toMatchObject({ count: 200, mean: 505 });
      // [0, 10 s) leaves the window at 60 s.
      expect(tracker.latency('m', 'code', 60_000)).toEqual({
        count: 100,
        mean: 1000,
        p50: 1000,
        p95: 1000,
        p99: 1000,
      });
      expect(tracker.latency('m', 'code', 89_999).count).toBe(100);
      expect(tracker.latency('m', 'code', 90_000).count).toBe(0);
      expect(tracker.latency('m', 'code', 90_000).p50).toBeNaN();
    });

    it('clears every bucket after a gap longer than the window', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      for (let t = 0; t < 60_000; t += 1_000) tracker.recordFinish('m', 'code', t, true, t);
      expect(tracker.latency('m', 'code', 59_000).count).toBe(60);
      tracker.recordFinish('m', 'code', 7, true, 10_000_000);
      expect(tracker.latency('m', 'code', 10_000_000)).toMatchObject({ count: 1, p99: 7 });
    });

    it('keeps samples that arrive with an earlier time in the current bucket', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      tracker.recordFinish('m', 'code', 10, true, 30_000);
      tracker.recordFinish('m', 'code', 20, true, 1_000);
      expect(tracker.latency('m', 'code', 30_000).count).toBe(2);
      expect(tracker.latency('m', 'code', 89_999).count).toBe(2);
      expect(tracker.latency('m', 'code', 90_000).count).toBe(0);
    });
  });

  describe('cache', () => {
    it('returns the same object until refreshEvery samples have come', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 10, refreshMs: 1000 });
      tracker.recordFinish('m', 'code', 1, true, 0);
      const first = tracker.latency('m', 'code', 0);
      expect(first.count).toBe(1);
      expect(Object.isFrozen(first)).toBe(true);
      for (let i = 0; i < 9; i++) {
        tracker.recordFinish('m', 'code', 1, true, 1);
        expect(tracker.latency('m', 'code', 1)).toBe(first);
      }
      tracker.recordFinish('m', 'code', 1, true, 1);
      const second = tracker.latency('m', 'code', 1);
      expect(second).not.toBe(first);
      expect(second.count).toBe(11);
      expect(tracker.latency('m', 'code', 2)).toBe(second);
    });

    it('refreshes after refreshMs when fewer samples came', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 10, refreshMs: 1000 });
      tracker.recordFinish('m', 'code', 1, true, 0);
      const first = tracker.latency('m', 'code', 0);
      tracker.recordFinish('m', 'code', 3, true, 10);
      expect(tracker.latency('m', 'code', 999)).toBe(first);
      const second = tracker.latency('m', 'code', 1000);
      expect(second).toMatchObject({ count: 2, mean: 2 });
    });

    it('does not recompute when nothing changed, however long ago the refresh was', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 10, refreshMs: 1000 });
      tracker.recordFinish('m', 'code', 1, true, 0);
      const first = tracker.latency('m', 'code', 0);
      expect(tracker.latency('m', 'code', 9_999)).toBe(first);
    });
  });

  describe('error rate', () => {
    it('is the plain share of failures at first (bias-corrected)', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordFinish('m', 'code', 5, false, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBe(1);
      tracker.recordFinish('m', 'code', 5, true, 0);
      const rate = tracker.modelStats('m', 0).errorRate;
      expect(rate).toBeGreaterThan(0.45);
      expect(rate).toBeLessThan(0.5);
    });

    it('reaches one half after errorHalfLife failures and halves after as many successes', () => {
      const tracker = new InMemoryLoadTracker({ errorHalfLife: 8 });
      for (let i = 0; i < 500; i++) tracker.recordFinish('m', 'code', 5, true, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBe(0);
      let previous = 0;
      for (let i = 0; i < 8; i++) {
        tracker.recordFinish('m', 'code', 5, false, 0);
        const rate = tracker.modelStats('m', 0).errorRate;
        expect(rate).toBeGreaterThan(previous);
        previous = rate;
      }
      expect(previous).toBeCloseTo(0.5, 6);
      for (let i = 0; i < 8; i++) tracker.recordFinish('m', 'code', 5, true, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBeCloseTo(0.25, 6);
      for (let i = 0; i < 200; i++) tracker.recordFinish('m', 'code', 5, true, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBeLessThan(1e-6);
    });

    it('is per model', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordFinish('a', 'code', 5, false, 0);
      tracker.recordFinish('b', 'code', 5, true, 0);
      expect(tracker.modelStats('a', 0).errorRate).toBe(1);
      expect(tracker.modelStats('b', 0).errorRate).toBe(0);
    });
  });

  describe('throughput and in-flight', () => {
    it('tracks a steady completion rate and halves per half-life when idle', () => {
      const tracker = new InMemoryLoadTracker({ rateHalfLifeMs: 5_000 });
      for (let t = 0; t < 60_000; t += 100) tracker.recordFinish('m', 'code', 50, true, t);
      const steady = tracker.modelStats('m', 59_900).throughput;
      expect(steady).toBeGreaterThan(9.5);
      expect(steady).toBeLessThan(10.5);
      expect(tracker.modelStats('m', 64_900).throughput).toBeCloseTo(steady / 2, 6);
      expect(tracker.modelStats('m', 69_900).throughput).toBeCloseTo(steady / 4, 6);
    });

    it('counts calls in flight per model and per pair, never below zero', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordStart('m', 'code', 0);
      tracker.recordStart('m', 'code', 0);
      tracker.recordStart('m', 'simple', 0);
      expect(tracker.modelStats('m', 0).inFlight).toBe(3);
      tracker.recordFinish('m', 'code', 5, true, 1);
      tracker.recordFinish('m', 'simple', 5, false, 1);
      tracker.recordFinish('m', 'simple', 5, true, 1);
      expect(tracker.modelStats('m', 1)).toMatchObject({ inFlight: 1, completed: 2, failed: 1 });
      const tasks = tracker.snapshot(1).models[0]!.tasks;
      expect(tasks.map((t) => [t.task, t.inFlight, t.completed, t.failed])).toEqual([
        ['code', 1, 1, 0],
        ['simple', 0, 1, 1],
      ]);
    });
  });

  describe('arrivals', () => {
    /** Arrivals at rate `rateAt(t)` requests per second, from `from` to `to` ms. */
    function feed(
      tracker: InMemoryLoadTracker,
      rateAt: (t: number) => number,
      from: number,
      to: number,
    ) {
      let t = from;
      while (t < to) {
        tracker.recordArrival('code', t);
        t += 1000 / rateAt(t);
      }
    }

    it('forecasts a flat rate as flat', () => {
      const tracker = new InMemoryLoadTracker({ rateHalfLifeMs: 5_000 });
      feed(tracker, () => 20, 0, 60_000);
      const a = tracker.arrivals('code', 60_000);
      expect(a.rate).toBeGreaterThan(19);
      expect(a.rate).toBeLessThan(21);
      expect(a.forecast).toBeGreaterThan(19);
      expect(a.forecast).toBeLessThan(21);
      expect(Math.abs(a.trend)).toBeLessThan(0.2);
    });

    it('follows a ramp: the forecast leads the lagging rate and the trend is the slope', () => {
      const tracker = new InMemoryLoadTracker({ rateHalfLifeMs: 5_000, horizonMs: 5_000 });
      // 10 req/s rising by 1 req/s every second: 70 req/s at 60 s, 75 at the horizon.
      feed(tracker, (t) => 10 + t / 1000, 0, 60_000);
      const a = tracker.arrivals('code', 60_000);
      expect(a.horizonMs).toBe(5_000);
      expect(a.rate).toBeLessThan(70);
      expect(a.forecast).toBeGreaterThan(a.rate);
      expect(Math.abs(a.forecast / 75 - 1)).toBeLessThan(0.05);
      expect(a.trend).toBeGreaterThan(0.8);
      expect(a.trend).toBeLessThan(1.2);
    });

    it('never forecasts below zero when traffic falls away', () => {
      const tracker = new InMemoryLoadTracker({ horizonMs: 30_000 });
      feed(tracker, (t) => Math.max(50 - t / 500, 0.5), 0, 25_000);
      const a = tracker.arrivals('code', 25_000);
      expect(a.trend).toBeLessThan(0);
      expect(a.forecast).toBe(0);
      expect(tracker.arrivals('code', 1e9)).toMatchObject({ forecast: 0, trend: 0 });
    });

    it('reports the rate as the forecast until an interval has closed', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordArrival('code', 500);
      const a = tracker.arrivals('code', 900);
      expect(a.forecast).toBe(a.rate);
      expect(a.trend).toBe(0);
    });
  });

  describe('snapshot', () => {
    it('is plain data, fresh on every call', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      tracker.recordArrival('code', 0);
      tracker.recordStart('m', 'code', 0);
      tracker.recordFinish('m', 'code', 40, true, 10);
      const a = tracker.snapshot(10);
      const b = tracker.snapshot(10);
      expect(a).toEqual(b);
      expect(a).not.toBe(b);
      expect(a.models[0]).not.toBe(b.models[0]);
      expect(a.models[0]!.tasks[0]!.latency).not.toBe(tracker.latency('m', 'code', 10));
      expect(a).toMatchObject({
        at: 10,
        windowMs: 60_000,
        models: [
          {
            model: 'm',
            inFlight: 0,
            completed: 1,
            failed: 0,
            errorRate: 0,
            tasks: [
              {
                task: 'code',
                inFlight: 0,
                completed: 1,
                failed: 0,
                latency: { count: 1, mean: 40, p50: 40, p95: 40, p99: 40 },
              },
            ],
          },
        ],
        arrivals: [{ task: 'code', total: 1, horizonMs: 5_000 }],
      });
      expect(JSON.parse(JSON.stringify(a))).toEqual(a);
      (a.models as unknown[]).length = 0;
      expect(tracker.snapshot(10).models).toHaveLength(1);
    });

    it('handles any model id or task type, even __proto__', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      tracker.recordArrival('__proto__', 0);
      tracker.recordFinish('__proto__', 'constructor', 3, true, 0);
      const snap = tracker.snapshot(0);
      expect(snap.models[0]!.model).toBe('__proto__');
      expect(snap.models[0]!.tasks[0]!.task).toBe('constructor');
      expect(snap.arrivals[0]!.task).toBe('__proto__');
    });
  });

  it('forgets a removed model', () => {
    const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
    tracker.recordStart('a', 'code', 0);
    tracker.recordFinish('b', 'code', 5, false, 0);
    tracker.removeModel('b');
    tracker.removeModel('unknown');
    expect(tracker.latency('b', 'code', 0).count).toBe(0);
    expect(tracker.modelStats('b', 0)).toMatchObject({ failed: 0, errorRate: 0 });
    expect(tracker.snapshot(0).models.map((m) => m.model)).toEqual(['a']);
  });

  describe('option validation', () => {
    const cases: [InMemoryLoadTrackerOptions, string, string][] = [
      [{ windowMs: 0 }, '`windowMs` must be a finite number >= 1', 'got 0'],
      [{ windowMs: Number.NaN }, '`windowMs` must be a finite number >= 1', 'got NaN'],
      [{ windowMs: Number.POSITIVE_INFINITY }, '`windowMs`', 'got Infinity'],
      [{ windowMs: '60000' as unknown as number }, '`windowMs`', 'got "60000"'],
      [{ buckets: 0 }, '`buckets` must be an integer from 1 to 100', 'got 0'],
      [{ buckets: 2.5 }, '`buckets` must be an integer from 1 to 100', 'got 2.5'],
      [{ buckets: 101 }, '`buckets` must be an integer from 1 to 100', 'got 101'],
      [{ compression: 0 }, '`compression` must be a number from 0.001 to 1', 'got 0'],
      [{ compression: 1.5 }, '`compression` must be a number from 0.001 to 1', 'got 1.5'],
      [{ refreshEvery: 0 }, '`refreshEvery` must be an integer from 1 to 10000', 'got 0'],
      [{ refreshEvery: 1e5 }, '`refreshEvery` must be an integer from 1 to 10000', 'got 100000'],
      [{ refreshMs: -1 }, '`refreshMs` must be a finite number >= 0', 'got -1'],
      [{ errorHalfLife: 0 }, '`errorHalfLife` must be a finite number > 0', 'got 0'],
      [{ rateHalfLifeMs: -5 }, '`rateHalfLifeMs` must be a finite number > 0', 'got -5'],
      [{ horizonMs: -1 }, '`horizonMs` must be a finite number >= 0', 'got -1'],
      [{ forecastIntervalMs: 0.5 }, '`forecastIntervalMs` must be a finite number >= 1', '0.5'],
      [{ forecastAlpha: 0 }, '`forecastAlpha` must be a number > 0 and <= 1', 'got 0'],
      [{ forecastBeta: 1.1 }, '`forecastBeta` must be a number > 0 and <= 1', 'got 1.1'],
      [{ forecastBeta: null as unknown as number }, '`forecastBeta`', 'got null'],
      [{ windowMs: 5, buckets: 6 }, '`windowMs` / `buckets` must be >= 1 ms per bucket', '5 / 6'],
      [{ windwoMs: 1 } as InMemoryLoadTrackerOptions, 'unknown option `windwoMs`', 'windwoMs'],
    ];

    it.each(cases)('rejects %o', (options, expectation, received) => {
      const error = configError(() => new InMemoryLoadTracker(options));
      expect(error.message).toContain(expectation);
      expect(error.message).toContain(received);
      expect(error.message).toMatch(/^Invalid InMemoryLoadTracker options:/);
    });

    it('lists every problem at once', () => {
      const error = configError(() => new InMemoryLoadTracker({ buckets: 0, refreshMs: -1 }));
      expect(error.problems).toEqual([
        '`buckets` must be an integer from 1 to 100, got 0',
        '`refreshMs` must be a finite number >= 0, got -1',
      ]);
    });

    it('rejects options that are not an object', () => {
      const error = configError(
        () => new InMemoryLoadTracker(null as unknown as InMemoryLoadTrackerOptions),
      );
      expect(error.message).toContain('options must be an object or undefined, got null');
    });

    it('treats undefined fields as absent', () => {
      const options = { windowMs: undefined } as unknown as InMemoryLoadTrackerOptions;
      expect(new InMemoryLoadTracker(options).options.windowMs).toBe(60_000);
    });
  });

  describe('properties', () => {
    type Op =
      | { kind: 'arrive'; task: string }
      | { kind: 'start'; model: string; task: string }
      | { kind: 'finish'; model: string; task: string; latency: number; ok: boolean }
      | { kind: 'wait'; ms: number };

    const model = fc.constantFrom('a', 'b');
    const task = fc.constantFrom('code', 'simple');
    const latency = fc.oneof(
      fc.integer({ min: 0, max: 2_000 }),
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.double({ min: -10, max: 1e12, noNaN: true }).map((x) => Math.exp(Math.log1p(x))),
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('arrive' as const), task }),
      fc.record({ kind: fc.constant('start' as const), model, task }),
      fc.record({ kind: fc.constant('finish' as const), model, task, latency, ok: fc.boolean() }),
      fc.record({
        kind: fc.constant('wait' as const),
        ms: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 80_000 })),
      }),
    );

    it('keeps counts non-negative, quantiles ordered within the window range, and the mean exact', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
          const windowMs = 10_000;
          const buckets = 5;
          const bucketMs = windowMs / buckets;
          const tracker = new InMemoryLoadTracker({ windowMs, buckets, refreshEvery: 1 });
          const samples = new Map<string, { t: number; x: number }[]>();
          let now = 0;
          for (const o of ops) {
            if (o.kind === 'wait') now += o.ms;
            else if (o.kind === 'arrive') tracker.recordArrival(o.task, now);
            else if (o.kind === 'start') tracker.recordStart(o.model, o.task, now);
            else {
              tracker.recordFinish(o.model, o.task, o.latency, o.ok, now);
              const key = `${o.model}/${o.task}`;
              if (o.ok && Number.isFinite(o.latency)) {
                samples.set(key, [
                  ...(samples.get(key) ?? []),
                  { t: now, x: Math.max(o.latency, 0) },
                ]);
              }
            }
            for (const m of ['a', 'b']) {
              const s = tracker.modelStats(m, now);
              expect(s.inFlight).toBeGreaterThanOrEqual(0);
              expect(s.completed).toBeGreaterThanOrEqual(0);
              expect(s.failed).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeLessThanOrEqual(1);
              expect(s.throughput).toBeGreaterThanOrEqual(0);
              for (const t of ['code', 'simple']) {
                const stats = tracker.latency(m, t, now);
                const epoch = Math.floor(now / bucketMs);
                const live = (samples.get(`${m}/${t}`) ?? [])
                  .filter((s) => Math.floor(s.t / bucketMs) > epoch - buckets)
                  .map((s) => s.x);
                expect(stats.count).toBe(live.length);
                if (live.length === 0) {
                  expect(stats.p50).toBeNaN();
                  continue;
                }
                const min = Math.min(...live);
                const max = Math.max(...live);
                const exact = mean(live);
                expect(Math.abs(stats.mean - exact)).toBeLessThanOrEqual(Math.abs(exact) * 1e-9);
                expect(stats.p50).toBeGreaterThanOrEqual(min);
                expect(stats.p50).toBeLessThanOrEqual(stats.p95);
                expect(stats.p95).toBeLessThanOrEqual(stats.p99);
                expect(stats.p99).toBeLessThanOrEqual(max);
              }
            }
            for (const t of ['code', 'simple']) {
              const a = tracker.arrivals(t, now);
              expect(a.rate).toBeGreaterThanOrEqual(0);
              expect(a.forecast).toBeGreaterThanOrEqual(0);
            }
          }
          for (const m of tracker.snapshot(now).models) {
            for (const t of m.tasks) {
              expect(t.inFlight).toBeGreaterThanOrEqual(0);
              expect(t.completed + t.failed).toBeGreaterThanOrEqual(0);
            }
          }
        }),
        { numRuns: 150 },
      );
    });

    it('never throws and stays within bounds on odd times and latencies', () => {
      const anyNumber = fc.oneof(
        fc.double(),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
        fc.integer({ min: -1e6, max: 1e12 }),
      );
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(3), anyNumber, anyNumber, fc.boolean()), { maxLength: 200 }),
          (calls) => {
            const tracker = new InMemoryLoadTracker({ refreshEvery: 2, refreshMs: 0 });
            for (const [kind, now, x, ok] of calls) {
              if (kind === 0) tracker.recordArrival('code', now);
              else if (kind === 1) tracker.recordStart('m', 'code', now);
              else if (kind === 2) tracker.recordFinish('m', 'code', x, ok, now);
              else tracker.removeModel('m');
              const s = tracker.modelStats('m', now);
              expect(s.inFlight).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeLessThanOrEqual(1);
              expect(s.throughput).toBeGreaterThanOrEqual(0);
              const a = tracker.arrivals('code', now);
              expect(a.rate).toBeGreaterThanOrEqual(0);
              expect(a.forecast).toBeGreaterThanOrEqual(0);
              const l = tracker.latency('m', 'code', now);
              expect(l.count).toBeGreaterThanOrEqual(0);
              if (l.count > 0) {
                expect(l.p50).toBeGreaterThanOrEqual(0);
                expect(l.p50).toBeLessThanOrEqual(l.p95);
                expect(l.p95).toBeLessThanOrEqual(l.p99);
                expect(Number.isFinite(l.mean)).toBe(true);
              }
            }
            expect(() => JSON.stringify(tracker.snapshot(0))).not.toThrow();
          },
        ),
        { numRuns: 200 },
      );
    });

    it('serves cached stats that never claim more samples than the window holds', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.nat(10_000)), {
            maxLength: 400,
          }),
          fc.integer({ min: 1, max: 50 }),
          (steps, refreshEvery) => {
            const tracker = new InMemoryLoadTracker({ windowMs: 20_000, buckets: 4, refreshEvery });
            let now = 0;
            let recorded = 0;
            for (const [dt, x] of steps) {
              now += dt;
              tracker.recordFinish('m', 'code', x, true, now);
              recorded++;
              const stats = tracker.latency('m', 'code', now);
              expect(stats.count).toBeGreaterThanOrEqual(0);
              expect(stats.count).toBeLessThanOrEqual(recorded);
              if (stats.count > 0) {
                expect(stats.p50).toBeLessThanOrEqual(stats.p95);
                expect(stats.p95).toBeLessThanOrEqual(stats.p99);
              }
            }
          },
        ),
      );
    });
  });
});

describe('InMemoryLoadTracker: time heals and memory stays bounded', () => {
  it('fades a model error rate by half every errorDecayMs, with no calls', () => {
    const tracker = new InMemoryLoadTracker({ errorDecayMs: 1000 });
    tracker.recordStart('m', 'code', 0);
    tracker.recordFinish('m', 'code', 10, false, 0);
    const at0 = tracker.modelStats('m', 0).errorRate;
    expect(at0).toBeCloseTo(1, 12);
    expect(tracker.modelStats('m', 1000).errorRate).toBeCloseTo(0.5, 12);
    expect(tracker.modelStats('m', 3000).errorRate).toBeCloseTo(0.125, 12);
    // A later success starts from the faded figure.
    tracker.recordStart('m', 'code', 3000);
    tracker.recordFinish('m', 'code', 10, true, 3000);
    expect(tracker.modelStats('m', 3000).errorRate).toBeLessThan(0.125);
  });

  it('keeps at most maxTaskTypes task types per model and for arrivals; the rest share (other)', () => {
    const tracker = new InMemoryLoadTracker({ maxTaskTypes: 3 });
    for (let i = 0; i < 1000; i++) {
      const type = `t${i}`;
      tracker.recordArrival(type, i);
      tracker.recordStart('m', type, i);
      tracker.recordFinish('m', type, 5, true, i);
    }
    const snap = tracker.snapshot(1000);
    expect(snap.arrivals.map((a) => a.task)).toEqual(['t0', 't1', 't2', OTHER_TASK_TYPE]);
    expect(snap.arrivals.find((a) => a.task === OTHER_TASK_TYPE)?.total).toBe(997);
    expect(snap.models[0]!.tasks.map((t) => t.task)).toEqual(['t0', 't1', 't2', OTHER_TASK_TYPE]);
    expect(tracker.latency('m', 't999', 1000).count).toBe(997);
    expect(tracker.modelStats('m', 1000).inFlight).toBe(0);
  });
});

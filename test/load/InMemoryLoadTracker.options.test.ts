import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ArrivalStats,
  InMemoryLoadTracker,
  type InMemoryLoadTrackerOptions,
  inMemoryLoadTrackerDefaults,
  type LoadTracker,
  type ModelLoadStats,
  type TrackerSnapshot,
} from '../../src/load/index.js';
import type { LatencyStats } from '../../src/types.js';
import { configError } from '../helpers/configError.js';

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
        learnHalfLifeMs: 60_000,
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
      [{ learnHalfLifeMs: 0 }, '`learnHalfLifeMs` must be a finite number > 0', 'got 0'],
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
});

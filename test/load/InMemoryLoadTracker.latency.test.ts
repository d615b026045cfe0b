import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker } from '../../src/load/index.js';
import { seededRandom } from '../../src/utils/random.js';
import { exactQuantile, gaussian, mean, rankOf } from './InMemoryLoadTracker.harness.js';

describe('InMemoryLoadTracker', () => {
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
});

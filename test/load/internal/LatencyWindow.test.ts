import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyWindow, maxCentroidsPerBucket } from '../../../src/load/internal/LatencyWindow.js';
import { seededRandom } from '../../../src/utils/random.js';

const config = {
  windowMs: 60_000,
  buckets: 6,
  compression: 0.01,
  refreshEvery: 64,
  refreshMs: 1000,
};

function expectBounded(window: LatencyWindow): void {
  const perBucket = maxCentroidsPerBucket(config.compression);
  expect(window.maxBucketCentroids()).toBeLessThanOrEqual(perBucket);
  expect(window.centroidCount()).toBeLessThanOrEqual(config.buckets * perBucket);
  expect(window.mergeCapacity()).toBeLessThanOrEqual((config.buckets - 1) * perBucket);
}

describe('LatencyWindow', () => {
  it('bounds each bucket at 25 / compression + 1 centroids', () => {
    expect(maxCentroidsPerBucket(0.01)).toBe(2501);
    expect(maxCentroidsPerBucket(0.05)).toBe(501);
  });

  it('stays bounded after 200 000 wide-range samples across rotations', () => {
    const random = seededRandom(7);
    const window = new LatencyWindow(config);
    let sizeAfter20k = 0;
    for (let i = 0; i < 200_000; i++) {
      // Lognormal with sigma 10: values from about e^-40 to e^40 ms.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const now = i * 2; // 400 s: the ring turns over more than six times.
      window.add(Math.exp(10 * z), now);
      if (i % 1000 === 999) {
        expect(window.read(now).count).toBeGreaterThan(0);
        expectBounded(window);
      }
      if (i === 19_999) sizeAfter20k = window.centroidCount();
    }
    // Ten times the samples, not ten times the centroids.
    expect(window.centroidCount()).toBeLessThan(2 * sizeAfter20k);
  });

  it('stays bounded on sorted input, the worst case for a t-digest', () => {
    const window = new LatencyWindow(config);
    for (let i = 0; i < 100_000; i++) {
      window.add(i * 1e-3 * 1.0001 ** i, 0);
      if (i % 500 === 499) expectBounded(window);
    }
    const stats = window.read(0);
    expect(stats.count).toBe(100_000);
    expect(stats.p50).toBeLessThan(stats.p95);
    expectBounded(window);
  });
});

describe('LatencyWindow merge', () => {
  /** Quantile of distinct sorted samples under the t-digest convention (sample i at rank i + 0.5). */
  function exactQuantile(sorted: readonly number[], p: number): number {
    const pos = Math.min(Math.max(sorted.length * p - 0.5, 0), sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
  }

  it('is exact across buckets while every sample is its own centroid', () => {
    // Below 100 samples a bucket a t-digest with compression 0.01 never merges distinct values
    // (a centroid may hold at most 1% of them).
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 59_999 }),
        (values, offset) => {
          const window = new LatencyWindow({ ...config, refreshEvery: 1 });
          // Twenty samples per 10 s bucket, up to six buckets, the newest at `offset + 59 999`.
          values.forEach((x, i) => {
            window.add(x, offset + Math.floor(i / 20) * 10_000);
          });
          const now = offset + Math.floor((values.length - 1) / 20) * 10_000;
          const stats = window.read(now);
          const sorted = [...values].sort((a, b) => a - b);
          expect(stats.count).toBe(values.length);
          for (const [p, q] of [
            [0.5, stats.p50],
            [0.95, stats.p95],
            [0.99, stats.p99],
          ] as const) {
            expect(q).toBeCloseTo(exactQuantile(sorted, p), 6);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

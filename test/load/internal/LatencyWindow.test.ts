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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CentroidList, mergedQuantile } from '../../../src/load/internal/CentroidList.js';

type Centroid = readonly [mean: number, weight: number];

function listOf(centroids: readonly Centroid[]): CentroidList {
  const list = new CentroidList(0);
  for (const [mean, weight] of centroids) list.push(mean, weight);
  return list;
}

/** The reference: walk the merge (a first on equal means) and interpolate between midpoints. */
function walkQuantile(a: readonly Centroid[], b: readonly Centroid[], p: number): number {
  const merged = [...a.map((c) => [...c, 0]), ...b.map((c) => [...c, 1])].sort(
    (x, y) => x[0]! - y[0]! || x[2]! - y[2]!,
  );
  const h = merged.reduce((sum, c) => sum + c[1]!, 0) * p;
  let cum = 0;
  let prev: [number, number] | undefined;
  for (const [mean, weight] of merged) {
    const mid = cum + weight! / 2;
    if (mid >= h) {
      return prev === undefined
        ? mean!
        : prev[1] + ((h - prev[0]) * (mean! - prev[1])) / (mid - prev[0]);
    }
    prev = [mid, mean!];
    cum += weight!;
  }
  return prev![1];
}

const sortedCentroids = fc
  .array(
    fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
      fc.integer({ min: 1, max: 50 }),
    ),
    { maxLength: 40 },
  )
  .map((cs) => [...cs].sort((x, y) => x[0] - y[0]) as Centroid[]);

describe('CentroidList', () => {
  it('keeps prefix sums of the weights and counts by mean', () => {
    const list = listOf([
      [1, 2],
      [3, 1],
      [3, 4],
      [7, 1],
    ]);
    expect(list.total).toBe(8);
    expect(Array.from(list.before.subarray(0, 5))).toEqual([0, 2, 3, 7, 8]);
    expect(list.countBelow(3)).toBe(1);
    expect(list.countAtMost(3)).toBe(3);
    expect(list.countBelow(0)).toBe(0);
    expect(list.countAtMost(9)).toBe(4);
  });

  it('grows by doubling up to a limit', () => {
    const list = new CentroidList(4);
    list.reserve(5, 6);
    expect(list.capacity).toBe(6);
    list.reserve(100, 6);
    expect(list.capacity).toBe(100);
    for (let i = 0; i < 101; i++) list.push(i, 1);
    expect(list.capacity).toBe(200);
    expect(list.total).toBe(101);
  });

  it('finds merged quantiles exactly as a walk over the merge does', () => {
    fc.assert(
      fc.property(
        sortedCentroids,
        sortedCentroids,
        fc.oneof(
          fc.constantFrom(0, 0.5, 0.95, 0.99, 1),
          fc.double({ min: 0, max: 1, noNaN: true }),
        ),
        (a, b, p) => {
          fc.pre(a.length + b.length > 0);
          const got = mergedQuantile(listOf(a), listOf(b), p);
          const want = walkQuantile(a, b, p);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-12);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/**
 * Centroids (mean, weight) in non-decreasing mean order, in typed arrays with prefix sums of the
 * weights, so a rank in the merge of two lists is found by binary search instead of a walk.
 */
export class CentroidList {
  means: Float64Array;
  weights: Float64Array;
  /** `before[i]` is the total weight of centroids `0 .. i - 1`; `before[length]` is `total`. */
  before: Float64Array;
  length = 0;

  constructor(capacity = 16) {
    this.means = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    this.before = new Float64Array(capacity + 1);
  }

  /** Total weight. */
  get total(): number {
    return this.before[this.length]!;
  }

  /** Number of centroids the arrays hold without growing. */
  get capacity(): number {
    return this.means.length;
  }

  /** Empties the list, keeping its arrays. */
  clear(): void {
    this.length = 0;
  }

  /**
   * Makes room for `n` centroids: doubling, but never past `limit` unless `n` itself is larger, so a
   * caller who knows the most it will need keeps memory at that. Empties the list when it grows.
   */
  reserve(n: number, limit = Number.POSITIVE_INFINITY): void {
    if (n <= this.capacity) return;
    this.resize(Math.min(Math.max(n, this.capacity * 2), Math.max(n, limit)), false);
  }

  /** Appends a centroid; `mean` must not be below the last one. */
  push(mean: number, weight: number): void {
    const k = this.length;
    if (k === this.capacity) this.resize(Math.max(16, k * 2), true);
    this.means[k] = mean;
    this.weights[k] = weight;
    this.before[k + 1] = this.before[k]! + weight;
    this.length = k + 1;
  }

  /** Number of centroids whose mean is below `x`. */
  countBelow(x: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.means[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of centroids whose mean is at most `x`. */
  countAtMost(x: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.means[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private resize(capacity: number, keep: boolean): void {
    const means = new Float64Array(capacity);
    const weights = new Float64Array(capacity);
    const before = new Float64Array(capacity + 1);
    if (keep) {
      means.set(this.means);
      weights.set(this.weights);
      before.set(this.before);
    } else {
      this.length = 0;
    }
    this.means = means;
    this.weights = weights;
    this.before = before;
  }
}

/** Rank midpoint of `a`'s centroid `i` in the merge of `a` and `b` (`a` first on equal means). */
function midOfA(a: CentroidList, b: CentroidList, i: number): number {
  return a.before[i]! + a.weights[i]! / 2 + b.before[b.countBelow(a.means[i]!)]!;
}

/** Rank midpoint of `b`'s centroid `j` in the merge of `a` and `b` (`a` first on equal means). */
function midOfB(a: CentroidList, b: CentroidList, j: number): number {
  return b.before[j]! + b.weights[j]! / 2 + a.before[a.countAtMost(b.means[j]!)]!;
}

/**
 * The `p` quantile (0..1) of the union of two centroid lists, by the t-digest's continuous
 * estimator: each centroid sits at the midpoint of its rank range, and a rank between two
 * midpoints interpolates linearly between their means; ranks before the first midpoint or past
 * the last take the end centroid. O(log² n); at least one list must be non-empty.
 */
export function mergedQuantile(a: CentroidList, b: CentroidList, p: number): number {
  const h = (a.total + b.total) * p;
  // Midpoints rise strictly along each list (weights are positive): binary-search the first
  // centroid of each list whose midpoint reaches h.
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (midOfA(a, b, mid) < h) lo = mid + 1;
    else hi = mid;
  }
  const i = lo;
  lo = 0;
  hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (midOfB(a, b, mid) < h) lo = mid + 1;
    else hi = mid;
  }
  const j = lo;
  // In the merge, the first midpoint reaching h is the smaller of the two candidates; the one
  // before it is the larger of their predecessors.
  let nextMid = Number.POSITIVE_INFINITY;
  let nextMean = 0;
  if (i < a.length) {
    nextMid = midOfA(a, b, i);
    nextMean = a.means[i]!;
  }
  if (j < b.length) {
    const m = midOfB(a, b, j);
    if (m < nextMid) {
      nextMid = m;
      nextMean = b.means[j]!;
    }
  }
  let prevMid = Number.NEGATIVE_INFINITY;
  let prevMean = 0;
  if (i > 0) {
    prevMid = midOfA(a, b, i - 1);
    prevMean = a.means[i - 1]!;
  }
  if (j > 0) {
    const m = midOfB(a, b, j - 1);
    if (m > prevMid) {
      prevMid = m;
      prevMean = b.means[j - 1]!;
    }
  }
  if (nextMid === Number.POSITIVE_INFINITY) return prevMean;
  if (prevMid === Number.NEGATIVE_INFINITY) return nextMean;
  return prevMean + ((h - prevMid) * (nextMean - prevMean)) / (nextMid - prevMid);
}

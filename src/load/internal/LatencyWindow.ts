// `tdigest` is CommonJS; Node's ESM loader detects its named exports, and esbuild's CJS output
// reads them off `require('tdigest')`, so the named import works in both builds.
import { type Centroid, TDigest } from 'tdigest';
import type { LatencyStats } from '../../types.js';
import { CentroidList, mergedQuantile } from './CentroidList.js';

/**
 * The tdigest package's recompression threshold: a digest holding more than `K / delta` centroids
 * recompresses itself. This is what bounds a bucket's size whatever the input order.
 */
const TDIGEST_K = 25;
/** Samples within this fraction of each other merge into one weighted digest point. */
const MERGE_RELATIVE = 1e-3;
/** Samples within this many milliseconds of each other merge (for latencies near zero). */
const MERGE_ABSOLUTE_MS = 1e-3;

/** The figures of an empty window; shared, frozen. */
export const EMPTY_LATENCY: LatencyStats = Object.freeze({
  count: 0,
  mean: Number.NaN,
  p50: Number.NaN,
  p95: Number.NaN,
  p99: Number.NaN,
});

/** Settings of one {@link LatencyWindow} (already validated). */
export interface LatencyWindowConfig {
  /** Window length in milliseconds. */
  readonly windowMs: number;
  /** Number of buckets the window is split into. */
  readonly buckets: number;
  /** t-digest compression `delta`. */
  readonly compression: number;
  /** Recompute the cached stats after this many new samples. */
  readonly refreshEvery: number;
  /** Recompute the cached stats when they are this old (in ms) and new samples exist. */
  readonly refreshMs: number;
}

/** Most centroids one bucket's digest can hold for a given compression `delta`. */
export function maxCentroidsPerBucket(compression: number): number {
  return Math.floor(TDIGEST_K / compression) + 1;
}

const byMean = (a: Centroid, b: Centroid): number => a.mean - b.mean;

/**
 * The one piece of the tdigest package's internals read here: its red-black tree of centroids
 * (bintrees, pinned by tdigest). Walking it directly spares `toArray()`'s object per centroid on
 * every refresh; when it is missing, `toArray()` is used instead.
 */
interface DigestInternals {
  readonly centroids?: { readonly each?: (visit: (c: Centroid) => void) => void };
}

/**
 * Latency of one (model, task) pair over a sliding window: a ring of `buckets` t-digests, each
 * covering `windowMs / buckets` of clock time, merged on read into a cached {@link LatencyStats}.
 *
 * Memory is fixed after construction up to the digests, each of which holds at most
 * {@link maxCentroidsPerBucket} centroids.
 */
export class LatencyWindow {
  private readonly bucketMs: number;
  private readonly size: number;
  private readonly refreshEvery: number;
  private readonly refreshMs: number;
  private readonly maxPerBucket: number;
  private readonly digests: TDigest[];
  // Exact per-bucket figures, so count and mean do not depend on the digests' approximation.
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  /** Index of the clock interval (`floor(now / bucketMs)`) the current bucket holds. */
  private epoch = Number.NEGATIVE_INFINITY;
  /**
   * Samples of the current bucket not yet pushed into its digest (a fixed buffer; `pendingLength`
   * is the fill), pushed sorted and merged in one batch when full or read.
   */
  private readonly pending: Float64Array;
  private pendingLength = 0;
  /** Samples recorded since the cached stats were computed. */
  private sinceRefresh = 0;
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  /** A rotation dropped samples: the cached stats describe data no longer in the window. */
  private dropped = false;
  /**
   * The closed buckets' centroids merged in mean order. Closed buckets only change when the ring
   * rotates, so this is rebuilt once per rotation, not per refresh.
   */
  private readonly closed = new CentroidList(0);
  private closedStale = true;
  private readonly scratch: Centroid[] = [];
  /** The current bucket's centroids in mean order, copied at each refresh. */
  private readonly current = new CentroidList(64);
  private stats: LatencyStats = EMPTY_LATENCY;

  constructor(config: LatencyWindowConfig) {
    const n = config.buckets;
    this.size = n;
    this.bucketMs = config.windowMs / n;
    this.refreshEvery = config.refreshEvery;
    this.refreshMs = config.refreshMs;
    this.maxPerBucket = maxCentroidsPerBucket(config.compression);
    this.digests = [];
    for (let i = 0; i < n; i++) this.digests.push(new TDigest(config.compression, TDIGEST_K));
    this.counts = new Float64Array(n);
    this.sums = new Float64Array(n);
    this.mins = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.maxs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.pending = new Float64Array(config.refreshEvery);
  }

  /**
   * Records one latency sample (in ms, finite and non-negative) observed at `now`. A sample with a
   * non-finite time before any finite one has nowhere to go and is ignored.
   */
  add(latencyMs: number, now: number): void {
    this.advance(now);
    if (this.epoch === Number.NEGATIVE_INFINITY) return;
    const slot = this.slotOf(this.epoch);
    this.counts[slot]! += 1;
    this.sums[slot]! += latencyMs;
    if (latencyMs < this.mins[slot]!) this.mins[slot] = latencyMs;
    if (latencyMs > this.maxs[slot]!) this.maxs[slot] = latencyMs;
    this.pending[this.pendingLength++] = latencyMs;
    this.sinceRefresh++;
    if (this.pendingLength === this.pending.length) this.flush();
  }

  /**
   * The window's stats at `now`. Recomputed only when new samples exist and either `refreshEvery`
   * of them have come or the cache is `refreshMs` old, or when samples left the window; otherwise
   * the same object as last time.
   */
  read(now: number): LatencyStats {
    this.advance(now);
    if (
      this.dropped ||
      (this.sinceRefresh > 0 &&
        (this.sinceRefresh >= this.refreshEvery || now - this.lastRefreshAt >= this.refreshMs))
    ) {
      this.refresh(now);
    }
    return this.stats;
  }

  /** Total centroids held by the digests (for memory checks). */
  centroidCount(): number {
    let total = 0;
    for (const d of this.digests) total += d.size();
    return total;
  }

  /** Largest centroid count of any one bucket (for memory checks). */
  maxBucketCentroids(): number {
    let max = 0;
    for (const d of this.digests) max = Math.max(max, d.size());
    return max;
  }

  /** Capacity of the merged closed-bucket arrays, in centroids (for memory checks). */
  mergeCapacity(): number {
    return this.closed.capacity;
  }

  private slotOf(epoch: number): number {
    return ((epoch % this.size) + this.size) % this.size;
  }

  /**
   * Rotates the ring to the bucket holding `now`. Earlier or non-finite times leave the ring as is
   * (their samples go to the current bucket).
   */
  private advance(now: number): void {
    const epoch = Math.floor(now / this.bucketMs);
    if (!(epoch > this.epoch && epoch < Number.POSITIVE_INFINITY)) return;
    // Pending samples belong to the bucket being closed.
    this.flush();
    const closing = this.slotOf(this.epoch);
    const steps = epoch - this.epoch;
    if (steps >= this.size) {
      for (let slot = 0; slot < this.size; slot++) this.clear(slot);
    } else {
      if (this.counts[closing]! > 0) this.digests[closing]!.compress();
      for (let s = 1; s <= steps; s++) this.clear(this.slotOf(this.epoch + s));
    }
    this.epoch = epoch;
    this.closedStale = true;
  }

  private clear(slot: number): void {
    if (this.counts[slot] === 0) return;
    this.digests[slot]!.reset();
    this.counts[slot] = 0;
    this.sums[slot] = 0;
    this.mins[slot] = Number.POSITIVE_INFINITY;
    this.maxs[slot] = Number.NEGATIVE_INFINITY;
    this.dropped = true;
  }

  /**
   * Pushes the pending samples into the current bucket's digest, sorted and merged in one batch:
   * samples within {@link MERGE_RELATIVE} of each other (or {@link MERGE_ABSOLUTE_MS}) go in as
   * one weighted point, far finer than the digest's own resolution, so a batch of similar
   * latencies costs one digest insertion instead of hundreds.
   */
  private flush(): void {
    const n = this.pendingLength;
    if (n === 0) return;
    this.pendingLength = 0;
    const digest = this.digests[this.slotOf(this.epoch)]!;
    const values = this.pending.subarray(0, n).sort();
    for (let i = 0; i < n; ) {
      const first = values[i]!;
      const limit = first + Math.max(first * MERGE_RELATIVE, MERGE_ABSOLUTE_MS);
      let sum = first;
      let j = i + 1;
      for (; j < n && values[j]! <= limit; j++) sum += values[j]!;
      digest.push(sum / (j - i), j - i);
      i = j;
    }
  }

  private refresh(now: number): void {
    this.flush();
    this.sinceRefresh = 0;
    this.lastRefreshAt = now;
    this.dropped = false;
    let count = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let slot = 0; slot < this.size; slot++) {
      if (this.counts[slot] === 0) continue;
      count += this.counts[slot]!;
      sum += this.sums[slot]!;
      min = Math.min(min, this.mins[slot]!);
      max = Math.max(max, this.maxs[slot]!);
    }
    if (count === 0) {
      this.stats = EMPTY_LATENCY;
      return;
    }
    if (this.closedStale) this.rebuildClosed();
    this.readCurrent(this.digests[this.slotOf(this.epoch)]!);
    const { closed, current } = this;
    // Centroid means lie within [min, max] mathematically; the clamps absorb rounding.
    this.stats = Object.freeze({
      count,
      mean: clamp(sum / count, min, max),
      p50: clamp(mergedQuantile(closed, current, 0.5), min, max),
      p95: clamp(mergedQuantile(closed, current, 0.95), min, max),
      p99: clamp(mergedQuantile(closed, current, 0.99), min, max),
    });
  }

  /** Merges the closed buckets' centroids into `closed`. */
  private rebuildClosed(): void {
    const all = this.scratch;
    const currentSlot = this.slotOf(this.epoch);
    for (let slot = 0; slot < this.size; slot++) {
      if (slot === currentSlot || this.counts[slot] === 0) continue;
      for (const c of this.digests[slot]!.toArray()) all.push(c);
    }
    // Each bucket's centroids come sorted, so this sort only merges runs.
    all.sort(byMean);
    const closed = this.closed;
    closed.reserve(all.length, (this.size - 1) * this.maxPerBucket);
    closed.clear();
    for (let i = 0; i < all.length; i++) closed.push(all[i]!.mean, all[i]!.n);
    all.length = 0;
    this.closedStale = false;
  }

  private readonly collect = (c: Centroid): void => {
    this.current.push(c.mean, c.n);
  };

  /** Copies `digest`'s centroids, in mean order, into `current`. */
  private readCurrent(digest: TDigest): void {
    this.current.clear();
    const tree = (digest as unknown as DigestInternals).centroids;
    if (typeof tree?.each === 'function') tree.each(this.collect);
    else for (const c of digest.toArray()) this.collect(c);
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

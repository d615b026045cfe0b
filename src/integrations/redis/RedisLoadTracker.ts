import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { type Centroid, TDigest } from 'tdigest';
import { describeError } from '../../errors/describeError.js';
import { InMemoryLoadTracker } from '../../load/InMemoryLoadTracker.js';
import type {
  ArrivalStats,
  LoadTracker,
  ModelLoadStats,
  TrackerSnapshot,
} from '../../load/LoadTracker.js';
import type { Clock, FinishDetails, LatencyStats, TaskType } from '../../types.js';
import type { RedisScriptClient, Script } from './client.js';
import { checkLoadOptions, type RedisLoadTrackerOptions } from './loadOptions.js';
import type { RedisHealthEvent } from './RedisCapacityCoordinator.js';
import { HEARTBEAT, registryKeys } from './scripts.js';
import { runScript, systemClock } from './timing.js';

/** Events of {@link RedisLoadTracker}. */
export interface RedisLoadEvents {
  health: [RedisHealthEvent];
}

/** One instance's figures of one model, as published. */
interface ModelFigures {
  inFlight: number;
  throughput: number;
  ok: number;
  failed: number;
}

/** What an instance publishes: per model its figures, per (model, task) its latency centroids. */
interface Payload {
  readonly v: 1;
  readonly models: Record<string, ModelFigures>;
  /** [model, task, mean1, n1, mean2, n2, ...] */
  readonly latency: [string, string, ...number[]][];
}

/** Half of the window: the latest finishes of each (model, task) and the counts per model. */
interface Bucket {
  readonly start: number;
  readonly digests: Map<string, { model: string; task: string; digest: TDigest }>;
  readonly counts: Map<string, { ok: number; failed: number }>;
}

const EMPTY: LatencyStats = Object.freeze({
  count: 0,
  mean: Number.NaN,
  p50: Number.NaN,
  p95: Number.NaN,
  p99: Number.NaN,
});
const KEY_SEP = '\u0000';

/** This instance's sketches per (model, task) key. */
type LocalSketches = Map<string, { model: string; task: string; centroids: Centroid[] }>;
const COMPRESSION = 0.01;

/**
 * A {@link LoadTracker} shared by several routers through Redis: it wraps this router's own tracker
 * (an `InMemoryLoadTracker` by default) and merges what the other instances publish: latency
 * sketches (t-digest centroids over the last `windowMs`) per (model, task type), and per model the
 * calls in flight, throughput and outcomes. Publishing and reading run in the background every
 * `publishMs`; `latency()` and `modelStats()` answer from the last merge, so a decision never waits
 * on Redis. Redis down: the view falls back to this instance's own figures and a `health` event says
 * so; it merges again when Redis answers.
 *
 * Decisions on this view read data up to `publishMs` old: pair it with `powerOfTwoChoices` so the
 * routers do not all pick the same model at once.
 */
export class RedisLoadTracker extends EventEmitter<RedisLoadEvents> implements LoadTracker {
  readonly #inner: LoadTracker;
  /** What the wrapped tracker learned (this instance's own outcomes), when it learns. */
  readonly learned?: NonNullable<LoadTracker['learned']>;
  /** Quality reports, to the wrapped tracker. */
  readonly recordQuality?: NonNullable<LoadTracker['recordQuality']>;
  /** The wrapped tracker's learned state, for `router.exportState()`. */
  readonly exportLearned?: NonNullable<LoadTracker['exportLearned']>;
  /** Into the wrapped tracker, for `router.importState()`. */
  readonly importLearned?: NonNullable<LoadTracker['importLearned']>;
  readonly #client: RedisScriptClient;
  readonly #clock: Clock;
  readonly #keys: [string, string];
  readonly #id: string;
  readonly #windowMs: number;
  readonly #publishMs: number;
  readonly #timeoutMs: number;
  #buckets: [Bucket, Bucket];
  /** Merged latency per (model, task) from the others' sketches and ours, as of the last read. */
  #merged = new Map<string, LatencyStats>();
  /** The others' figures per model, summed, as of the last read. */
  #others = new Map<string, ModelFigures>();
  #state: 'up' | 'down' = 'up';
  #instances = 1;
  #timer: unknown = undefined;
  #closed = false;
  #now = 0;

  /** @throws {ZetaError} `CONFIG_INVALID` listing every problem with the options. */
  constructor(options: RedisLoadTrackerOptions) {
    super();
    const o = checkLoadOptions(options);
    const inner = o.tracker ?? new InMemoryLoadTracker();
    this.#inner = inner;
    // The learning stays per instance (its own outcomes): the shared view is load and latency.
    if (inner.learned) this.learned = (m, t, c, now) => inner.learned!(m, t, c, now);
    if (inner.recordQuality)
      this.recordQuality = (m, q, now, t) => inner.recordQuality!(m, q, now, t);
    if (inner.exportLearned && inner.importLearned) {
      this.exportLearned = (now) => inner.exportLearned!(now);
      this.importLearned = (state, now) => inner.importLearned!(state, now);
    }
    this.#client = o.client;
    this.#clock = o.clock ?? systemClock;
    this.#keys = registryKeys(o.prefix ?? 'zeta', 'load');
    this.#id = o.instanceId ?? randomUUID();
    this.#windowMs = o.windowMs ?? 60_000;
    this.#publishMs = o.publishMs ?? 1000;
    this.#timeoutMs = o.commandTimeoutMs ?? 500;
    const start = this.#clock.now();
    this.#buckets = [this.#bucket(start), this.#bucket(start)];
    this.#schedule(0);
  }

  /** `up` while Redis answers; `down` while the view is this instance's own. */
  get state(): 'up' | 'down' {
    return this.#state;
  }

  /** Instances publishing into the view (this one included), as of the last read. */
  get instances(): number {
    return this.#instances;
  }

  recordArrival(task: TaskType, now: number): void {
    this.#inner.recordArrival(task, now);
  }

  recordStart(model: string, task: TaskType, now: number): void {
    this.#inner.recordStart(model, task, now);
  }

  recordFinish(
    model: string,
    task: TaskType,
    latencyMs: number,
    ok: boolean,
    now: number,
    details?: FinishDetails,
  ): void {
    this.#inner.recordFinish(model, task, latencyMs, ok, now, details);
    const b = this.#current(now);
    let c = b.counts.get(model);
    if (c === undefined) {
      c = { ok: 0, failed: 0 };
      b.counts.set(model, c);
    }
    if (ok) c.ok++;
    else c.failed++;
    if (!ok || !Number.isFinite(latencyMs) || latencyMs < 0) return;
    const key = `${model}${KEY_SEP}${task}`;
    let d = b.digests.get(key);
    if (d === undefined) {
      d = { model, task, digest: new TDigest(COMPRESSION) };
      b.digests.set(key, d);
    }
    d.digest.push(latencyMs);
  }

  recordAbandon(model: string, task: TaskType, now: number): void {
    if (this.#inner.recordAbandon) this.#inner.recordAbandon(model, task, now);
    else this.#inner.recordFinish(model, task, Number.NaN, true, now);
  }

  recordFirstToken(model: string, task: TaskType, ttftMs: number, now: number): void {
    this.#inner.recordFirstToken?.(model, task, ttftMs, now);
  }

  firstToken(model: string, task: TaskType, now: number): LatencyStats {
    return this.#inner.firstToken?.(model, task, now) ?? EMPTY;
  }

  /** Latency over every instance's window when others published it, else this instance's own. */
  latency(model: string, task: TaskType, now: number): LatencyStats {
    return this.#merged.get(`${model}${KEY_SEP}${task}`) ?? this.#inner.latency(model, task, now);
  }

  /** This instance's figures plus the others': calls in flight and throughput summed, error rate over all outcomes. */
  modelStats(model: string, now: number): ModelLoadStats {
    const own = this.#inner.modelStats(model, now);
    const others = this.#others.get(model);
    if (others === undefined) return own;
    const mine = this.#outcomes(model);
    const total = mine.ok + mine.failed + others.ok + others.failed;
    return {
      inFlight: own.inFlight + others.inFlight,
      errorRate: total > 0 ? (mine.failed + others.failed) / total : own.errorRate,
      throughput: own.throughput + others.throughput,
      completed: own.completed,
      failed: own.failed,
    };
  }

  arrivals(task: TaskType, now: number): ArrivalStats {
    return this.#inner.arrivals(task, now);
  }

  snapshot(now: number): TrackerSnapshot {
    return this.#inner.snapshot(now);
  }

  removeModel(model: string): void {
    this.#inner.removeModel(model);
    for (const b of this.#buckets) {
      b.counts.delete(model);
      for (const [key, d] of b.digests) if (d.model === model) b.digests.delete(key);
    }
  }

  /** Stops publishing and leaves the view (the others stop counting this instance). Never rejects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#run(HEARTBEAT, this.#keys, [this.#id, String(this.#ttl()), '-']).catch(
      () => undefined,
    );
  }

  #ttl(): number {
    return this.#publishMs * 3;
  }

  #bucket(start: number): Bucket {
    return { start, digests: new Map(), counts: new Map() };
  }

  /** The current half-window bucket at `now`, rotating as time passes. */
  #current(now: number): Bucket {
    this.#now = Math.max(this.#now, now);
    const half = this.#windowMs / 2;
    const cur = this.#buckets[1];
    if (now - cur.start < half) return cur;
    const fresh = this.#bucket(now);
    this.#buckets = now - cur.start < 2 * half ? [cur, fresh] : [this.#bucket(now), fresh];
    return fresh;
  }

  #outcomes(model: string): { ok: number; failed: number } {
    let ok = 0;
    let failed = 0;
    for (const b of this.#buckets) {
      const c = b.counts.get(model);
      if (c) {
        ok += c.ok;
        failed += c.failed;
      }
    }
    return { ok, failed };
  }

  #localCentroids(): LocalSketches {
    this.#current(this.#now);
    const out: LocalSketches = new Map();
    for (const b of this.#buckets) {
      for (const [key, d] of b.digests) {
        const entry = out.get(key) ?? { model: d.model, task: d.task, centroids: [] };
        for (const c of d.digest.toArray()) entry.centroids.push({ mean: c.mean, n: c.n });
        out.set(key, entry);
      }
    }
    return out;
  }

  #payload(local: LocalSketches): string {
    const models: Record<string, ModelFigures> = {};
    const ids = new Set<string>();
    for (const b of this.#buckets) for (const m of b.counts.keys()) ids.add(m);
    for (const { model } of local.values()) ids.add(model);
    for (const model of ids) {
      const s = this.#inner.modelStats(model, this.#now);
      models[model] = { inFlight: s.inFlight, throughput: s.throughput, ...this.#outcomes(model) };
    }
    const latency: Payload['latency'] = [];
    for (const { model, task, centroids } of local.values()) {
      const row: [string, string, ...number[]] = [model, task];
      for (const c of centroids) row.push(c.mean, c.n);
      latency.push(row);
    }
    return JSON.stringify({ v: 1, models, latency } satisfies Payload);
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#exchange();
    }, ms);
  }

  /** Publishes this instance's window, reads the others' and merges them. */
  async #exchange(): Promise<void> {
    try {
      const local = this.#localCentroids();
      const reply = await this.#run(HEARTBEAT, this.#keys, [
        this.#id,
        String(this.#ttl()),
        this.#payload(local),
      ]);
      this.#instances = Math.max(1, Number(reply[0]));
      this.#merge(local, reply.slice(1));
      if (this.#state === 'down') {
        this.#state = 'up';
        this.emit('health', { state: 'up', at: this.#clock.now(), instances: this.#instances });
      }
    } catch (error) {
      this.#merged = new Map();
      this.#others = new Map();
      if (this.#state === 'up' && !this.#closed) {
        this.#state = 'down';
        this.emit('health', {
          state: 'down',
          at: this.#clock.now(),
          reason: describeError(error, 200),
          instances: this.#instances,
        });
      }
    }
    this.#schedule(this.#publishMs);
  }

  #merge(local: LocalSketches, others: unknown[]): void {
    const sketches = new Map<string, Centroid[]>();
    const figures = new Map<string, ModelFigures>();
    for (let i = 1; i < others.length; i += 2) {
      let p: Payload;
      try {
        p = JSON.parse(String(others[i])) as Payload;
        if (p?.v !== 1 || typeof p.models !== 'object' || !Array.isArray(p.latency)) continue;
      } catch {
        continue; // another version's or a broken payload: ignored
      }
      for (const [model, f] of Object.entries(p.models)) {
        const sum = figures.get(model) ?? { inFlight: 0, throughput: 0, ok: 0, failed: 0 };
        sum.inFlight += Number(f?.inFlight) || 0;
        sum.throughput += Number(f?.throughput) || 0;
        sum.ok += Number(f?.ok) || 0;
        sum.failed += Number(f?.failed) || 0;
        figures.set(model, sum);
      }
      for (const row of p.latency) {
        if (!Array.isArray(row) || row.length < 4) continue;
        const key = `${String(row[0])}${KEY_SEP}${String(row[1])}`;
        const list = sketches.get(key) ?? [];
        for (let j = 2; j + 1 < row.length; j += 2) {
          const mean = Number(row[j]);
          const n = Number(row[j + 1]);
          if (Number.isFinite(mean) && n > 0) list.push({ mean, n });
        }
        sketches.set(key, list);
      }
    }
    const merged = new Map<string, LatencyStats>();
    for (const [key, remote] of sketches) {
      const all = [...remote, ...(local.get(key)?.centroids ?? [])];
      if (all.length > 0) merged.set(key, stats(all));
    }
    this.#merged = merged;
    this.#others = figures;
  }

  #run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown[]> {
    return runScript(script, this.#client, this.#clock, this.#timeoutMs, keys, args);
  }
}

/** Count, mean and quantiles of a set of weighted centroids (merged into one t-digest). */
function stats(centroids: Centroid[]): LatencyStats {
  const digest = new TDigest(COMPRESSION);
  let count = 0;
  let sum = 0;
  for (const c of centroids) {
    count += c.n;
    sum += c.mean * c.n;
  }
  digest.push_centroid(centroids);
  const q = (p: number): number => digest.percentile(p) as number;
  return Object.freeze({ count, mean: sum / count, p50: q(0.5), p95: q(0.95), p99: q(0.99) });
}

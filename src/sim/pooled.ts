import { MinHeap } from './internal/MinHeap.js';
import { assertValidFleet, canServe, drawSimCall, type SimModelSpec } from './models.js';
import type { SimOutcome, SimRequest } from './types.js';

/** Input of {@link simulatePooled}. */
export interface PooledOptions {
  /** The fleet: a model with concurrency c is c identical servers. */
  readonly models: readonly SimModelSpec[];
  /** The requests (any order; served by priority, then arrival time, then id). */
  readonly requests: readonly SimRequest[];
  /** The run's seed: the same one gives the router's simulated calls the same service times. */
  readonly seed: number;
}

/** Waiting requests that share a capable set (same type and capability thresholds). */
interface CapabilityClass {
  /** Indexes of the capable models. */
  readonly capable: readonly number[];
  /** Waiting requests (indexes into the input), best first. */
  readonly queue: MinHeap<number>;
  /** Idle servers over the capable models. */
  free: number;
}

/** One model's servers. */
interface Pool {
  readonly spec: SimModelSpec;
  /** Idle servers. */
  idle: number;
  /** End times of the busy servers' work (a reserved request extends its server's entry). */
  readonly busyUntil: MinHeap<number>;
  /** Classes this model serves (to keep their `free` counts). */
  readonly classes: CapabilityClass[];
}

/** Arrival order: time, then id. */
const byArrival = (a: SimRequest, b: SimRequest): number => a.t - b.t || a.id - b.id;

/** Number of sorted thresholds strictly below `x`. */
function rank(thresholds: readonly number[], x: number): number {
  let i = 0;
  while (i < thresholds.length && (thresholds[i] as number) < x) i++;
  return i;
}

/**
 * The pooled reference: what an ideal shared queue in front of the whole fleet achieves, the
 * yardstick routing strategies are compared with. An event-driven simulation of its own (no
 * router, no clock), deterministic for a given seed.
 *
 * - **One shared queue**, ordered by priority (higher first), then arrival time, then id.
 * - **Every capable server**: a model with concurrency c is c servers; a request may run on any
 *   model whose tasks list its type, whose `maxComplexity` covers its complexity and whose
 *   `maxTokens` covers its tokens (a per-request limit here; token budgets are not shared).
 *   Requests no model can serve fail at arrival with `NO_CAPABLE_MODEL`.
 * - **Late binding, clairvoyant**: whenever a server is free, the first waiting request (in queue
 *   order) that an idle server can take is placed. It knows its service time on every capable
 *   model ({@link drawSimCall}, the very draws the simulated model calls make, slowdowns and
 *   failures included) and picks the shortest completion, ranking a call that will fail after
 *   every call that succeeds. If the best completion is on a busy model (its earliest-free server,
 *   later, but so much faster that it still finishes first), the request is bound to that server
 *   now and starts when it frees; otherwise it starts at once on the best idle server. Requests
 *   with no idle capable server keep waiting (no early binding).
 * - A call that fails still holds its server for its service time and counts as an error
 *   (`MODEL_ERROR`); there are no retries. `maxQueue` is ignored (the queue is unbounded).
 *
 * @returns One outcome per request, in the order of `options.requests`.
 * @throws RangeError when the fleet is invalid.
 * @example
 * const requests = generateWorkload(scenario.workload, 42, scenario.requests);
 * const report = computeStats(simulatePooled({ models: scenario.models, requests, seed: 42 }), scenario.models);
 */
export function simulatePooled(options: PooledOptions): SimOutcome[] {
  const { models, requests, seed } = options;
  assertValidFleet(models);
  const pools: Pool[] = models.map((spec) => ({
    spec,
    idle: spec.concurrency,
    busyUntil: new MinHeap<number>((a, b) => a < b),
    classes: [],
  }));

  const complexityCuts = [...new Set(models.map((m) => m.maxComplexity ?? 1))].sort(
    (a, b) => a - b,
  );
  const tokenCuts = [...new Set(models.map((m) => m.maxTokens ?? Number.POSITIVE_INFINITY))].sort(
    (a, b) => a - b,
  );
  const classByKey = new Map<string, CapabilityClass | null>();
  const classes: CapabilityClass[] = [];
  const classOf = (req: SimRequest): CapabilityClass | null => {
    const key = `${rank(complexityCuts, req.complexity)}|${rank(tokenCuts, req.tokens)}|${req.type}`;
    let c = classByKey.get(key);
    if (c === undefined) {
      const capable: number[] = [];
      pools.forEach((p, i) => {
        if (canServe(p.spec, req)) capable.push(i);
      });
      if (capable.length === 0) {
        c = null;
      } else {
        const created: CapabilityClass = {
          capable,
          queue: new MinHeap<number>(waitsBefore),
          free: capable.reduce((a, i) => a + (pools[i] as Pool).idle, 0),
        };
        for (const i of capable) (pools[i] as Pool).classes.push(created);
        classes.push(created);
        c = created;
      }
      classByKey.set(key, c);
    }
    return c;
  };

  const changeIdle = (pool: Pool, delta: number): void => {
    pool.idle += delta;
    for (const c of pool.classes) c.free += delta;
  };

  const outcomes: SimOutcome[] = new Array(requests.length);
  /** Queue order: higher priority first, then arrival order (input order breaks full ties). */
  const waitsBefore = (a: number, b: number): boolean => {
    const ra = requests[a] as SimRequest;
    const rb = requests[b] as SimRequest;
    if (ra.priority !== rb.priority) return ra.priority > rb.priority;
    const order = byArrival(ra, rb);
    return order < 0 || (order === 0 && a < b);
  };

  // Wake-ups: a model's earliest busy server may be done at `at` (stale ones are harmless).
  const wakeups = new MinHeap<{ at: number; pool: Pool }>((a, b) => a.at < b.at);

  const place = (index: number, c: CapabilityClass, now: number): void => {
    const req = requests[index] as SimRequest;
    let bestFree: { pool: Pool; end: number; ok: boolean } | undefined;
    let bestBusy: { pool: Pool; end: number; ok: boolean; start: number } | undefined;
    const better = (
      end: number,
      ok: boolean,
      than: { end: number; ok: boolean } | undefined,
    ): boolean => than === undefined || (ok && !than.ok) || (ok === than.ok && end < than.end);
    for (const i of c.capable) {
      const pool = pools[i] as Pool;
      const start = pool.idle > 0 ? now : (pool.busyUntil.peek() as number);
      const draw = drawSimCall(pool.spec, req, start, seed);
      const end = start + draw.serviceMs;
      if (pool.idle > 0) {
        if (better(end, draw.ok, bestFree)) bestFree = { pool, end, ok: draw.ok };
      } else if (better(end, draw.ok, bestBusy)) {
        bestBusy = { pool, end, ok: draw.ok, start };
      }
    }
    let chosen: { pool: Pool; end: number; ok: boolean; start: number };
    if (
      bestBusy !== undefined &&
      (bestFree === undefined || better(bestBusy.end, bestBusy.ok, bestFree))
    ) {
      // Bind early: the busy server's current work ends at `start`; this request follows it.
      chosen = bestBusy;
      chosen.pool.busyUntil.pop();
    } else {
      if (bestFree === undefined)
        throw new Error('pooled: no idle capable server (internal error)');
      chosen = { ...bestFree, start: now };
      changeIdle(chosen.pool, -1);
    }
    chosen.pool.busyUntil.push(chosen.end);
    wakeups.push({ at: chosen.end, pool: chosen.pool });
    outcomes[index] = {
      id: req.id,
      type: req.type,
      t: req.t,
      model: chosen.pool.spec.id,
      start: chosen.start,
      end: chosen.end,
      latency: chosen.end - req.t,
      queued: chosen.start - req.t,
      ok: chosen.ok,
      ...(chosen.ok ? {} : { error: 'MODEL_ERROR' }),
    };
  };

  /** Places waiting requests while some waiting request has an idle capable server. */
  const dispatch = (now: number): void => {
    for (;;) {
      let best: CapabilityClass | undefined;
      for (const c of classes) {
        if (c.free <= 0) continue;
        const head = c.queue.peek();
        if (head === undefined) continue;
        if (best === undefined || waitsBefore(head, best.queue.peek() as number)) best = c;
      }
      if (best === undefined) return;
      place(best.queue.pop() as number, best, now);
    }
  };

  const arrivals = requests
    .map((_, i) => i)
    .sort((a, b) => byArrival(requests[a] as SimRequest, requests[b] as SimRequest) || a - b);
  const arrivalTime = (k: number): number =>
    k < arrivals.length
      ? (requests[arrivals[k] as number] as SimRequest).t
      : Number.POSITIVE_INFINITY;
  let next = 0;
  while (next < arrivals.length || wakeups.size > 0) {
    const arrivalAt = arrivalTime(next);
    const wakeAt = wakeups.peek()?.at ?? Number.POSITIVE_INFINITY;
    const now = Math.min(arrivalAt, wakeAt);
    for (let w = wakeups.peek(); w !== undefined && w.at <= now; w = wakeups.peek()) {
      wakeups.pop();
      const pool = w.pool;
      for (
        let end = pool.busyUntil.peek();
        end !== undefined && end <= now;
        end = pool.busyUntil.peek()
      ) {
        pool.busyUntil.pop();
        changeIdle(pool, 1);
      }
    }
    for (; arrivalTime(next) <= now; next++) {
      const index = arrivals[next] as number;
      const req = requests[index] as SimRequest;
      const c = classOf(req);
      if (c === null) {
        outcomes[index] = {
          id: req.id,
          type: req.type,
          t: req.t,
          model: null,
          start: req.t,
          end: req.t,
          latency: 0,
          queued: 0,
          ok: false,
          error: 'NO_CAPABLE_MODEL',
        };
      } else {
        c.queue.push(index);
      }
    }
    dispatch(now);
  }
  return outcomes;
}

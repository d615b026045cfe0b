import { throwIfProblems } from '../utils/options.js';
import { isRecord, optionsProblems, requestListProblems, seedProblems } from './internal/check.js';
import { MinHeap } from './internal/MinHeap.js';
import { drawSimCall } from './models/draw.js';
import { canServe } from './models/serving.js';
import { fleetProblems, type SimModelSpec } from './models/spec.js';
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

const POOLED_KEYS = ['models', 'requests', 'seed'] as const satisfies ReadonlyArray<
  keyof PooledOptions
>;

/** Requests that share a capable set (same type and capability thresholds). */
interface CapabilityClass {
  /** Indexes of the capable models, in fleet order. */
  readonly capable: readonly number[];
  /** Positions in `capable` of the models with phases (their draws depend on the start time). */
  readonly phased: readonly number[];
  /** Idle servers over the capable models. */
  free: number;
  /** Waiting requests of this class. */
  waiting: number;
  /** During a pass: waiting requests of this class the pass has not reached yet. */
  left: number;
}

/** One model's servers. */
interface Pool {
  readonly spec: SimModelSpec;
  /** Idle servers. */
  idle: number;
  /** End times of the busy servers' calls, ascending (one entry per busy server). */
  readonly busy: number[];
  /** Classes this model serves (to keep their `free` counts). */
  readonly classes: CapabilityClass[];
  /** Phase boundaries, ascending: a call's draw only changes when its start crosses one. */
  readonly breaks: readonly number[];
  /** Pass in which `tentative` was last copied from `busy`. */
  pass: number;
  /** During pass `pass`: when each busy server frees once the pass's reservations are counted. */
  tentative: number[];
}

/** A waiting request. */
interface Waiting {
  /** Index into the input. */
  readonly index: number;
  readonly cls: CapabilityClass;
  /** Times it was considered (its draws are cached from the second time on). */
  looks: number;
  /** Cached draws per capable model (in `cls.capable` order): service time in milliseconds. */
  serviceMs: Float64Array | null;
  /** Cached draws: 1 when the call succeeds. */
  ok: Uint8Array | null;
  /** Phase segment each cached draw was made in (-1: none yet; always 0 without phases). */
  segment: Int32Array | null;
  /**
   * Positions in `cls.capable` of the models without phases, successes first, then by service
   * time, then fleet order: a scan in this order can stop at the first one that cannot win.
   */
  order: Int32Array | null;
}

/** Waiting requests of one priority, in arrival order (done ones are skipped, then compacted). */
interface Level {
  readonly priority: number;
  items: Waiting[];
  /** First index that may still be waiting. */
  head: number;
  /** Entries still waiting. */
  live: number;
}

/** Arrival order: time, then id. */
const byArrival = (a: SimRequest, b: SimRequest): number => a.t - b.t || a.id - b.id;

/** Number of sorted thresholds strictly below `x`. */
function rank(thresholds: readonly number[], x: number): number {
  let i = 0;
  while (i < thresholds.length && (thresholds[i] as number) < x) i++;
  return i;
}

/** Number of sorted values at or below `x` (binary search). */
function countAtOrBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `x` into an ascending array, after any equal values. */
function insertSorted(sorted: number[], x: number): void {
  let i = sorted.length;
  sorted.push(x);
  while (i > 0 && (sorted[i - 1] as number) > x) {
    sorted[i] = sorted[i - 1] as number;
    i--;
  }
  sorted[i] = x;
}

/**
 * The pooled reference: what an ideal shared queue in front of the whole fleet achieves, the
 * yardstick routing strategies are compared with. An event-driven simulation of its own (no
 * router, no clock), deterministic for a given seed.
 *
 * - **One shared queue**, ordered by priority (higher first), then arrival time, then id (then
 *   input position).
 * - **Every capable server**: a model with concurrency c is c servers; a request may run on any
 *   model whose tasks list its type, whose `maxComplexity` covers its complexity and whose
 *   `maxTokens` covers its tokens. `maxTokens` is a per-request limit only: token budgets are not
 *   shared, so any number of requests may run on a model at once up to its concurrency. Requests
 *   no model can serve fail at arrival with `NO_CAPABLE_MODEL`.
 * - **Clairvoyant service times**: the reference knows, for every request and capable model, the
 *   service time and success of a call starting at a given time: {@link drawSimCall}, the very
 *   draws the router's simulated model calls make for a first attempt, including the slowdown and
 *   failure probability of the phases active at the call's start.
 * - **Tentative reservations, recomputed at every event** (an arrival, a call's end, a phase
 *   boundary): the waiting requests are taken in queue order, and each reserves the server slot
 *   that completes it earliest among, on each capable model, the earliest slot not already
 *   reserved in this pass: an idle server now, or else the busy server that frees first (its
 *   current call's end, or the end of a request reserved on it earlier in the pass). A call that
 *   will fail ranks after every call that succeeds; ties go to the model listed first. Requests
 *   whose slot starts now start; the other reservations are dropped and made afresh at the next
 *   event. So a request that only few servers can take holds its place on them ahead of later
 *   arrivals, which are steered elsewhere; and a request may wait for a busy model that will
 *   still finish it first rather than start on a slow idle one.
 * - A call that fails still holds its server for its service time and counts as an error with
 *   the router's code, `MODEL_FAILED`; there are no retries. `maxQueue` is ignored (the queue is
 *   unbounded).
 *
 * A greedy schedule, not a proven optimum: it knows every service time and failure in advance and
 * never leaves a server idle for nothing, so a router (which knows neither) should not beat it by
 * more than noise.
 *
 * Cost: a request's draws on its capable models are made once when it is first considered, and
 * cached (per phase segment) if it has to wait; a waiting request then scans its models by service
 * time and stops at the first that cannot finish it earlier. A pass stops as soon as no request it
 * has not reached yet has an idle capable server, so at most events it touches only the few
 * requests that can start (1,000 models and 20,000 requests take a couple of seconds).
 *
 * @returns One outcome per request, in the order of `options.requests`.
 * @throws ZetaError `CONFIG_INVALID` "Invalid simulatePooled options" listing every problem: an
 * unknown key, an invalid fleet, malformed requests, a seed that is not an integer.
 * @example
 * const requests = generateWorkload(scenario.workload, 42, scenario.requests);
 * const report = computeStats(simulatePooled({ models: scenario.models, requests, seed: 42 }), scenario.models);
 */
export function simulatePooled(options: PooledOptions): SimOutcome[] {
  const problems = optionsProblems(options, POOLED_KEYS);
  if (isRecord(options)) {
    problems.push(
      ...fleetProblems(options['models']),
      ...requestListProblems(options['requests'], 'requests', false),
      ...seedProblems(options['seed']),
    );
  }
  throwIfProblems('simulatePooled options', problems);
  const { models, requests, seed } = options;
  const pools: Pool[] = models.map((spec) => {
    const breaks = new Set<number>();
    for (const phase of spec.phases ?? []) {
      breaks.add(phase.at);
      if (phase.until !== undefined) breaks.add(phase.until);
    }
    return {
      spec,
      idle: spec.concurrency,
      busy: [],
      classes: [],
      breaks: [...breaks].filter((b) => Number.isFinite(b)).sort((a, b) => a - b),
      pass: -1,
      tentative: [],
    };
  });

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
          phased: capable.flatMap((k, j) => ((pools[k] as Pool).breaks.length > 0 ? [j] : [])),
          free: capable.reduce((a, i) => a + (pools[i] as Pool).idle, 0),
          waiting: 0,
          left: 0,
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
  const done = new Uint8Array(requests.length);
  /** Waiting requests by priority, highest first. */
  const levels: Level[] = [];
  let waitingTotal = 0;

  // Wake-ups: a call ends (its pool frees a server) or a phase starts or ends (pool null).
  const wakeups = new MinHeap<{ at: number; pool: Pool | null }>((a, b) => a.at < b.at);
  for (const pool of pools) for (const at of pool.breaks) wakeups.push({ at, pool: null });

  // The draw of the request being considered on one model (set by `draw`).
  let drawnMs = 0;
  let drawnOk = false;
  /** Sets `drawnMs` / `drawnOk` for `w` on its j-th capable model, starting at `at`. */
  const draw = (w: Waiting, req: SimRequest, j: number, pool: Pool, at: number): void => {
    const cache = w.serviceMs;
    if (cache === null) {
      const d = drawSimCall(pool.spec, req, at, seed);
      drawnMs = d.serviceMs;
      drawnOk = d.ok;
      return;
    }
    const segment = pool.breaks.length === 0 ? 0 : countAtOrBelow(pool.breaks, at);
    const segments = w.segment as Int32Array;
    const oks = w.ok as Uint8Array;
    if (segments[j] !== segment) {
      const d = drawSimCall(pool.spec, req, at, seed);
      cache[j] = d.serviceMs;
      oks[j] = d.ok ? 1 : 0;
      segments[j] = segment;
    }
    drawnMs = cache[j] as number;
    drawnOk = oks[j] === 1;
  };

  let pass = 0;
  // The best slot found so far for the request being placed (bestJ: position in its capable list).
  let bestJ = -1;
  let bestStart = 0;
  let bestEnd = 0;
  let bestOk = false;
  /** Considers the j-th capable model of `w`: its earliest unreserved slot and the draw there. */
  const consider = (w: Waiting, req: SimRequest, j: number, now: number): void => {
    const pool = pools[w.cls.capable[j] as number] as Pool;
    const start =
      pool.idle > 0 ? now : ((pool.pass === pass ? pool.tentative[0] : pool.busy[0]) as number);
    draw(w, req, j, pool, start);
    const end = start + drawnMs;
    // Successes first, then the earliest end, then fleet order.
    if (
      bestJ < 0 ||
      (drawnOk && !bestOk) ||
      (drawnOk === bestOk && (end < bestEnd || (end === bestEnd && j < bestJ)))
    ) {
      bestJ = j;
      bestStart = start;
      bestEnd = end;
      bestOk = drawnOk;
    }
  };
  /** Caches the draws of a request that waits, and orders its models without phases. */
  const cacheDraws = (w: Waiting, req: SimRequest, now: number): void => {
    const capable = w.cls.capable;
    const serviceMs = new Float64Array(capable.length);
    const ok = new Uint8Array(capable.length);
    const segment = new Int32Array(capable.length).fill(-1);
    const order: number[] = [];
    w.serviceMs = serviceMs;
    w.ok = ok;
    w.segment = segment;
    for (let j = 0; j < capable.length; j++) {
      const pool = pools[capable[j] as number] as Pool;
      if (pool.breaks.length > 0) continue;
      draw(w, req, j, pool, now);
      order.push(j);
    }
    order.sort((a, b) => ok[b]! - ok[a]! || serviceMs[a]! - serviceMs[b]! || a - b);
    w.order = Int32Array.from(order);
  };
  /** Classes with an idle capable server and waiting requests the pass has not reached. */
  const liveClasses = (): number => {
    let n = 0;
    for (const c of classes) if (c.free > 0 && c.left > 0) n++;
    return n;
  };

  /** One pass of tentative reservations at `now`; starts the requests whose slot starts now. */
  const dispatch = (now: number): void => {
    pass++;
    for (const c of classes) c.left = c.waiting;
    let live = liveClasses();
    for (const level of levels) {
      if (live === 0) break;
      const items = level.items;
      while (level.head < items.length && done[(items[level.head] as Waiting).index] === 1) {
        level.head++;
      }
      for (let i = level.head; i < items.length && live > 0; i++) {
        const w = items[i] as Waiting;
        if (done[w.index] === 1) continue;
        const req = requests[w.index] as SimRequest;
        const capable = w.cls.capable;
        bestJ = -1;
        if (w.looks++ === 0) {
          for (let j = 0; j < capable.length; j++) consider(w, req, j, now);
        } else {
          if (w.order === null) cacheDraws(w, req, now);
          for (const j of w.cls.phased) consider(w, req, j, now);
          const order = w.order as Int32Array;
          const serviceMs = w.serviceMs as Float64Array;
          const oks = w.ok as Uint8Array;
          for (let n = 0; n < order.length; n++) {
            const j = order[n] as number;
            if (bestJ >= 0) {
              // Successes come first, then failures, each by service time: every model from here
              // on ends no earlier than now plus this one's service time.
              const ok = oks[j] === 1;
              if (bestOk && !ok) break;
              if (ok === bestOk && now + (serviceMs[j] as number) > bestEnd) break;
            }
            consider(w, req, j, now);
          }
        }
        const best = pools[capable[bestJ] as number];
        if (best === undefined) throw new Error('pooled: request without capable model');
        const c = w.cls;
        c.left--;
        if (bestStart <= now) {
          // Its slot starts now: an idle server (or one whose call ends now).
          if (best.idle > 0) changeIdle(best, -1);
          else best.busy.shift();
          insertSorted(best.busy, bestEnd);
          wakeups.push({ at: bestEnd, pool: best });
          done[w.index] = 1;
          c.waiting--;
          level.live--;
          waitingTotal--;
          outcomes[w.index] = {
            id: req.id,
            type: req.type,
            t: req.t,
            model: best.spec.id,
            start: now,
            end: bestEnd,
            latency: bestEnd - req.t,
            queued: now - req.t,
            ok: bestOk,
            ...(bestOk ? {} : { error: 'MODEL_FAILED' }),
          };
          live = liveClasses();
        } else {
          // Reserve the busy server that frees first: it frees again when this request ends.
          if (best.pass !== pass) {
            best.pass = pass;
            best.tentative = best.busy.slice();
          }
          best.tentative.shift();
          insertSorted(best.tentative, bestEnd);
          if (c.left === 0 && c.free > 0) live--;
        }
      }
    }
    // Drop finished requests once they make up most of a level.
    for (const level of levels) {
      if (level.items.length - level.head > 2 * level.live + 32) {
        level.items = level.items.filter((w) => done[w.index] === 0);
        level.head = 0;
      }
    }
  };

  const enqueue = (index: number, cls: CapabilityClass): void => {
    const priority = (requests[index] as SimRequest).priority;
    let k = 0;
    while (k < levels.length && (levels[k] as Level).priority > priority) k++;
    let level = levels[k];
    if (level === undefined || level.priority !== priority) {
      level = { priority, items: [], head: 0, live: 0 };
      levels.splice(k, 0, level);
    }
    level.items.push({
      index,
      cls,
      looks: 0,
      serviceMs: null,
      ok: null,
      segment: null,
      order: null,
    });
    level.live++;
    cls.waiting++;
    waitingTotal++;
  };

  const arrivals = requests
    .map((_, i) => i)
    .sort((a, b) => byArrival(requests[a] as SimRequest, requests[b] as SimRequest) || a - b);
  const arrivalTime = (k: number): number =>
    k < arrivals.length
      ? (requests[arrivals[k] as number] as SimRequest).t
      : Number.POSITIVE_INFINITY;
  let next = 0;
  while (next < arrivals.length || waitingTotal > 0) {
    const arrivalAt = arrivalTime(next);
    const wakeAt = wakeups.peek()?.at ?? Number.POSITIVE_INFINITY;
    const now = Math.min(arrivalAt, wakeAt);
    if (now === Number.POSITIVE_INFINITY) throw new Error('pooled: requests left waiting');
    for (let w = wakeups.peek(); w !== undefined && w.at <= now; w = wakeups.peek()) {
      wakeups.pop();
      const pool = w.pool;
      if (pool === null) continue;
      while (pool.busy.length > 0 && (pool.busy[0] as number) <= now) {
        pool.busy.shift();
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
        enqueue(index, c);
      }
    }
    if (waitingTotal > 0) dispatch(now);
  }
  return outcomes;
}

import {
  type HealthChange,
  HealthMonitor,
  type HealthOptions,
} from '../../health/HealthMonitor.js';
import { Lane } from '../../lane/Lane.js';
import type { ProbeReading } from '../../probe/ModelProbe.js';
import type { TaskType } from '../../types.js';
import type { ExcludedModel } from '../events.js';
import { type NormalizedModel, normalizeModel } from '../internal/validate.js';
import { WaitList } from '../internal/WaitList.js';
import type { ModelConfig } from '../options.js';

/** Task types whose "does not serve" exclusion lists are cached (caller-chosen types are unbounded). */
const MAX_CACHED_TYPES = 1000;
/** Task types whose last-known mean latency a model remembers. */
const MAX_LAST_MEANS = 256;

/** One model at run time: its config, lane, health and the requests waiting for it. */
export interface ModelEntry<Req, Res> {
  readonly model: NormalizedModel<Req, Res>;
  readonly lane: Lane;
  readonly health: HealthMonitor | undefined;
  /** Requests in the admission queue that may bind to this model. */
  readonly waiters: WaitList<Req, Res>;
  removed: boolean;
  /** Admission-queue requests whose first choice is this model (counts against its `maxQueue`). */
  waitingFor: number;
  /** Last windowed mean latency seen per task type, in ms: the prior once the window empties. */
  readonly lastMeanMs: Map<TaskType, number>;
  /** Timer that pumps this model when its cool-off ends or its rate limit allows. */
  wakeTimer: unknown;
  /** When `wakeTimer` fires, in ms on the router's clock. */
  wakeAt: number;
  /** Until when the model cools down after its server said it is overloaded (ms; -Infinity when not). */
  coolUntil: number;
  /** Overloads in a row (for the backoff when the server gives no `Retry-After`). */
  overloads: number;
  /** The last reading of its server's load probe (undefined without a probe or before the first). */
  probe: ProbeReading | undefined;
  /** Tokens its calls reported, summed (for the snapshot). */
  promptTokens: number;
  completionTokens: number;
  /** Whether the capacity coordinator reports the model full across the routers sharing it. */
  sharedFull: boolean;
  /** Whether it is the only model serving some task type it serves (kept by the fleet's index). */
  soleServer: boolean;
  /**
   * Per task type it was tried on since it joined: {@link STARTED} once a call of the type
   * started on it, else how many calls of the type are bound to it and not started yet (a type
   * whose bound calls all went back unstarted is forgotten). At most {@link MAX_CACHED_TYPES}
   * types; once full, every type counts as tried.
   */
  readonly triedTasks: Map<TaskType, number>;
}

/** The mark of a task type a call of which started on the model (see `ModelEntry.triedTasks`). */
const STARTED = -1;

/** Whether a call of `type` started on `e`, or is bound to it (see `ModelEntry.triedTasks`). */
export function triedOn<Req, Res>(e: ModelEntry<Req, Res>, type: TaskType): boolean {
  return e.triedTasks.size >= MAX_CACHED_TYPES || e.triedTasks.has(type);
}

/** A call of `type` was bound to `e`: true when it is counted (to be started or given back). */
export function bindTried<Req, Res>(e: ModelEntry<Req, Res>, type: TaskType): boolean {
  const n = e.triedTasks.get(type);
  if (n === STARTED || (n === undefined && e.triedTasks.size >= MAX_CACHED_TYPES)) return false;
  e.triedTasks.set(type, (n ?? 0) + 1);
  return true;
}

/** A counted call of `type` started on `e`, or went back unstarted (`started` false). */
export function settleTried<Req, Res>(
  e: ModelEntry<Req, Res>,
  type: TaskType,
  started: boolean,
): void {
  const n = e.triedTasks.get(type);
  if (n === undefined || n === STARTED) return;
  if (started) e.triedTasks.set(type, STARTED);
  else if (n <= 1) e.triedTasks.delete(type);
  else e.triedTasks.set(type, n - 1);
}

/**
 * Whether a request of `tokens` could start on `e` now: a free slot and token room in its lane,
 * and the model not busy (see {@link isBusy}).
 */
export function canStartOn<Req, Res>(e: ModelEntry<Req, Res>, tokens: number): boolean {
  return e.lane.canStart(tokens) && !isBusy(e);
}

/**
 * Whether a new request of `tokens` may start on `e` now: it could start (see {@link canStartOn}),
 * and `e` is not held for a request already waiting for it (see {@link heldForWaiter}).
 */
export function canStartNew<Req, Res>(e: ModelEntry<Req, Res>, tokens: number): boolean {
  return canStartOn(e, tokens) && !heldForWaiter(e);
}

/**
 * Whether a new request of `tokens` may wait in `e`'s own queue (bound early, to `e` alone): no
 * request waits for `e` first, `e` is not busy, and its queue has room.
 */
export function canQueueNew<Req, Res>(e: ModelEntry<Req, Res>, tokens: number): boolean {
  return e.waitingFor === 0 && !isBusy(e) && !heldForWaiter(e) && e.lane.canQueue(tokens);
}

/**
 * Whether `e` is held for the first request waiting for it, which needs more token room than is
 * free now: a new request then joins the wait list (where priority and arrival order it) instead
 * of starting or queueing on `e` directly. Else a stream of small requests could keep the tokens
 * busy and a large request waiting for ever (a reservation, as schedulers make for a large job).
 */
export function heldForWaiter<Req, Res>(e: ModelEntry<Req, Res>): boolean {
  if (e.waiters.size === 0) return false;
  const head = e.waiters.peek();
  return head !== undefined && !e.lane.fitsTokens(head.request.tokens);
}

/**
 * Whether the model is busy whatever its lane says: its server's probe reports it past `spillAt`,
 * or the capacity coordinator reports it full across the routers sharing it.
 */
export function isBusy<Req, Res>(e: ModelEntry<Req, Res>): boolean {
  return e.sharedFull || e.probe?.busy === true;
}

/** What the fleet tells the rest of the router about its models. */
export interface FleetHooks<Req, Res> {
  readonly now: () => number;
  /** A model's lane freed room (a call finished or a queued one was cancelled). */
  readonly onFree: (entry: ModelEntry<Req, Res>) => void;
  /** A model's health changed. */
  readonly onHealth: (entry: ModelEntry<Req, Res>, change: HealthChange) => void;
}

/**
 * The fleet stage: the models, indexed by the task types they serve and are home for; adding and
 * removing them. Indexes are rebuilt on add and remove, never per request.
 */
export class Fleet<Req, Res> {
  readonly #entries = new Map<string, ModelEntry<Req, Res>>();
  #byType = new Map<TaskType, ModelEntry<Req, Res>[]>();
  #homesByType = new Map<TaskType, ModelEntry<Req, Res>[]>();
  #notServingByType = new Map<TaskType, readonly ExcludedModel[]>();
  #maxQueueSum = 0;
  #active = 0;
  readonly #health: HealthOptions | false;
  readonly #hooks: FleetHooks<Req, Res>;

  constructor(health: HealthOptions | false, hooks: FleetHooks<Req, Res>) {
    this.#health = health;
    this.#hooks = hooks;
  }

  /** The entry of model `id`, removed or not (undefined when unknown). */
  get(id: string): ModelEntry<Req, Res> | undefined {
    return this.#entries.get(id);
  }

  /** Every entry, removed ones still draining included. */
  entries(): IterableIterator<ModelEntry<Req, Res>> {
    return this.#entries.values();
  }

  /** Ids of the models not removed (for messages). */
  ids(): string[] {
    const ids: string[] = [];
    for (const e of this.#entries.values()) if (!e.removed) ids.push(e.model.id);
    return ids;
  }

  /** Models not removed. */
  get size(): number {
    return this.#active;
  }

  /** Sum of the models' `maxQueue`: the default `maxWaiting`. */
  get maxQueueSum(): number {
    return this.#maxQueueSum;
  }

  /** The models serving `type`. */
  serving(type: TaskType): readonly ModelEntry<Req, Res>[] {
    return this.#byType.get(type) ?? [];
  }

  /** The home models of `type`. */
  homes(type: TaskType): readonly ModelEntry<Req, Res>[] {
    return this.#homesByType.get(type) ?? [];
  }

  /** Whether serving `type` on `e` is a spill: `e` is not a home of it, and some model is. */
  isSpill(e: ModelEntry<Req, Res>, type: TaskType): boolean {
    return !e.model.home.has(type) && this.#homesByType.has(type);
  }

  /** The models that do not serve `type`, as exclusions (cached per type, bounded). */
  notServing(type: TaskType): readonly ExcludedModel[] {
    let list = this.#notServingByType.get(type);
    if (list === undefined) {
      const reason = `does not serve '${type}'`;
      const out: ExcludedModel[] = [];
      for (const e of this.#entries.values()) {
        if (!e.removed && !e.model.tasks.has(type))
          out.push(Object.freeze({ id: e.model.id, reason }));
      }
      list = Object.freeze(out);
      if (this.#notServingByType.size < MAX_CACHED_TYPES) this.#notServingByType.set(type, list);
    }
    return list;
  }

  /** Adds validated model configs (indexes rebuilt once). */
  addAll(cfgs: readonly ModelConfig<Req, Res>[]): ModelEntry<Req, Res>[] {
    const added = cfgs.map((cfg) => this.#create(cfg));
    this.#reindex();
    return added;
  }

  /** Adds a validated model config. */
  add(cfg: ModelConfig<Req, Res>): ModelEntry<Req, Res> {
    const entry = this.#create(cfg);
    this.#reindex();
    return entry;
  }

  #create(cfg: ModelConfig<Req, Res>): ModelEntry<Req, Res> {
    const model = normalizeModel(cfg);
    const hooks = this.#hooks;
    let entry!: ModelEntry<Req, Res>;
    const health =
      this.#health === false
        ? undefined
        : new HealthMonitor(model.id, this.#health, (change) => hooks.onHealth(entry, change));
    entry = {
      model,
      health,
      waiters: new WaitList(),
      removed: false,
      waitingFor: 0,
      lastMeanMs: new Map(),
      wakeTimer: undefined,
      wakeAt: Number.POSITIVE_INFINITY,
      coolUntil: Number.NEGATIVE_INFINITY,
      overloads: 0,
      probe: undefined,
      promptTokens: 0,
      completionTokens: 0,
      sharedFull: false,
      soleServer: false,
      triedTasks: new Map(),
      lane: new Lane(
        {
          concurrency: model.concurrency,
          maxTokens: model.maxTokens,
          maxQueue: model.maxQueue,
          ...(model.rateLimit ? { rateLimit: model.rateLimit } : {}),
        },
        hooks.now,
        () => hooks.onFree(entry),
      ),
    };
    this.#entries.set(model.id, entry);
    return entry;
  }

  /** Takes a model out of routing; its entry stays until {@link Fleet.forget} (it may still drain). */
  retire(entry: ModelEntry<Req, Res>): void {
    entry.removed = true;
    this.#reindex();
  }

  /** Drops a retired model's entry once it has drained. */
  forget(entry: ModelEntry<Req, Res>): void {
    if (this.#entries.get(entry.model.id) === entry) this.#entries.delete(entry.model.id);
  }

  /** Remembers the last windowed mean latency of `type` on `e` (bounded per model). */
  rememberMean(e: ModelEntry<Req, Res>, type: TaskType, meanMs: number): void {
    if (e.lastMeanMs.size >= MAX_LAST_MEANS && !e.lastMeanMs.has(type)) return;
    e.lastMeanMs.set(type, meanMs);
  }

  #reindex(): void {
    const byType = new Map<TaskType, ModelEntry<Req, Res>[]>();
    const homes = new Map<TaskType, ModelEntry<Req, Res>[]>();
    let maxQueueSum = 0;
    let active = 0;
    for (const e of this.#entries.values()) {
      if (e.removed) continue;
      active++;
      maxQueueSum += e.model.maxQueue;
      for (const t of e.model.tasks) {
        const list = byType.get(t);
        if (list) list.push(e);
        else byType.set(t, [e]);
      }
    }
    for (const e of this.#entries.values()) e.soleServer = false;
    for (const [type, list] of byType) {
      const h = list.filter((e) => e.model.home.has(type));
      if (h.length > 0) homes.set(type, h);
      if (list.length === 1) list[0]!.soleServer = true;
    }
    this.#byType = byType;
    this.#homesByType = homes;
    this.#notServingByType = new Map();
    this.#maxQueueSum = maxQueueSum;
    this.#active = active;
  }
}

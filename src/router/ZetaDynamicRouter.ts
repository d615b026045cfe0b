import { EventEmitter } from 'eventemitter3';
import type { Classifier } from '../classify/Classifier.js';
import { defaultClassifier } from '../classify/learnedClassifier.js';
import { type FailedAttempt, ZetaError, type ZetaErrorCode } from '../errors/ZetaError.js';
import { type HealthChange, HealthMonitor, type HealthOptions } from '../health/HealthMonitor.js';
import { Lane, type LaneTicket } from '../lane/Lane.js';
import { InMemoryLoadTracker } from '../load/InMemoryLoadTracker.js';
import type { LoadTracker } from '../load/LoadTracker.js';
import { adaptiveStrategy } from '../strategy/adaptive.js';
import { leastLoadedStrategy } from '../strategy/leastLoaded.js';
import type { Strategy } from '../strategy/Strategy.js';
import { staticStrategy } from '../strategy/static.js';
import type {
  CandidateState,
  Clock,
  HealthState,
  LatencyStats,
  RandomSource,
  ScoredCandidate,
  TaskProfile,
  TaskType,
} from '../types.js';
import { throwIfProblems } from '../utils/options.js';
import { seededRandom } from '../utils/random.js';
import type { Decision, ExcludedModel, RouterEvents } from './events.js';
import { AdmissionQueue } from './internal/AdmissionQueue.js';
import { LazyAbort } from './internal/LazyAbort.js';
import {
  modelProblems,
  type NormalizedModel,
  normalizeModel,
  profileFromType,
  routerProblems,
  runOptionProblems,
  taskProblems,
} from './internal/validate.js';
import type {
  CallContext,
  ModelConfig,
  RunOptions,
  StrategyName,
  ZetaRouterOptions,
} from './options.js';

/** What `runWithInfo()` resolves with: the result and how it was obtained. */
export interface RunInfo<Res> {
  /** The router's id of the request. */
  readonly id: number;
  /** What the model call returned. */
  readonly result: Res;
  /** The model that served it. */
  readonly model: string;
  /** The task profile it was routed by. */
  readonly task: TaskProfile;
  /** Calls made (1 without retries). */
  readonly attempts: number;
  /** Time spent waiting for slots, in milliseconds (all attempts). */
  readonly queuedMs: number;
  /** Duration of the successful call, in milliseconds. */
  readonly latencyMs: number;
  /** From `run()` to settling, in milliseconds. */
  readonly totalMs: number;
  /** The decision that bound the successful call, as made at the time. */
  readonly decision: Decision;
}

/** Per task type figures of one model in a {@link RouterSnapshot}. */
export type TaskLatencySnapshot = LatencyStats;

/** One model in a {@link RouterSnapshot}. */
export interface ModelStateSnapshot {
  readonly id: string;
  readonly inFlight: number;
  readonly queued: number;
  /** Requests in the admission queue whose best candidate is this model. */
  readonly waiting: number;
  readonly tokensInFlight: number;
  readonly concurrency: number;
  readonly maxTokens: number;
  readonly maxQueue: number;
  /** Per task type latency over the tracker's window, in milliseconds. */
  readonly tasks: Readonly<Record<string, TaskLatencySnapshot>>;
  /** Recent error rate, 0..1. */
  readonly errorRate: number;
  /** Recent completions per second. */
  readonly throughput: number;
  readonly health: HealthState;
  /** Answer quality reported with `reportQuality()`, 0..1, recent (NaN before any report). */
  readonly quality: number;
}

/** A plain copy of the router's state, fresh on each call: for dashboards and tests. */
export interface RouterSnapshot {
  /** When, in milliseconds on the router's clock. */
  readonly at: number;
  readonly strategy: string;
  /** Requests in the admission queue. */
  readonly waiting: number;
  readonly maxWaiting: number;
  /** Requests accepted and not settled yet. */
  readonly pending: number;
  readonly closed: boolean;
  readonly models: readonly ModelStateSnapshot[];
  /**
   * Arrivals per task type: the recent rate and the tracker's forecast `horizonMs` ahead, in
   * requests per second (load prediction for dashboards and custom policies).
   */
  readonly arrivals: readonly TaskArrivalSnapshot[];
}

/** One task type's arrivals in a {@link RouterSnapshot}. */
export interface TaskArrivalSnapshot {
  readonly task: TaskType;
  /** Requests of this type since the router started. */
  readonly total: number;
  /** Recent arrivals per second. */
  readonly rate: number;
  /** Expected arrivals per second `horizonMs` from now. */
  readonly forecast: number;
  /** Change of the rate, in requests per second per second. */
  readonly trend: number;
  /** How far ahead `forecast` looks, in milliseconds. */
  readonly horizonMs: number;
}

/** What one model call came to, handed from the lane slot to the request once the slot is free. */
type CallOutcome<Res> =
  | { readonly ok: true; readonly result: Res; readonly latencyMs: number; readonly end: number }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly latencyMs: number;
      readonly end: number;
    }
  /** The slot came up on a model that opened meanwhile: the request goes back to routing. */
  | typeof REROUTE;

const REROUTE = Symbol('reroute');

/**
 * Live decisions list every model that does not serve the task type among `excluded` up to this
 * fleet size (and always when none serves it); `explain()` always lists them.
 */
const LIST_EXCLUDED_UP_TO = 32;

interface Entry<Req, Res> {
  readonly model: NormalizedModel<Req, Res>;
  readonly lane: Lane;
  readonly health: HealthMonitor | undefined;
  removed: boolean;
  /** Admission-queue requests whose first choice is this model (counts against its `maxQueue`). */
  waitingFor: number;
  /** Last windowed mean latency seen per task type, in ms (one number per type served). */
  readonly lastMeanMs: Map<TaskType, number>;
  /** Timer that pumps this model when its cool-off ends or its rate limit allows, while requests wait for it. */
  wakeTimer: unknown;
  /** When `wakeTimer` fires, in ms on the router's clock. */
  wakeAt: number;
}

interface Pending<Req, Res> {
  readonly id: number;
  readonly seq: number;
  readonly priority: number;
  readonly req: Req;
  readonly arrival: number;
  /** Whether the caller wants the RunInfo (runWithInfo) or just the result (run). */
  readonly wantInfo: boolean;
  readonly resolve: (value: Res | RunInfo<Res>) => void;
  readonly reject: (error: ZetaError) => void;
  profile: TaskProfile | undefined;
  tokens: number;
  settled: boolean;
  attempt: number;
  readonly attempts: FailedAttempt[];
  tried: Set<string> | undefined;
  decision: Decision | undefined;
  /** While waiting: the models it may bind to, and the one its wait counts against. */
  accept: Set<string> | undefined;
  firstChoice: Entry<Req, Res> | undefined;
  ticket: LaneTicket<CallOutcome<Res> | undefined> | undefined;
  call: LazyAbort | undefined;
  queuedMs: number;
  waitStart: number;
  timer: unknown;
  cleanupSignal: (() => void) | undefined;
}

const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const builtInStrategies: Record<StrategyName, Strategy> = {
  static: staticStrategy,
  'least-loaded': leastLoadedStrategy,
  adaptive: adaptiveStrategy,
};

/** A model's latency prior for a task type (own keys only: a type may be called `toString`). */
function priorFor(
  prior: NormalizedModel<unknown, unknown>['latencyPriorMs'],
  type: TaskType,
): number | undefined {
  if (typeof prior === 'number') return prior;
  return prior !== undefined && Object.hasOwn(prior, type) ? prior[type] : undefined;
}

function isTaskProfile(value: unknown): value is TaskProfile {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TaskProfile).type === 'string' &&
    typeof (value as TaskProfile).complexity === 'number'
  );
}

/**
 * Routes each request to one of several models from the request's task and every model's live
 * load, enforcing each model's capacity. Wrap your existing client functions as `models`, then call
 * {@link ZetaDynamicRouter.run}.
 *
 * Every `run()` settles exactly once: with the model's result, or with a {@link ZetaError} whose
 * `code` says why.
 *
 * @example
 * const router = new ZetaDynamicRouter<string, string>({
 *   models: [
 *     { id: 'coder-7b', call: (p, ctx) => coder(p, ctx.signal), tasks: ['simple', 'code'], home: ['code', 'simple'], concurrency: 8 },
 *     { id: 'reasoner-14b', call: (p, ctx) => reasoner(p, ctx.signal), tasks: ['simple', 'code', 'reasoning'], home: ['reasoning'], concurrency: 4 },
 *   ],
 * });
 * const answer = await router.run('Write a function that reverses a list');
 */
export class ZetaDynamicRouter<Req = unknown, Res = unknown> extends EventEmitter<RouterEvents> {
  readonly #entries = new Map<string, Entry<Req, Res>>();
  /** Model entries by task type they serve (rebuilt on add/remove). */
  #byType = new Map<TaskType, Entry<Req, Res>[]>();
  /** Home models by task type (rebuilt on add/remove). */
  #homesByType = new Map<TaskType, Entry<Req, Res>[]>();
  /** Sum of the models' `maxQueue`: the default `maxWaiting` (rebuilt on add/remove). */
  #maxQueueSum = 0;
  readonly #admission = new AdmissionQueue<Pending<Req, Res>>();
  readonly #classifier: Classifier<Req>;
  readonly #strategy: Strategy;
  readonly #tracker: LoadTracker;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #health: HealthOptions | false;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number | undefined;
  readonly #sampleSize: number;
  readonly #maxWaitingOption: number | undefined;
  #nextId = 1;
  #pendingCount = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];

  /**
   * @throws {ZetaError} `CONFIG_INVALID` listing every problem with the options.
   */
  constructor(options: ZetaRouterOptions<Req, Res>) {
    super();
    const problems = routerProblems(options);
    throwIfProblems('router options', problems);
    this.#classifier = options.classifier ?? (defaultClassifier as Classifier<Req>);
    const s = options.strategy ?? 'adaptive';
    this.#strategy = typeof s === 'string' ? builtInStrategies[s] : s;
    this.#tracker = options.tracker ?? new InMemoryLoadTracker();
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#health = options.health ?? {};
    this.#maxAttempts = options.maxAttempts ?? 2;
    this.#timeoutMs = options.timeoutMs;
    this.#sampleSize = options.sampleSize ?? 4;
    this.#maxWaitingOption = options.maxWaiting;
    for (const cfg of options.models) this.#add(cfg);
    this.#reindex();
  }

  /** The strategy in use. */
  get strategy(): Strategy {
    return this.#strategy;
  }

  /** Requests waiting in the admission queue now. */
  get waiting(): number {
    return this.#admission.size;
  }

  /** The router-wide bound on waiting requests. */
  get maxWaiting(): number {
    return this.#maxWaitingOption ?? this.#maxQueueSum;
  }

  /**
   * Routes `req` to a model and resolves with its result.
   *
   * @throws {ZetaError} (as a rejection) `CONFIG_INVALID`, `CLASSIFIER_FAILED`, `STRATEGY_FAILED`,
   * `NO_CAPABLE_MODEL`, `CAPACITY_EXCEEDED`, `TIMEOUT`, `ABORTED`, `MODEL_FAILED` or `CLOSED`.
   */
  run(req: Req, options?: RunOptions): Promise<Res> {
    return this.#start(req, options ?? {}, false) as Promise<Res>;
  }

  /**
   * Like {@link ZetaDynamicRouter.run}, resolving with the result plus which model served it, the
   * attempts, the waiting and call times, and the decision record.
   */
  runWithInfo(req: Req, options: RunOptions = {}): Promise<RunInfo<Res>> {
    return this.#start(req, options, true) as Promise<RunInfo<Res>>;
  }

  /** Accepts a request; resolves with the result, or with the full RunInfo when `wantInfo`. */
  #start(req: Req, options: RunOptions, wantInfo: boolean): Promise<Res | RunInfo<Res>> {
    const id = this.#nextId++;
    return new Promise<Res | RunInfo<Res>>((resolve, reject) => {
      if (this.#closed) {
        reject(
          this.#rejected(
            id,
            undefined,
            'CLOSED',
            'The router is closed: create a new router to serve more requests.',
          ),
        );
        return;
      }
      const problems = runOptionProblems(options);
      if (problems.length > 0) {
        reject(
          this.#rejected(
            id,
            undefined,
            'CONFIG_INVALID',
            `Invalid run options: ${problems.join('; ')}.`,
            { problems },
          ),
        );
        return;
      }
      if (options.signal?.aborted) {
        reject(
          this.#rejected(
            id,
            undefined,
            'ABORTED',
            'The request was aborted before it was routed.',
            {},
            options.signal.reason,
          ),
        );
        return;
      }
      const now = this.#clock.now();
      const p: Pending<Req, Res> = {
        id,
        seq: id,
        priority: 0,
        req,
        arrival: now,
        wantInfo,
        resolve,
        reject,
        profile: undefined,
        tokens: 0,
        settled: false,
        attempt: 0,
        attempts: [],
        tried: undefined,
        decision: undefined,
        accept: undefined,
        firstChoice: undefined,
        ticket: undefined,
        call: undefined,
        queuedMs: 0,
        waitStart: now,
        timer: undefined,
        cleanupSignal: undefined,
      };
      this.#pendingCount++;
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      if (timeoutMs !== undefined) {
        p.timer = this.#clock.setTimeout(() => {
          p.timer = undefined;
          this.#giveUp(
            p,
            'TIMEOUT',
            `The request did not settle within ${timeoutMs}ms (${p.call ? 'its call was still running' : 'it was still waiting for a slot'}).`,
            { timeoutMs },
          );
        }, timeoutMs);
      }
      const signal = options.signal;
      if (signal) {
        const onAbort = (): void =>
          this.#giveUp(p, 'ABORTED', 'The request was aborted by its signal.', {}, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        p.cleanupSignal = () => signal.removeEventListener('abort', onAbort);
      }
      this.#classify(p, options);
    });
  }

  /**
   * The ranking the strategy would give now, with every candidate's score and its components, and
   * why the other models are excluded. No side effects: nothing is routed or recorded, and the
   * router's random sequence is not advanced.
   *
   * @param reqOrTask - A request (classified with the router's classifier, which must then be
   * synchronous) or a task profile.
   * @throws {ZetaError} `CLASSIFIER_FAILED` when the classifier is asynchronous, throws or returns
   * something that is not a task profile; `STRATEGY_FAILED` when the strategy throws or ranks
   * nothing; `CONFIG_INVALID` for a bad task profile.
   */
  explain(reqOrTask: Req | TaskProfile): Decision {
    let profile: TaskProfile;
    if (isTaskProfile(reqOrTask)) {
      const problems = taskProblems(reqOrTask, 'task');
      if (problems.length > 0)
        throw new ZetaError('CONFIG_INVALID', `Invalid task profile: ${problems.join('; ')}.`, {
          problems,
        });
      profile = reqOrTask;
    } else {
      let out: unknown;
      try {
        out = this.#classifier(reqOrTask as Req);
      } catch (error) {
        throw new ZetaError(
          'CLASSIFIER_FAILED',
          `The classifier threw: ${String(error)}`,
          {},
          { cause: error },
        );
      }
      if (out instanceof Promise) {
        out.catch(() => undefined);
        throw new ZetaError(
          'CLASSIFIER_FAILED',
          'explain() needs a synchronous classifier: pass a task profile instead, e.g. explain({ type: "code", complexity: 0.5 }).',
        );
      }
      const problems = taskProblems(out, 'classifier result');
      if (problems.length > 0)
        throw new ZetaError(
          'CLASSIFIER_FAILED',
          `The classifier returned an invalid task profile: ${problems.join('; ')}.`,
          { problems },
        );
      profile = out as TaskProfile;
    }
    return this.#decide(-1, profile, profile.tokens ?? 0, undefined, seededRandom(0), false);
  }

  /** A fresh plain copy of every model's load, latency and health, for dashboards and tests. */
  snapshot(): RouterSnapshot {
    const now = this.#clock.now();
    const tracked = this.#tracker.snapshot(now);
    const models: ModelStateSnapshot[] = [];
    for (const e of this.#entries.values()) {
      if (e.removed) continue;
      const stats = this.#tracker.modelStats(e.model.id, now);
      const tasks: Record<string, TaskLatencySnapshot> = {};
      const perTask = tracked.models.find((m) => m.model === e.model.id);
      for (const t of perTask?.tasks ?? []) {
        tasks[t.task] = { ...t.latency };
      }
      models.push({
        id: e.model.id,
        inFlight: e.lane.inFlight,
        queued: e.lane.queued,
        waiting: e.waitingFor,
        tokensInFlight: e.lane.tokensInFlight,
        concurrency: e.model.concurrency,
        maxTokens: e.model.maxTokens,
        maxQueue: e.model.maxQueue,
        tasks,
        errorRate: stats.errorRate,
        throughput: stats.throughput,
        health: e.health?.state ?? 'healthy',
        quality: e.health?.snapshot().quality ?? Number.NaN,
      });
    }
    return {
      at: now,
      strategy: this.#strategy.name,
      waiting: this.#admission.size,
      maxWaiting: this.maxWaiting,
      pending: this.#pendingCount,
      closed: this.#closed,
      models,
      arrivals: tracked.arrivals.map((a) => ({
        task: a.task,
        total: a.total,
        rate: a.rate,
        forecast: a.forecast,
        trend: a.trend,
        horizonMs: a.horizonMs,
      })),
    };
  }

  /**
   * Reports the quality (0 = useless, 1 = perfect) of an answer `model` gave, from your own
   * judgement: user feedback, an evaluator, a failed parse. Reports are averaged per model
   * (exponentially weighted); a model whose quality falls below `health.minQuality` becomes
   * `degraded`, which the adaptive strategy penalises, and healthy again once it recovers. No
   * effect with `health: false`.
   *
   * @example
   * const info = await router.runWithInfo(req);
   * if (!isValidJson(info.result)) router.reportQuality(info.model, 0);
   * @throws {ZetaError} `CONFIG_INVALID` for an unknown model or a quality outside [0, 1].
   */
  reportQuality(model: string, quality: number): void {
    const e = this.#entries.get(model);
    const problems: string[] = [];
    if (!e || e.removed)
      problems.push(`no model '${model}' (known: ${[...this.#entries.keys()].join(', ')})`);
    if (!(typeof quality === 'number' && quality >= 0 && quality <= 1)) {
      problems.push(`quality must be a number from 0 to 1, got ${String(quality)}`);
    }
    if (problems.length > 0) {
      throw new ZetaError('CONFIG_INVALID', `Cannot report quality: ${problems.join('; ')}.`, {
        problems,
      });
    }
    e!.health?.onQuality(quality, this.#clock.now());
  }

  /**
   * Adds a model at run time. Waiting requests it can serve are ranked again by the strategy, so
   * they may bind to it at once.
   * @throws {ZetaError} `CONFIG_INVALID` for a bad config or a duplicate id.
   */
  addModel(config: ModelConfig<Req, Res>): void {
    const problems = modelProblems(
      config,
      `model${typeof config?.id === 'string' ? ` '${config.id}'` : ''}`,
    );
    const existing = this.#entries.get(config?.id);
    if (existing)
      problems.push(
        `model id '${config.id}' is already in use${existing.removed ? ' (its removal is still draining)' : ''}: choose another id`,
      );
    if (problems.length > 0)
      throw new ZetaError('CONFIG_INVALID', `Invalid model: ${problems.join('; ')}.`, { problems });
    const e = this.#add(config);
    this.#reindex();
    // Waiting requests the new model could serve are decided again by the strategy, in their order:
    // it may bind them to the new model at once, or they wait again in the same place.
    const now = this.#clock.now();
    for (const p of this.#admission.toArray()) {
      if (p.profile && this.#exclusion(e, p.profile, p.tokens, p.tried, now) === undefined) {
        this.#unwait(p);
        this.#route(p);
      }
    }
  }

  /**
   * Stops routing to a model; requests waiting for it alone are routed again (or rejected with
   * `NO_CAPABLE_MODEL`). Resolves once its running and queued calls have settled.
   */
  async removeModel(id: string): Promise<void> {
    const e = this.#entries.get(id);
    if (!e || e.removed) {
      const problem = `no model '${id}' to remove (known: ${[...this.#entries.keys()].join(', ') || 'none'})`;
      throw new ZetaError('CONFIG_INVALID', `Cannot remove: ${problem}.`, { problems: [problem] });
    }
    e.removed = true;
    this.#reindex();
    for (const p of this.#admission.toArray()) {
      if (!p.accept?.has(id)) continue;
      p.accept.delete(id);
      if (p.firstChoice === e) {
        e.waitingFor--;
        p.firstChoice = undefined;
        for (const other of p.accept) {
          const oe = this.#entries.get(other);
          if (oe && !oe.removed) {
            p.firstChoice = oe;
            oe.waitingFor++;
            break;
          }
        }
      }
      if (p.accept.size === 0) {
        this.#unwait(p);
        this.#route(p);
      }
    }
    await e.lane.onIdle();
    this.#entries.delete(id);
    this.#tracker.removeModel(id);
    this.#checkIdle();
  }

  /** Resolves once no request is waiting or running (at once when idle). New requests are still accepted. */
  drain(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops accepting requests (`run()` rejects with `CLOSED`) and resolves once the accepted ones
   * have settled and their calls finished. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  /**
   * Emits to listeners without letting them disturb routing: a listener that throws cannot leave a
   * request unsettled or a counter wrong. Its error is rethrown on a later microtask (an uncaught
   * exception, as a bug in the listener should be).
   */
  #notify<E extends keyof RouterEvents>(event: E, payload: Parameters<RouterEvents[E]>[0]): void {
    try {
      (this.emit as (event: E, payload: unknown) => boolean)(event, payload);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  // ── the path of one request ──────────────────────────────────────────────

  #classify(p: Pending<Req, Res>, options: RunOptions): void {
    const task = options.task;
    if (task !== undefined) {
      this.#classified(p, typeof task === 'string' ? profileFromType(task) : task, options);
      return;
    }
    let out: TaskProfile | Promise<TaskProfile>;
    try {
      out = this.#classifier(p.req);
    } catch (error) {
      this.#fail(
        p,
        'CLASSIFIER_FAILED',
        `The classifier threw: ${String(error)}. Fix the classifier or pass options.task.`,
        {},
        error,
      );
      return;
    }
    if (out instanceof Promise) {
      out.then(
        (profile) => this.#classified(p, profile, options),
        (error: unknown) =>
          this.#fail(
            p,
            'CLASSIFIER_FAILED',
            `The classifier rejected: ${String(error)}. Fix the classifier or pass options.task.`,
            {},
            error,
          ),
      );
      return;
    }
    this.#classified(p, out, options);
  }

  #classified(p: Pending<Req, Res>, profile: unknown, options: RunOptions): void {
    if (p.settled) return;
    const problems = taskProblems(
      profile,
      options.task === undefined ? 'classifier result' : 'options.task',
    );
    if (problems.length > 0) {
      const code = options.task === undefined ? 'CLASSIFIER_FAILED' : 'CONFIG_INVALID';
      this.#fail(p, code, `Invalid task profile: ${problems.join('; ')}.`, { problems });
      return;
    }
    const t = profile as TaskProfile;
    p.profile = t;
    p.tokens = t.tokens ?? 0;
    (p as { priority: number }).priority = options.priority ?? t.priority ?? 0;
    this.#tracker.recordArrival(t.type, p.arrival);
    this.#route(p);
  }

  /** Ranks and binds (or parks) a request; also used for retries and re-routing. */
  #route(p: Pending<Req, Res>): void {
    if (p.settled) return;
    const profile = p.profile!;
    let d: Decision;
    try {
      d = this.#decide(p.id, profile, p.tokens, p.tried, this.#random, true);
    } catch (error) {
      // A throwing strategy must not leave the request unsettled.
      const message = error instanceof ZetaError ? error.message : String(error);
      this.#fail(
        p,
        'STRATEGY_FAILED',
        message,
        {},
        error instanceof ZetaError ? error.cause : error,
      );
      return;
    }
    p.decision = d;
    if (this.listenerCount('decision') > 0) {
      this.#notify('decision', { requestId: p.id, attempt: p.attempt + 1, decision: d });
      if (p.settled) return; // a listener aborted it
    }
    if (d.binding === 'start' || d.binding === 'queue') {
      const e = this.#entries.get(d.model!)!;
      if (d.spilled) this.#emitOverflow(p, d, d.model);
      this.#dispatch(p, e);
      return;
    }
    if (d.binding === 'none') {
      if (p.attempts.length > 0) {
        this.#failModel(p);
        return;
      }
      const why = d.excluded.map((x) => `${x.id}: ${x.reason}`).join('; ');
      this.#fail(
        p,
        'NO_CAPABLE_MODEL',
        `No model can serve task '${profile.type}' (complexity ${profile.complexity}${p.tokens ? `, ${p.tokens} tokens` : ''}): ${why || 'no models'}. Add a model listing '${profile.type}' in its tasks, or raise maxComplexity / maxTokens.`,
      );
      return;
    }
    // binding === 'wait': late binding through the admission queue, if there is waiting room.
    let room = 0;
    for (const r of d.ranking) {
      const e = this.#entries.get(r.id)!;
      room += e.model.maxQueue - e.lane.queued - e.waitingFor;
    }
    const maxWaiting = this.maxWaiting;
    if (room <= 0 || this.#admission.size >= maxWaiting) {
      if (p.attempts.length > 0) {
        this.#failModel(p);
        return;
      }
      const ids = d.ranking.map((r) => r.id).join(', ');
      const reason =
        this.#admission.size >= maxWaiting
          ? `the router already has ${this.#admission.size} requests waiting (maxWaiting ${maxWaiting})`
          : `the models its strategy ranked (${ids}) are full and their waiting room (maxQueue) is used up`;
      this.#fail(
        p,
        'CAPACITY_EXCEEDED',
        `No room for a '${profile.type}' request: ${reason}. Retry later, raise maxQueue / maxWaiting, or add capacity.`,
        {
          limits: { waiting: this.#admission.size, maxWaiting, room },
        },
      );
      return;
    }
    p.accept = new Set(d.ranking.map((r) => r.id));
    p.firstChoice = this.#entries.get(d.ranking[0]!.id)!;
    p.firstChoice.waitingFor++;
    this.#admission.push(p);
    const now = this.#clock.now();
    for (const r of d.ranking) {
      const e = this.#entries.get(r.id)!;
      const allowedAt = e.lane.rateAllowsAt(now);
      if (allowedAt > now) this.#wakeAt(e, allowedAt);
    }
    this.#emitOverflow(p, d, undefined);
  }

  /** `overflow`: the request spilled (or has to wait) because its home models had no room. */
  #emitOverflow(p: Pending<Req, Res>, d: Decision, model: string | undefined): void {
    if (this.listenerCount('overflow') === 0) return;
    const homes = this.#homesByType.get(d.task.type) ?? [];
    const full = homes.filter((e) => !e.lane.canStart(p.tokens)).map((e) => e.model.id);
    if (model !== undefined && full.length < homes.length) return; // a home had room: a choice, not an overflow
    this.#notify('overflow', {
      requestId: p.id,
      task: d.task,
      home: full,
      model,
      waiting: this.#admission.size,
    });
  }

  /**
   * Builds the candidates, asks the strategy, and decides the binding (without binding).
   * `live` decisions sample large fleets; `explain()` looks at every model.
   */
  #decide(
    requestId: number,
    task: TaskProfile,
    tokens: number,
    tried: ReadonlySet<string> | undefined,
    random: RandomSource,
    live: boolean,
  ): Decision {
    const now = this.#clock.now();
    const type = task.type;
    const excluded: ExcludedModel[] = [];
    const candidates: CandidateState[] = [];
    const entries: Entry<Req, Res>[] = [];
    const serving = this.#byType.get(type) ?? [];
    let pool: readonly Entry<Req, Res>[] = serving;
    let notSampled = 0;
    if (live && serving.length > this.#sampleSize) {
      pool = this.#sample(serving, type, random);
      notSampled = serving.length - pool.length;
    } else if (!live || this.#entries.size <= LIST_EXCLUDED_UP_TO || serving.length === 0) {
      for (const x of this.#notServing(type)) excluded.push(x);
    }
    for (const e of pool) {
      const why = this.#exclusion(e, task, tokens, tried, now);
      if (why !== undefined) {
        excluded.push({ id: e.model.id, reason: why });
      } else {
        candidates.push(this.#candidate(e, type, tokens, now, live));
        entries.push(e);
      }
    }
    const strategy = this.#strategy.name;
    if (candidates.length === 0) {
      return {
        requestId,
        at: now,
        strategy,
        task,
        ranking: [],
        unranked: [],
        excluded,
        notSampled,
        model: undefined,
        binding: 'none',
        spilled: false,
      };
    }
    const ranking = this.#rank(task, candidates, now, random);
    const rankedEntries = ranking.map((r) => entries[candidates.findIndex((c) => c.id === r.id)]!);
    const unranked: string[] = [];
    if (ranking.length < candidates.length) {
      for (const c of candidates) if (!ranking.some((r) => r.id === c.id)) unranked.push(c.id);
    }
    // Bind early (start, or this model's own short queue) only when some ranked model is free: the
    // first ranked model with room then beats every free one below it. With none free, wait in the
    // admission queue and bind late to whichever ranked model frees first.
    let chosen: Entry<Req, Res> | undefined;
    let binding: Decision['binding'] = 'wait';
    if (rankedEntries.some((e) => e.lane.canStart(tokens))) {
      for (const e of rankedEntries) {
        if (e.lane.canStart(tokens)) binding = 'start';
        else if (e.waitingFor === 0 && e.lane.canQueue(tokens)) binding = 'queue';
        else continue;
        chosen = e;
        break;
      }
    }
    const spilled = chosen !== undefined && this.#isSpill(chosen, type);
    return {
      requestId,
      at: now,
      strategy,
      task,
      ranking,
      unranked,
      excluded,
      notSampled,
      model: chosen?.model.id,
      binding,
      spilled,
    };
  }

  /** Whether serving `type` on `e` is a spill: `e` is not a home model of it, and some model is. */
  #isSpill(e: Entry<Req, Res>, type: TaskType): boolean {
    return !e.model.home.has(type) && this.#homesByType.has(type);
  }

  /** Per task type, the models that do not serve it, as `excluded` entries (rebuilt on add/remove). */
  #notServingByType = new Map<TaskType, readonly ExcludedModel[]>();

  #notServing(type: TaskType): readonly ExcludedModel[] {
    let list = this.#notServingByType.get(type);
    if (list === undefined) {
      const reason = `does not serve '${type}'`;
      list = [...this.#entries.values()]
        .filter((e) => !e.removed && !e.model.tasks.has(type))
        .map((e) => Object.freeze({ id: e.model.id, reason }));
      // Bounded: unknown task types from callers must not grow it without limit.
      if (this.#notServingByType.size < 1000) this.#notServingByType.set(type, list);
    }
    return list;
  }

  #rank(
    task: TaskProfile,
    candidates: CandidateState[],
    now: number,
    random: RandomSource,
  ): readonly ScoredCandidate[] {
    let ranking: readonly ScoredCandidate[];
    try {
      ranking = this.#strategy.rank({ task, candidates, now, random });
    } catch (error) {
      throw new ZetaError(
        'STRATEGY_FAILED',
        `Strategy '${this.#strategy.name}' threw: ${String(error)}. Fix the strategy's rank().`,
        {},
        { cause: error },
      );
    }
    if (!Array.isArray(ranking)) ranking = [];
    // Keep only known, distinct ids: a buggy strategy must not bind to a model that cannot serve.
    let valid = ranking.length > 0 && ranking.length <= candidates.length;
    for (let i = 0; valid && i < ranking.length; i++) {
      const id = ranking[i]?.id;
      valid = candidates.some((c) => c.id === id);
      for (let j = 0; valid && j < i; j++) valid = ranking[j]!.id !== id;
    }
    if (!valid) {
      const seen = new Set<string>();
      ranking = ranking.filter(
        (r) => r && candidates.some((c) => c.id === r.id) && !seen.has(r.id) && seen.add(r.id),
      );
    }
    if (ranking.length === 0) {
      throw new ZetaError(
        'STRATEGY_FAILED',
        `Strategy '${this.#strategy.name}' ranked none of the ${candidates.length} candidates (${candidates.map((c) => c.id).join(', ')}): a strategy must return at least one of them.`,
      );
    }
    return ranking;
  }

  /**
   * The power of d choices: `sampleSize` models drawn at random from those serving the type, plus up
   * to `sampleSize` of its home models (all of them when there are that few).
   */
  #sample(
    serving: readonly Entry<Req, Res>[],
    type: TaskType,
    random: RandomSource,
  ): Entry<Req, Res>[] {
    const picked = new Set<Entry<Req, Res>>();
    const d = this.#sampleSize;
    const draw = (from: readonly Entry<Req, Res>[], count: number): void => {
      const want = Math.min(from.length, picked.size + count);
      for (let tries = 0; picked.size < want && tries < count * 4; tries++) {
        picked.add(from[Math.floor(random() * from.length)]!);
      }
    };
    const homes = this.#homesByType.get(type) ?? [];
    if (homes.length <= d) for (const h of homes) picked.add(h);
    else draw(homes, d);
    draw(serving, d);
    return [...picked];
  }

  /** Why a model cannot take this request now, or undefined when it can. */
  #exclusion(
    e: Entry<Req, Res>,
    task: TaskProfile,
    tokens: number,
    tried: ReadonlySet<string> | undefined,
    now: number,
  ): string | undefined {
    const m = e.model;
    if (e.removed) return 'removed';
    if (!m.tasks.has(task.type)) return `does not serve '${task.type}'`;
    if (task.complexity > m.maxComplexity)
      return `complexity ${task.complexity} is above its maxComplexity ${m.maxComplexity}`;
    if (tokens > m.maxTokens)
      return `needs ${tokens} tokens, more than its whole budget of ${m.maxTokens}`;
    if (tried?.has(m.id)) return 'already failed this request';
    if (e.health && !e.health.canRoute(now))
      return `health is open (${e.health.snapshot().consecutiveFailures} failures in a row); next probe at ${Math.round(e.health.snapshot().retryAt)}ms`;
    return undefined;
  }

  #candidate(
    e: Entry<Req, Res>,
    type: TaskType,
    tokens: number,
    now: number,
    live: boolean,
  ): CandidateState {
    const m = e.model;
    const lane = e.lane;
    const stats = this.#tracker.modelStats(m.id, now);
    const latency = this.#tracker.latency(m.id, type, now);
    // The last mean seen stands in as the prior once the window has emptied, so a model that went
    // unused for a window is not mistaken for a cold one (and re-explored) every window.
    if (live && latency.count > 0 && Number.isFinite(latency.mean))
      e.lastMeanMs.set(type, latency.mean);
    const prior = m.latencyPriorMs;
    return {
      id: m.id,
      home: m.home.has(type),
      concurrency: m.concurrency,
      inFlight: lane.inFlight,
      queued: lane.queued,
      waiting: e.waitingFor,
      tokensInFlight: lane.tokensInFlight,
      maxTokens: m.maxTokens,
      free: lane.canStart(tokens),
      cost: m.cost,
      latency,
      priorLatencyMs: priorFor(prior, type) ?? e.lastMeanMs.get(type),
      inFlightMeanElapsedMs: lane.meanElapsedMs(now),
      inFlightMaxElapsedMs: lane.maxElapsedMs(now),
      inFlightOverrun: lane.overrun(now),
      errorRate: stats.errorRate,
      throughput: stats.throughput,
      health: e.health?.state ?? 'healthy',
    };
  }

  #dispatch(p: Pending<Req, Res>, e: Entry<Req, Res>): void {
    const attempt = ++p.attempt;
    const call = new LazyAbort();
    p.call = call;
    const ticket = e.lane.bind(
      p.tokens,
      () => this.#invoke(p, e, call, attempt),
      p.priority,
      this.#expectedMs(e, p.profile!.type),
    );
    p.ticket = ticket;
    // `done` settles after the lane has released the slot, so a caller that awaits run() and then
    // routes again sees the model free. It resolves undefined for a ticket cancelled while queued.
    ticket.done.then(
      (outcome) => {
        if (outcome === REROUTE) {
          p.attempt--;
          p.call = undefined;
          this.#route(p);
        } else if (outcome !== undefined) {
          this.#afterCall(p, e, outcome, attempt);
        }
      },
      (error: unknown) =>
        this.#fail(
          p,
          'MODEL_FAILED',
          `The call to ${e.model.id} failed in the router's own bookkeeping: ${String(error)}`,
          {},
          error,
        ),
    );
  }

  /** The usual duration of a `type` call on `e`, in ms (NaN when nothing is known yet). */
  #expectedMs(e: Entry<Req, Res>, type: TaskType): number {
    const latency = this.#tracker.latency(e.model.id, type, this.#clock.now());
    if (latency.count > 0) return latency.mean;
    return priorFor(e.model.latencyPriorMs, type) ?? e.lastMeanMs.get(type) ?? Number.NaN;
  }

  /** Runs one call in the lane's slot and records it; the slot is held until this settles. */
  async #invoke(
    p: Pending<Req, Res>,
    e: Entry<Req, Res>,
    call: LazyAbort,
    attempt: number,
  ): Promise<CallOutcome<Res> | undefined> {
    p.ticket = undefined;
    if (p.settled) return undefined;
    const type = p.profile!.type;
    const start = this.#clock.now();
    // Bound while the model was healthy, started after it opened: do not call it (unless this is
    // the probe its cool-off now allows); route again instead.
    if (e.health && !e.health.canRoute(start)) return REROUTE;
    p.queuedMs += start - p.waitStart;
    e.health?.onStart();
    this.#tracker.recordStart(e.model.id, type, start);
    if (this.listenerCount('dispatch') > 0) {
      this.#notify('dispatch', {
        requestId: p.id,
        model: e.model.id,
        task: p.profile!,
        attempt,
        queuedMs: p.queuedMs,
        spilled: p.decision!.spilled,
        decision: p.decision!,
      });
    }
    const ctx: CallContext = {
      get signal() {
        return call.signal;
      },
      model: e.model.id,
      task: p.profile!,
      attempt,
      requestId: p.id,
    };
    try {
      const result = await e.model.call(p.req, ctx);
      const end = this.#clock.now();
      this.#record(e, type, call, true, end - start, end);
      return { ok: true, result, latencyMs: end - start, end };
    } catch (error) {
      const end = this.#clock.now();
      this.#record(e, type, call, false, end - start, end);
      return { ok: false, error, latencyMs: end - start, end };
    }
  }

  /** Feeds a finished call to the tracker and the health monitor. */
  #record(
    e: Entry<Req, Res>,
    type: TaskType,
    call: LazyAbort,
    ok: boolean,
    latencyMs: number,
    end: number,
  ): void {
    if (call.aborted && !this.#timedOut(call)) {
      // The caller gave up: a cut-short or late outcome says nothing about the model. A timed-out
      // call does (it was too slow), so it counts.
      if (this.#tracker.recordAbandon) this.#tracker.recordAbandon(e.model.id, type, end);
      else this.#tracker.recordFinish(e.model.id, type, Number.NaN, true, end);
      e.health?.onAbandon();
      return;
    }
    this.#tracker.recordFinish(e.model.id, type, latencyMs, ok, end);
    e.health?.onFinish(ok, latencyMs, end, type);
  }

  #timedOut(call: LazyAbort): boolean {
    return call.reason instanceof ZetaError && call.reason.code === 'TIMEOUT';
  }

  /** Settles the request after its call returned and the slot was released, or retries it. */
  #afterCall(
    p: Pending<Req, Res>,
    e: Entry<Req, Res>,
    outcome: Exclude<CallOutcome<Res>, typeof REROUTE>,
    attempt: number,
  ): void {
    if (p.settled) return;
    const task = p.profile!;
    if (outcome.ok) {
      this.#settle(p);
      const figures = {
        model: e.model.id,
        task,
        attempts: attempt,
        queuedMs: p.queuedMs,
        latencyMs: outcome.latencyMs,
        totalMs: outcome.end - p.arrival,
      };
      if (this.listenerCount('complete') > 0)
        this.#notify('complete', { requestId: p.id, ...figures });
      p.resolve(
        p.wantInfo
          ? { id: p.id, result: outcome.result, ...figures, decision: p.decision! }
          : outcome.result,
      );
      this.#checkIdle();
      return;
    }
    const { error, latencyMs } = outcome;
    p.attempts.push({ model: e.model.id, error, latencyMs });
    p.tried ??= new Set();
    p.tried.add(e.model.id);
    const now = this.#clock.now();
    const willRetry =
      p.attempts.length < this.#maxAttempts &&
      (this.#byType.get(task.type) ?? []).some(
        (other) => this.#exclusion(other, task, p.tokens, p.tried, now) === undefined,
      );
    if (this.listenerCount('fail') > 0) {
      this.#notify('fail', {
        requestId: p.id,
        model: e.model.id,
        task,
        attempt,
        error,
        latencyMs,
        willRetry,
      });
    }
    if (!willRetry) {
      this.#failModel(p);
      return;
    }
    p.call = undefined;
    p.waitStart = this.#clock.now();
    this.#route(p);
  }

  #failModel(p: Pending<Req, Res>): void {
    const last = p.attempts[p.attempts.length - 1];
    const list = p.attempts
      .map((a) => `${a.model}: ${a.error instanceof Error ? a.error.message : String(a.error)}`)
      .join('; ');
    this.#fail(
      p,
      'MODEL_FAILED',
      `All ${p.attempts.length} attempt(s) failed (${list}).`,
      { attempts: [...p.attempts] },
      last?.error,
    );
  }

  /** A lane has freed room: bind the first waiting requests (priority order) that can use it. */
  #pump(e: Entry<Req, Res>): void {
    if (this.#admission.size > 0 && !e.removed) {
      const id = e.model.id;
      while (this.#admission.size > 0) {
        if (e.health && !e.health.canRoute(this.#clock.now())) {
          this.#wakeAfterCooldown(e);
          break;
        }
        const p = this.#admission.find((w) => w.accept!.has(id) && e.lane.canStart(w.tokens));
        if (!p) {
          const now = this.#clock.now();
          const allowedAt = e.lane.rateAllowsAt(now);
          if (allowedAt > now) this.#wakeAt(e, allowedAt);
          break;
        }
        this.#unwait(p);
        const d = p.decision!;
        p.decision = { ...d, model: id, spilled: this.#isSpill(e, d.task.type) };
        this.#dispatch(p, e);
      }
    }
    this.#checkIdle();
  }

  /**
   * A model opened: requests waiting only for models that cannot take work now are routed again
   * (to another capable model, or rejected with NO_CAPABLE_MODEL like a new request), and the
   * others get a wake-up when its cool-off ends. Deferred a microtask: it runs from inside a call's
   * bookkeeping.
   */
  #onOpened(e: Entry<Req, Res>): void {
    queueMicrotask(() => {
      const now = this.#clock.now();
      for (const p of this.#admission.toArray()) {
        if (!p.accept?.has(e.model.id)) continue;
        let routable = false;
        for (const id of p.accept) {
          const other = this.#entries.get(id);
          if (other && !other.removed && (!other.health || other.health.canRoute(now))) {
            routable = true;
            break;
          }
        }
        if (!routable) {
          this.#unwait(p);
          this.#route(p);
        }
      }
      this.#wakeAfterCooldown(e);
    });
  }

  /** Pumps `e` again when its cool-off ends, if requests still wait for it. */
  #wakeAfterCooldown(e: Entry<Req, Res>): void {
    const retryAt = e.health?.snapshot().retryAt ?? Number.NaN;
    if (Number.isFinite(retryAt)) this.#wakeAt(e, retryAt);
  }

  /**
   * Pumps `e` again at `at` (its cool-off end, or when its rate limit next allows a start), if
   * requests still wait for it. One timer per model: an earlier time replaces a later one.
   */
  #wakeAt(e: Entry<Req, Res>, at: number): void {
    if (e.wakeTimer !== undefined && e.wakeAt <= at) return;
    const id = e.model.id;
    if (this.#admission.find((p) => p.accept!.has(id)) === undefined) return;
    if (e.wakeTimer !== undefined) this.#clock.clearTimeout(e.wakeTimer);
    e.wakeAt = at;
    e.wakeTimer = this.#clock.setTimeout(
      () => {
        e.wakeTimer = undefined;
        this.#pump(e);
      },
      Math.max(0, at - this.#clock.now()),
    );
  }

  #unwait(p: Pending<Req, Res>): void {
    if (!p.accept) return;
    this.#admission.remove(p);
    if (p.firstChoice) p.firstChoice.waitingFor--;
    p.accept = undefined;
    p.firstChoice = undefined;
  }

  /** Timeout or abort: settle now; a running call is aborted and keeps its slot until it returns. */
  #giveUp(
    p: Pending<Req, Res>,
    code: ZetaErrorCode,
    message: string,
    limits: Record<string, number>,
    cause?: unknown,
  ): void {
    if (p.settled) return;
    const error = new ZetaError(
      code,
      message,
      { requestId: p.id, ...(p.profile ? { task: p.profile.type } : {}), limits },
      { cause },
    );
    if (p.ticket?.cancel()) p.ticket = undefined;
    p.call?.abort(error);
    this.#reject(p, error);
  }

  #fail(
    p: Pending<Req, Res>,
    code: ZetaErrorCode,
    message: string,
    details: {
      problems?: string[];
      attempts?: FailedAttempt[];
      limits?: Record<string, number>;
    } = {},
    cause?: unknown,
  ): void {
    if (p.settled) return;
    const error = new ZetaError(
      code,
      message,
      { requestId: p.id, ...(p.profile ? { task: p.profile.type } : {}), ...details },
      cause === undefined ? undefined : { cause },
    );
    this.#reject(p, error);
  }

  #reject(p: Pending<Req, Res>, error: ZetaError): void {
    this.#settle(p);
    if (this.listenerCount('reject') > 0) {
      this.#notify('reject', { requestId: p.id, task: p.profile, error });
    }
    p.reject(error);
    this.#checkIdle();
  }

  #settle(p: Pending<Req, Res>): void {
    p.settled = true;
    this.#unwait(p);
    if (p.timer !== undefined) this.#clock.clearTimeout(p.timer);
    p.timer = undefined;
    p.cleanupSignal?.();
    this.#pendingCount--;
  }

  #rejected(
    id: number,
    task: TaskProfile | undefined,
    code: ZetaErrorCode,
    message: string,
    details: { problems?: string[] } = {},
    cause?: unknown,
  ): ZetaError {
    const error = new ZetaError(
      code,
      message,
      { requestId: id, ...details },
      cause === undefined ? undefined : { cause },
    );
    if (this.listenerCount('reject') > 0) this.#notify('reject', { requestId: id, task, error });
    return error;
  }

  // ── models and lifecycle ─────────────────────────────────────────────────

  #add(cfg: ModelConfig<Req, Res>): Entry<Req, Res> {
    const model = normalizeModel(cfg);
    const health =
      this.#health === false
        ? undefined
        : new HealthMonitor(model.id, this.#health, (change: HealthChange) => {
            if (this.listenerCount('health') > 0) this.#notify('health', change);
            if (change.to === 'open') this.#onOpened(entry);
          });
    const entry: Entry<Req, Res> = {
      model,
      health,
      removed: false,
      waitingFor: 0,
      lastMeanMs: new Map(),
      wakeTimer: undefined,
      wakeAt: Number.POSITIVE_INFINITY,
      lane: new Lane(
        {
          concurrency: model.concurrency,
          maxTokens: model.maxTokens,
          maxQueue: model.maxQueue,
          ...(model.rateLimit ? { rateLimit: model.rateLimit } : {}),
        },
        () => this.#clock.now(),
        () => this.#pump(entry),
      ),
    };
    this.#entries.set(model.id, entry);
    return entry;
  }

  #reindex(): void {
    const byType = new Map<TaskType, Entry<Req, Res>[]>();
    const homes = new Map<TaskType, Entry<Req, Res>[]>();
    let maxQueueSum = 0;
    for (const e of this.#entries.values()) {
      if (e.removed) continue;
      maxQueueSum += e.model.maxQueue;
      for (const t of e.model.tasks) {
        const list = byType.get(t);
        if (list) list.push(e);
        else byType.set(t, [e]);
      }
    }
    for (const [type, list] of byType) {
      const h = list.filter((e) => e.model.home.has(type));
      if (h.length > 0) homes.set(type, h);
    }
    this.#byType = byType;
    this.#homesByType = homes;
    this.#notServingByType = new Map();
    this.#maxQueueSum = maxQueueSum;
  }

  #isIdle(): boolean {
    if (this.#pendingCount > 0) return false;
    for (const e of this.#entries.values()) if (!e.lane.idle) return false;
    return true;
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

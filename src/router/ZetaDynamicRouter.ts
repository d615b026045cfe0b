import { EventEmitter } from 'eventemitter3';
import type { Classifier } from '../classify/Classifier.js';
import { defaultClassifier } from '../classify/learnedClassifier.js';
import { describeError } from '../errors/describeError.js';
import { ZetaError } from '../errors/ZetaError.js';
import { InMemoryLoadTracker } from '../load/InMemoryLoadTracker.js';
import { adaptiveStrategy } from '../strategy/adaptive.js';
import { leastLoadedStrategy } from '../strategy/leastLoaded.js';
import type { Strategy } from '../strategy/Strategy.js';
import { staticStrategy } from '../strategy/static.js';
import type { Clock, RandomSource, TaskProfile } from '../types.js';
import { configInvalid, describeValue, throwIfProblems } from '../utils/options.js';
import type { Decision, RouterEvents } from './events.js';
import { readExperiments } from './internal/experimentOptions.js';
import { readModelConfig, readRouterOptions } from './internal/readOptions.js';
import { SafeTracker } from './internal/SafeTracker.js';
import { modelProblems, routerProblems } from './internal/validate.js';
import type {
  AnyModelConfig,
  ModelConfig,
  ModelRequest,
  ModelStreamChunk,
  ResultFor,
  RunOptions,
  StrategyName,
  StreamOptions,
  ZetaRouterOptions,
} from './options.js';
import type { RouterSnapshot, RouterStream, RunInfo } from './results.js';
import { Admission } from './stages/admit.js';
import { Attempts } from './stages/attempt.js';
import type { Stages } from './stages/context.js';
import { Decider } from './stages/decide.js';
import { Experiments } from './stages/experiments.js';
import { Fleet } from './stages/fleet.js';
import { Intake } from './stages/intake.js';
import { type ExplainOptions, Introspection } from './stages/introspect.js';
import { isFull, watchCapacity } from './stages/lease.js';
import { Observer } from './stages/observe.js';
import { Prober } from './stages/probe.js';
import { reportQuality } from './stages/quality.js';
import { Settlement } from './stages/settle.js';
import {
  exportState,
  type ImportStateOptions,
  type ImportStateResult,
  importState,
  type RouterState,
} from './stages/state.js';
import { routerStream } from './stages/stream.js';

export type {
  ExperimentArmSnapshot,
  ModelStateSnapshot,
  RouterSnapshot,
  RouterStream,
  RunInfo,
  StreamInfo,
  TaskArrivalSnapshot,
  TaskLatencySnapshot,
} from './results.js';
export type { ExplainOptions } from './stages/introspect.js';

/** Default of `abortGraceMs`: how long a call that ignores its abort keeps its slot. */
export const DEFAULT_ABORT_GRACE_MS = 30_000;

/** A model id for a message: quoted like the other messages, whatever the value. */
const describeModelId = (id: unknown): string =>
  typeof id === 'string' ? `'${id.length > 80 ? `${id.slice(0, 77)}...` : id}'` : describeValue(id);

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

/**
 * The clock's methods, read once and called on it; a reading that is not a finite number counts
 * as the last good one, so a broken clock cannot poison the figures.
 */
function safeClock(clock: Clock): { clock: Clock; now: () => number } {
  let now: Clock['now'];
  let set: Clock['setTimeout'];
  let clear: Clock['clearTimeout'];
  let last: unknown;
  try {
    ({ now, setTimeout: set, clearTimeout: clear } = clock);
    last = now.call(clock);
  } catch (error) {
    throw configInvalid('router options', [`\`clock\` cannot be used: ${describeError(error)}`]);
  }
  if (typeof last !== 'number' || !Number.isFinite(last)) {
    throw configInvalid('router options', [
      `\`clock.now()\` must return a finite number of milliseconds, got ${describeError(last)}`,
    ]);
  }
  let good: number = last;
  const safeNow = (): number => {
    let t: unknown;
    try {
      t = now.call(clock);
    } catch {
      return good;
    }
    if (typeof t === 'number' && Number.isFinite(t)) good = t;
    return good;
  };
  return {
    now: safeNow,
    // A clock whose timer methods throw is reported (on a later microtask) and treated as giving
    // no timer: the router's own state stays consistent.
    clock: {
      now: safeNow,
      setTimeout: (fn, ms) => {
        try {
          return set.call(clock, fn, ms);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
          return undefined;
        }
      },
      clearTimeout: (handle) => {
        try {
          clear.call(clock, handle);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      },
    },
  };
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
export class ZetaDynamicRouter<
  Req = unknown,
  Res = unknown,
  M extends AnyModelConfig = ModelConfig<Req, Res>,
> extends EventEmitter<RouterEvents> {
  // The stages are typed loosely: what a request and a result are is the models' business, and
  // the public methods below carry the precise types.
  readonly #s: Stages<unknown, unknown>;
  readonly #intake: Intake<unknown, unknown>;
  readonly #introspection: Introspection<unknown, unknown>;
  readonly #maxWaitingOption: number | undefined;
  readonly #unwatch: (() => void) | undefined;
  #closeEmitted = false;

  /**
   * @throws {ZetaError} `CONFIG_INVALID` listing every problem with the options.
   */
  constructor(options: ZetaRouterOptions<Req, Res, M>) {
    super();
    // Read once: what is validated is what is used, whatever getters or proxies the options hold.
    const read = readRouterOptions(options);
    const problems = [...read.problems];
    try {
      problems.push(...routerProblems(read.value));
    } catch (error) {
      problems.push(`the options could not be checked: ${describeError(error)}`);
    }
    const experiments = readExperiments(
      typeof read.value === 'object' && read.value !== null
        ? (read.value as { experiments?: unknown }).experiments
        : undefined,
    );
    problems.push(...experiments.problems);
    throwIfProblems('router options', problems);
    const o = read.value as ZetaRouterOptions<unknown, unknown>;
    const classifier: Classifier<unknown> = o.classifier ?? defaultClassifier;
    const s = o.strategy ?? 'adaptive';
    const resolve = (x: StrategyName | Strategy): Strategy =>
      typeof x === 'string' ? builtInStrategies[x] : x;
    const strategy = resolve(s);
    const { clock, now } = safeClock(o.clock ?? systemClock);
    const random: RandomSource = o.random ?? Math.random;
    this.#maxWaitingOption = o.maxWaiting;
    const stages = { clock, now, random, capacity: o.capacity } as {
      -readonly [K in keyof Stages<unknown, unknown>]: Stages<unknown, unknown>[K];
    };
    // A tracker of the app's own is guarded: if it throws, routing goes on (see SafeTracker).
    const tracker =
      o.tracker === undefined ? new InMemoryLoadTracker() : new SafeTracker(o.tracker);
    const observer = new Observer<unknown, unknown>(tracker, this);
    stages.observer = observer;
    stages.fleet = new Fleet<unknown, unknown>(o.health ?? {}, {
      now,
      onFree: (e) => {
        stages.admission.pump(e);
        stages.settlement.checkIdle();
      },
      onHealth: (e, change) => {
        if (observer.listening('health')) observer.notify('health', change);
        // Deferred a microtask: a health change happens inside a call's bookkeeping.
        if (change.to === 'open') queueMicrotask(() => stages.admission.onOpened(e));
      },
    });
    stages.decider = new Decider(stages.fleet, observer.tracker, strategy, o.sampleSize ?? 4);
    stages.admission = new Admission(stages, () => this.maxWaiting);
    stages.attempts = new Attempts(
      stages,
      o.maxAttempts ?? 2,
      o.abortGraceMs ?? DEFAULT_ABORT_GRACE_MS,
    );
    stages.settlement = new Settlement(stages);
    stages.prober = new Prober(stages);
    stages.experiments =
      experiments.value.length === 0
        ? undefined
        : new Experiments(experiments.value, strategy, resolve);
    this.#s = stages;
    this.#intake = new Intake(stages, classifier, o.timeoutMs);
    this.#introspection = new Introspection(stages, classifier);
    for (const e of stages.fleet.addAll(o.models as readonly ModelConfig<unknown, unknown>[]))
      stages.prober.start(e);
    this.#unwatch = o.capacity === undefined ? undefined : watchCapacity(o.capacity, stages);
  }

  /** The strategy in use. */
  get strategy(): Strategy {
    return this.#s.decider.strategy;
  }

  /** Requests waiting in the admission queue now. */
  get waiting(): number {
    return this.#s.admission.size;
  }

  /** The router-wide bound on waiting requests. */
  get maxWaiting(): number {
    return this.#maxWaitingOption ?? this.#s.fleet.maxQueueSum;
  }

  /**
   * Routes `req` to a model and resolves with its result.
   *
   * @throws {ZetaError} (as a rejection) `CONFIG_INVALID`, `CLASSIFIER_FAILED`, `STRATEGY_FAILED`,
   * `NO_CAPABLE_MODEL`, `CAPACITY_EXCEEDED`, `TIMEOUT`, `ABORTED`, `REQUEST_REJECTED`,
   * `MODEL_FAILED` or `CLOSED`.
   */
  run<Q extends ModelRequest<M>>(req: Q, options?: RunOptions): Promise<ResultFor<M, Q>> {
    return this.#intake.start(req, options, false) as Promise<ResultFor<M, Q>>;
  }

  /**
   * Like {@link ZetaDynamicRouter.run}, resolving with the result plus which model served it, the
   * attempts, the waiting and call times, and the decision record.
   */
  runWithInfo<Q extends ModelRequest<M>>(
    req: Q,
    options?: RunOptions,
  ): Promise<RunInfo<ResultFor<M, Q>>> {
    return this.#intake.start(req, options, true) as Promise<RunInfo<ResultFor<M, Q>>>;
  }

  /**
   * Routes `req` to a model that can stream (one whose config has `stream`) and gives its chunks as
   * they come. Routing starts at once, like `run()`; errors (`NO_CAPABLE_MODEL`,
   * `CAPACITY_EXCEEDED`, `TIMEOUT`, …) reject the first `next()`. Until the first chunk the request
   * may fail over to another model; after it, the stream stays with its model, and a failure ends
   * the iteration with `MODEL_FAILED`. `timeoutMs` covers the wait for the first chunk; `signal`
   * covers the whole stream. The model's slot is held until the stream ends: iterate it to the end
   * or stop it (`break`, `return()`, the signal), which aborts the model's call and frees the slot
   * at once. A `firstToken` event gives the time to the first chunk; `complete` comes when the
   * stream ends (`reject` when it broke after it started). Once it came, the stream's
   * `info` says which model serves it, after how many calls and how long a wait. With
   * `callIfNoStream`, a request no model able to stream can take is served by a call, whose whole
   * result is then the only item (`info.whole`).
   *
   * @example
   * for await (const chunk of router.stream(req, { signal })) process.stdout.write(text(chunk));
   */
  stream<Q extends ModelRequest<M>>(
    req: Q,
    options: StreamOptions & { readonly callIfNoStream: true },
  ): RouterStream<ModelStreamChunk<M> | ResultFor<M, Q>>;
  stream<Q extends ModelRequest<M>>(
    req: Q,
    options?: RunOptions & { readonly callIfNoStream?: false },
  ): RouterStream<ModelStreamChunk<M>>;
  stream<Q extends ModelRequest<M>>(
    req: Q,
    options?: StreamOptions,
  ): RouterStream<ModelStreamChunk<M> | ResultFor<M, Q>>;
  stream(req: ModelRequest<M>, options?: StreamOptions): RouterStream<unknown> {
    return routerStream((opts) => this.#intake.start(req, opts, false, true), options);
  }

  /**
   * The ranking the strategy would give now, with every candidate's score and its components, and
   * why the other models are excluded. No side effects: nothing is routed or recorded, and the
   * router's random sequence is not advanced.
   *
   * @param reqOrTask - A request (classified with the router's classifier, which must then be
   * synchronous) or a task profile.
   * @param options - With `experiments`: the arm whose strategy to explain, forced
   * (`{ experiment: 'trial' }`) or by key (`{ experimentKey: userId }`); `control` by default.
   * @throws {ZetaError} `CLASSIFIER_FAILED` when the classifier is asynchronous, throws or returns
   * something that is not a task profile; `STRATEGY_FAILED` when the strategy throws or ranks
   * nothing; `CONFIG_INVALID` for a bad task profile or options.
   */
  explain(reqOrTask: ModelRequest<M> | TaskProfile, options?: ExplainOptions): Decision {
    return this.#introspection.explain(reqOrTask, options);
  }

  /** A fresh plain copy of every model's load, latency and health, for dashboards and tests. */
  snapshot(): RouterSnapshot {
    return this.#introspection.snapshot(this.#intake.closed, this.maxWaiting);
  }

  /**
   * Reports the quality (0 = useless, 1 = perfect) of an answer `model` gave, from your own
   * judgement: user feedback, an evaluator, a failed parse. Reports are averaged per model
   * (exponentially weighted); a model whose quality falls below `health.minQuality` becomes
   * `degraded`, which the adaptive strategy penalises, and healthy again once it recovers (no
   * health effect with `health: false`). The tracker also learns them, with time decay, per model
   * and, when the answered request's task profile is known, per (task type, complexity band): the
   * adaptive strategy's `qualityWeight` prices them.
   *
   * `about` says which answer it was: the request's task profile (e.g. `info.decision.task`), or
   * its id (the `id` of `runWithInfo()`). With `experiments`, the report also counts for an arm's
   * quality in `snapshot().experiments`: the arm of request `about` when it is an id among the last
   * 10,000 completed, else the arm of the last request `model` completed.
   *
   * @example
   * const info = await router.runWithInfo(req);
   * if (!isValidJson(info.result)) router.reportQuality(info.model, 0, info.decision.task);
   * @throws {ZetaError} `CONFIG_INVALID` for an unknown model, a quality outside [0, 1], or an
   * `about` that is neither a task profile nor a request id (an integer >= 1).
   */
  reportQuality(model: string, quality: number, about?: TaskProfile | number): void {
    reportQuality(
      this.#s,
      model,
      quality,
      about,
      (id) => `no model ${describeModelId(id)} (known: ${this.#knownIds()})`,
    );
  }

  /**
   * What the router has learned (per model, task type and complexity band: latency, failures,
   * quality, latency per output token; per task type: the token calibration), decayed to now, as
   * versioned JSON-ready data. Save it on shutdown and {@link ZetaDynamicRouter.importState} it at
   * start, so a restarted router does not learn from scratch. Calls in flight, latency windows and
   * health are not part of it.
   *
   * @example
   * await writeFile('router-state.json', JSON.stringify(router.exportState()));
   * @throws {ZetaError} `CONFIG_INVALID` when a custom tracker cannot export state.
   */
  exportState(): RouterState {
    return exportState(this.#s);
  }

  /**
   * Replaces what the router has learned with `state` (from {@link ZetaDynamicRouter.exportState},
   * as data or JSON text). The state is checked completely before anything is applied: bad or
   * foreign state changes nothing. State of models the router does not have is skipped and listed
   * in the result (or rejected with `unknownModels: 'error'`); the router's models missing from the
   * state start fresh. Each task type the state names gets its own entry (up to the tracker's
   * `maxTaskTypes`): to make room, an idle task type it does not name loses its live figures
   * (latency windows, counts in `snapshot()`).
   *
   * @example
   * const saved = await readFile('router-state.json', 'utf8').catch(() => undefined);
   * if (saved !== undefined) router.importState(saved);
   * @throws {ZetaError} `STATE_INVALID` for state that is not JSON, of another format or version,
   * of the wrong shape, with numbers that are not finite and >= 0 or sums no calls could have made
   * (the message says what and where); `CONFIG_INVALID` for bad options or a custom tracker that
   * cannot import state.
   */
  importState(state: RouterState | string, options?: ImportStateOptions): ImportStateResult {
    return importState(this.#s, state, options);
  }

  /**
   * Adds a model at run time. Waiting requests it can serve are ranked again by the strategy, so
   * they may bind to it at once.
   * @throws {ZetaError} `CONFIG_INVALID` for a bad config or a duplicate id.
   */
  addModel(config: M): void {
    const read = readModelConfig(config, 'model');
    const cfg = read.value as ModelConfig<unknown, unknown>;
    const id = typeof cfg === 'object' && cfg !== null ? cfg.id : undefined;
    const problems = [
      ...read.problems,
      ...modelProblems(cfg, `model${typeof id === 'string' ? ` '${id}'` : ''}`),
    ];
    const existing = typeof id === 'string' ? this.#s.fleet.get(id) : undefined;
    if (existing)
      problems.push(
        `model id '${id}' is already in use${existing.removed ? ' (its removal is still draining)' : ''}: choose another id`,
      );
    if (problems.length > 0)
      throw new ZetaError('CONFIG_INVALID', `Invalid model: ${problems.join('; ')}.`, { problems });
    const e = this.#s.fleet.add(cfg);
    if (this.#s.capacity !== undefined) e.sharedFull = isFull(this.#s.capacity, e.model.id);
    this.#s.prober.start(e);
    this.#s.admission.reconsiderFor(e);
  }

  /**
   * Stops routing to a model; requests waiting for it alone are routed again (or rejected with
   * `NO_CAPABLE_MODEL`). Resolves once its running and queued calls have settled (a call that
   * ignores its abort is released after `abortGraceMs`).
   * @throws {ZetaError} `CONFIG_INVALID` for an unknown model.
   */
  async removeModel(id: string): Promise<void> {
    const s = this.#s;
    const e = typeof id === 'string' ? s.fleet.get(id) : undefined;
    if (!e || e.removed) {
      const problem = `no model ${describeModelId(id)} to remove (known: ${this.#knownIds() || 'none'})`;
      throw new ZetaError('CONFIG_INVALID', `Cannot remove: ${problem}.`, { problems: [problem] });
    }
    s.fleet.retire(e);
    s.prober.stop(e);
    s.admission.onRemoved(e);
    await e.lane.onIdle();
    s.fleet.forget(e);
    s.observer.tracker.removeModel(id);
    s.experiments?.forgetModel(id);
    s.settlement.checkIdle();
  }

  /** Resolves once no request is waiting or running (at once when idle). New requests are still accepted. */
  drain(): Promise<void> {
    return this.#s.settlement.drain();
  }

  /**
   * Stops accepting requests (`run()` rejects with `CLOSED`) and resolves once the accepted ones
   * have settled and their calls finished. After it resolves, no timer of the router's is left.
   * Idempotent; the first time it finishes, a `close` event is emitted.
   */
  async close(): Promise<void> {
    this.#intake.close();
    await this.drain();
    this.#s.admission.stopTimers();
    this.#s.prober.stopAll();
    this.#unwatch?.();
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    this.#s.observer.notify('close', { at: this.#s.now() });
  }

  #knownIds(): string {
    const ids = this.#s.fleet.ids();
    return ids.length <= 5
      ? ids.join(', ')
      : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
  }
}

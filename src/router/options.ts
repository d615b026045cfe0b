import type { CapacityCoordinator } from '../capacity/CapacityCoordinator.js';
import type { Classifier } from '../classify/Classifier.js';
import type { HealthOptions } from '../health/HealthMonitor.js';
import type { LoadTracker } from '../load/LoadTracker.js';
import type { ModelProbe } from '../probe/ModelProbe.js';
import type { Strategy } from '../strategy/Strategy.js';
import type { Clock, RandomSource, TaskProfile, TaskType, TokenUsage } from '../types.js';

/** What a model call receives besides the request. */
export interface CallContext {
  /** Aborted when the caller aborts or the request times out: pass it to your client. */
  readonly signal: AbortSignal;
  /** The id of the model being called. */
  readonly model: string;
  /** The task profile the request was routed by. */
  readonly task: TaskProfile;
  /** 1 for the first call of this request, 2 for its first retry, and so on. */
  readonly attempt: number;
  /** The router's id of the request. */
  readonly requestId: number;
  /**
   * Tells the router the call's real token counts, e.g. from a stream's last chunk (the last report
   * wins over the model's `usage`). They reach the load tracker (`FinishDetails.usage`), the
   * `usage` and `complete` events, `RunInfo.usage` and the snapshot's totals. A value that is not a
   * usage (a count missing, NaN, negative) is ignored, as is a report after the call ended.
   */
  reportUsage(usage: TokenUsage): void;
}

/** One model the router may send requests to: your existing client function plus its limits. */
export interface ModelConfig<Req, Res> {
  /** A unique id, e.g. `'coder-7b'`. */
  readonly id: string;
  /**
   * Your client function. Pass `ctx.signal` on so timeouts and aborts cancel the call; until the
   * returned promise settles, the call keeps its slot.
   */
  readonly call: (req: Req, ctx: CallContext) => Promise<Res> | Res;
  /** The task types this model can serve, e.g. `['simple', 'code']`. Non-empty. */
  readonly tasks: readonly TaskType[];
  /**
   * The task types for which this model is the home (preferred) model: your old routing table.
   * Each must also be in `tasks`.
   * @default []
   */
  readonly home?: readonly TaskType[];
  /**
   * The highest task complexity (0..1) this model is trusted with.
   * @default 1
   */
  readonly maxComplexity?: number;
  /**
   * Calls this model runs at once (an integer >= 1).
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * Token budget: estimated tokens of all requests running or queued on this model at once. A
   * request larger than the whole budget is not capable here. Omit for no budget.
   * @default Infinity
   */
  readonly maxTokens?: number;
  /**
   * Waiting room this model takes on (an integer >= 0): at most this many requests wait bound to
   * its own queue, and it adds this many places to the admission queue for the tasks it serves.
   * A request whose capable models have no waiting room left fails with `CAPACITY_EXCEEDED` at once.
   * @default 4 * concurrency
   */
  readonly maxQueue?: number;
  /**
   * Rate limit: at most `requests` calls start in any `intervalMs` window (a sliding window on the
   * router's clock, so tests and the simulator drive it too), e.g. a provider's requests per
   * minute. Requests beyond it wait in the admission queue (or go to another model) and start as
   * soon as the window allows. Omit for none.
   * @example { requests: 60, intervalMs: 60_000 }
   */
  readonly rateLimit?: { readonly requests: number; readonly intervalMs: number };
  /**
   * Relative cost of one call (any unit, >= 0); weighed by strategies that care about cost.
   * @default 1
   */
  readonly cost?: number;
  /**
   * Expected latency in milliseconds before samples exist (cold start): one figure, or one per
   * task type.
   * @example { code: 800, simple: 300 }
   */
  readonly latencyPriorMs?: number | Readonly<Partial<Record<TaskType, number>>>;
  /**
   * A load probe of the model's server, polled on an interval: what the server reports of its own
   * load (queue, KV cache, memory) shows in `snapshot()` and `explain()`, and past its `spillAt`
   * thresholds the model counts as busy even when the router sent it little. See {@link ModelProbe}.
   */
  readonly probe?: ModelProbe;
  /**
   * Your client's streaming call, for `router.stream()`: it returns (or resolves to) an async
   * iterable of chunks. Pass `ctx.signal` on: it aborts when the stream's consumer stops, its signal
   * aborts or the request times out before its first chunk. Models without it do not serve streams.
   */
  readonly stream?: (
    req: Req,
    ctx: CallContext,
  ) => AsyncIterable<unknown> | PromiseLike<AsyncIterable<unknown>>;
  /**
   * Reads the real token counts from a successful `call`'s result, e.g. OpenAI's `usage`. The
   * router feeds them to its load tracker (the token estimate before the call, the real figure
   * after), the `usage` and `complete` events, `RunInfo.usage` and the snapshot's totals. Return
   * `undefined` when the result has none; a throw or a value that is not a usage is ignored. For
   * streams, call `ctx.reportUsage` instead.
   * @example (res) => res.usage && { promptTokens: res.usage.prompt_tokens, completionTokens: res.usage.completion_tokens }
   */
  usage?(result: Res): TokenUsage | undefined;
}

/**
 * Any model config, whatever its client's request and result types: the constraint of a fleet.
 * (A client taking any request type is assignable to one taking `never`.)
 */
export type AnyModelConfig = ModelConfig<never, unknown>;

/** The request type of a model config's client (a union over a union of configs). */
export type ModelRequest<M> = M extends ModelConfig<infer Req, unknown> ? Req : never;

/** The result type of a model config's client (a union over a union of configs). */
export type ModelResult<M> = M extends ModelConfig<never, infer Res> ? Res : never;

type Matching<M, Q> =
  M extends ModelConfig<infer Req, infer Res> ? ([Q] extends [Req] ? Res : never) : never;

/** The chunk type of a model config's `stream` (a union over a union of configs). */
export type ModelStreamChunk<M> = M extends {
  readonly stream?: (req: never, ctx: CallContext) => infer S;
}
  ? Awaited<S> extends AsyncIterable<infer C>
    ? C
    : never
  : never;

/**
 * What `run(req)` resolves with in a fleet of models `M`: the results of the models whose client
 * takes a request like `Q` (an embedding request gets the embedding client's result type), or
 * every model's result when none matches by type.
 */
export type ResultFor<M, Q> = [Matching<M, Q>] extends [never] ? ModelResult<M> : Matching<M, Q>;

/** The names of the built-in strategies. */
export type StrategyName = 'static' | 'least-loaded' | 'adaptive';

/**
 * One arm of a live A/B experiment: a deterministic share of the traffic ranked by another
 * strategy. Everything else (capacity, failover, late binding, health) is the same for every arm.
 *
 * @example { name: 'least-loaded-trial', strategy: 'least-loaded', share: 0.1 }
 */
export interface Experiment {
  /**
   * The arm's name, as `explain()`, events, `snapshot().experiments` and metrics show it. Non-empty,
   * unique, and not `'control'` (the name of the router's own strategy's arm).
   */
  readonly name: string;
  /** The strategy ranking this arm's requests: a built-in name or your own {@link Strategy}. */
  readonly strategy: StrategyName | Strategy;
  /**
   * The fraction of requests this arm gets, in (0, 1]. The shares of all arms sum to at most 1; the
   * rest of the traffic is the control arm (the router's own `strategy`).
   */
  readonly share: number;
}

/**
 * Options of {@link ZetaDynamicRouter}. `M` is the type of the model configs: inferred from
 * `models`, so a fleet of clients with different request and result types (a chat client and an
 * embedding client) type-checks without generics; with explicit `<Req, Res>`, every model takes
 * `Req` and gives `Res`.
 */
export interface ZetaRouterOptions<
  Req = unknown,
  Res = unknown,
  M extends AnyModelConfig = ModelConfig<Req, Res>,
> {
  /** The models to route between. Non-empty, ids unique. */
  readonly models: readonly M[];
  /**
   * Turns a request into a task profile. A per-call `task` skips it.
   * @default the learned classifier (`defaultClassifier`)
   */
  readonly classifier?: Classifier<ModelRequest<M>>;
  /**
   * The routing policy: a built-in name or your own {@link Strategy}.
   * @default 'adaptive'
   */
  readonly strategy?: StrategyName | Strategy;
  /**
   * Where load and latency are recorded and read.
   * @default a new `InMemoryLoadTracker`
   */
  readonly tracker?: LoadTracker;
  /**
   * Shares each model's capacity with other routers calling the same model servers (other
   * processes or machines): a call takes a lease from the coordinator when it gets its slot and
   * gives it back when it settles, so the routers together stay within each model's `concurrency`
   * and `maxTokens`. A model the coordinator reports full counts as busy (work spills to models with
   * room, or waits); a refused lease sends the request back to routing. Omit when this router is
   * the only one calling its models. See {@link CapacityCoordinator}; `RedisCapacityCoordinator`
   * from `zeta-router/redis` shares through Redis.
   * @default none (this router's own limits only)
   * @example new ZetaDynamicRouter({ models, capacity: new InMemoryCapacityCoordinator() })
   */
  readonly capacity?: CapacityCoordinator;
  /**
   * Router-wide bound on requests waiting in the admission queue (an integer >= 0).
   * @default the sum of every model's `maxQueue`
   */
  readonly maxWaiting?: number;
  /**
   * Calls made for one request at most: after a failed call the request is retried on the next
   * best model it has not tried yet (an integer >= 1; 1 disables retries).
   * @default 2
   */
  readonly maxAttempts?: number;
  /**
   * Default `timeoutMs` of every `run()`, covering waiting and running. Omit for none.
   */
  readonly timeoutMs?: number;
  /**
   * How long a call that ignores its abort keeps its slot after its request timed out or was
   * aborted, in milliseconds. Then the slot is released, the call counts as a failure of its model
   * and a `hung` event says so; whatever it returns later is dropped. So a client that never
   * settles cannot hold capacity, `drain()` or `removeModel()` for ever. At most 60000.
   * @default 30000
   */
  readonly abortGraceMs?: number;
  /**
   * In fleets where more than `sampleSize` models serve a task type, each decision ranks
   * `sampleSize × (1 + 3 × complexity)` models drawn at random among those that allow the
   * request's complexity and tokens (4 to 16 by default: a hard request runs long, so a better
   * pick is worth more to it), up to `sampleSize` of the type's home models (all of them when
   * there are that few, else drawn at random), and the best `sampleSize` of the last such decision
   * for the same task and complexity band, and as many as it draws of the fastest models measured
   * so far (learned speed across task types) that serve the type: power of d choices with memory,
   * so a decision over 1,000 models costs about what one over a few does, a good model found by
   * chance is kept, and a model found fast at one task is ranked for the others it serves.
   * Smaller fleets are always ranked whole. Raise it to trade decision cost for better choices
   * (in the simulator's heterogeneous-1000, 16 gave p99 1.43x the pooled reference against 1.45x,
   * at about three times the decision cost). An integer >= 2.
   * @default 4
   */
  readonly sampleSize?: number;
  /**
   * Health tracking per model, or `false` to never take a model out of rotation.
   * @default {}
   */
  readonly health?: HealthOptions | false;
  /**
   * The time source. Inject a virtual clock in tests and simulations.
   * @default the system clock (`performance.now()`, global timers)
   */
  readonly clock?: Clock;
  /**
   * The randomness used for tie-breaks and sampling. Seed it (`seededRandom(42)`) for reproducible routing.
   * @default Math.random
   */
  readonly random?: RandomSource;
  /**
   * Live A/B experiments: each arm routes a deterministic share of the requests through another
   * strategy; the rest is the `control` arm. A request's arm comes from its run option
   * `experimentKey` (the same key, the same arm) or, without one, from its request id. Per arm
   * figures are in `snapshot().experiments`. At most 100 arms.
   * @default []
   * @example [{ name: 'least-loaded', strategy: 'least-loaded', share: 0.1 }]
   */
  readonly experiments?: readonly Experiment[];
}

/** Per-call options of `run()` and `runWithInfo()`. */
export interface RunOptions {
  /** The task type or the full task profile; skips the classifier. */
  readonly task?: TaskType | TaskProfile;
  /** Aborts the request: a waiting request is removed at once, a running call sees `ctx.signal` abort. */
  readonly signal?: AbortSignal;
  /** Milliseconds from `run()` until it must settle, waiting and running included. */
  readonly timeoutMs?: number;
  /** Admission priority (higher first); overrides the task profile's. */
  readonly priority?: number;
  /**
   * With `experiments`: the key (a user or session id) that picks this request's arm, so the same
   * key always lands in the same arm while the experiments stay the same. Without it, requests are
   * split by their request id. Ignored without experiments.
   */
  readonly experimentKey?: string;
  /**
   * Puts this request in the named arm (`'control'` or an experiment's name) whatever its key, e.g.
   * in tests. An unknown arm is `CONFIG_INVALID`.
   */
  readonly experiment?: string;
}

/** Per-call options of `stream()`: those of `run()`, and what to do when no model can stream. */
export interface StreamOptions extends RunOptions {
  /**
   * When no model able to stream can take the request (none of its capable models has `stream` in
   * its config, or those that have are excluded: complexity, tokens, open, removed, already
   * failed), serve it with a model's `call` instead of rejecting it with `NO_CAPABLE_MODEL`: the
   * stream then gives the call's whole result as its only item, and `stream.info.whole` is true.
   * Decided each time the request is routed (a retry, a removed model).
   * It is one routed request either way, so events and metrics count it once (a failed `stream()`
   * followed by a `run()` counts a rejection and two arrivals). The AI SDK adapter's `doStream`
   * uses it to replay `doGenerate` for models that cannot stream.
   * @default false
   */
  readonly callIfNoStream?: boolean;
}

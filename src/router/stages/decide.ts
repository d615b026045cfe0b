import { describeError } from '../../errors/describeError.js';
import { ZetaError } from '../../errors/ZetaError.js';
import type { LoadTracker } from '../../load/LoadTracker.js';
import type { Strategy } from '../../strategy/Strategy.js';
import type {
  CandidateState,
  RandomSource,
  ScoredCandidate,
  TaskProfile,
  TaskType,
} from '../../types.js';
import type { Decision, ExcludedModel } from '../events.js';
import { listSome } from '../internal/listSome.js';
import type { NormalizedModel } from '../internal/validate.js';
import type { Arm } from './experiments.js';
import { FastestModels } from './fastest.js';
import { canQueueNew, canStartNew, type Fleet, type ModelEntry, triedOn } from './fleet.js';

/**
 * Live decisions list every model that does not serve the task type among `excluded` up to this
 * fleet size (and always when none serves it); `explain()` always lists them.
 */
const LIST_EXCLUDED_UP_TO = 32;

/**
 * Above this many models serving a task type, a fleet is large for the strategy (see
 * `RoutingInput.largeFleet`) even when a decision ranks all of them (`sampleSize` that high, or
 * `explain()`), so its pricing does not change with how many are ranked.
 */
const LARGE_FLEET = 32;

/**
 * A request of complexity `c` draws `sampleSize × (1 + SAMPLE_GROWTH × c)` models at random: a hard
 * request runs long, so a better pick is worth more to it than the few microseconds the larger
 * sample costs (in the simulator's heterogeneous-1000, p99 against the pooled reference 1.58x ->
 * 1.45x over seeds 1..5, as ranking 16 for every request gave, at no extra cost for easy ones).
 */
const SAMPLE_GROWTH = 3;

/** Complexity bands of the sampling memory: a request's band decides which models can serve it. */
const MEMORY_BANDS = 4;

/** A model's latency prior for a task type (own keys only: a type may be called `toString`). */
export function priorFor(
  prior: NormalizedModel<unknown, unknown>['latencyPriorMs'],
  type: TaskType,
): number | undefined {
  if (typeof prior === 'number') return prior;
  return prior !== undefined && Object.hasOwn(prior, type) ? prior[type] : undefined;
}

/** A decision plus the entries of its ranking, in order (for binding). */
export interface DecisionWithEntries<Req, Res> {
  readonly decision: Decision;
  readonly ranked: readonly ModelEntry<Req, Res>[];
}

/**
 * The decide stage: the candidates for a request (capability, complexity, tokens, health, models
 * already tried), a power-of-d sample in large fleets, the strategy's ranking, and the binding it
 * implies. It reads the fleet's state and changes nothing.
 */
export class Decider<Req, Res> {
  readonly #fleet: Fleet<Req, Res>;
  readonly #tracker: LoadTracker;
  readonly #strategy: Strategy;
  readonly #sampleSize: number;
  /** The fastest models measured, added to every large-fleet sample they can serve. */
  readonly #fastest = new FastestModels<Req, Res>();
  /**
   * Power of d choices with memory: per task type and complexity band, the best-ranked models of
   * the last sampled decision, ranked again with the next sample. So good models found by chance
   * are kept, and a large fleet converges on its best free ones instead of a random few. Kept per
   * experiment arm (key: its name; none without experiments), so arms do not steer each other.
   */
  readonly #memory = new Map<
    string | undefined,
    Map<TaskType, (readonly ModelEntry<Req, Res>[])[]>
  >();

  constructor(
    fleet: Fleet<Req, Res>,
    tracker: LoadTracker,
    strategy: Strategy,
    sampleSize: number,
  ) {
    this.#fleet = fleet;
    this.#tracker = tracker;
    this.#strategy = strategy;
    this.#sampleSize = sampleSize;
  }

  get strategy(): Strategy {
    return this.#strategy;
  }

  /**
   * Builds the candidates, asks the strategy, and decides the binding (without binding). `live`
   * decisions sample large fleets and remember latency means; `explain()` looks at every model.
   * With an experiment `arm`, its strategy ranks and the decision names the arm.
   *
   * @throws {ZetaError} `STRATEGY_FAILED` when the strategy throws or ranks none of the candidates.
   */
  decide(
    requestId: number,
    task: TaskProfile,
    tokens: number,
    tried: ReadonlySet<string> | undefined,
    random: RandomSource,
    live: boolean,
    now: number,
    streaming = false,
    arm?: Pick<Arm, 'name' | 'strategy'>,
  ): DecisionWithEntries<Req, Res> {
    const fleet = this.#fleet;
    const type = task.type;
    const excluded: ExcludedModel[] = [];
    const candidates: CandidateState[] = [];
    const entries: ModelEntry<Req, Res>[] = [];
    const serving = fleet.serving(type);
    let pool: readonly ModelEntry<Req, Res>[] = serving;
    let notSampled = 0;
    const sampled = live && serving.length > this.#sampleSize;
    if (sampled) {
      pool = this.#sample(serving, task, tokens, random, arm?.name);
      notSampled = serving.length - pool.length;
    } else if (!live || fleet.size <= LIST_EXCLUDED_UP_TO || serving.length === 0) {
      for (const x of fleet.notServing(type)) excluded.push(x);
    }
    for (const e of pool) {
      const why = exclusion(e, task, tokens, tried, now, streaming);
      if (why !== undefined) {
        excluded.push({ id: e.model.id, reason: why });
      } else {
        candidates.push(this.#candidate(e, task, tokens, now, live, streaming));
        entries.push(e);
      }
    }
    const by = arm === undefined ? this.#strategy : arm.strategy;
    const strategy = by.name;
    if (candidates.length === 0) {
      const decision: Decision = {
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
      return { decision: withArm(decision, arm), ranked: [] };
    }
    const index = candidateIndex(candidates);
    const large = serving.length > Math.min(this.#sampleSize, LARGE_FLEET);
    const retry = tried !== undefined && tried.size > 0;
    const ranking = this.#rank(
      by,
      arm,
      task,
      candidates,
      index,
      now,
      random,
      streaming,
      large,
      retry,
    );
    const ranked = ranking.map((r) => entries[index.get(r.id)!]!);
    if (sampled) {
      this.#remember(task, ranked, arm?.name);
      for (let i = 0; i < candidates.length; i++) {
        const l = candidates[i]!.learned;
        if (l !== undefined && l.speedWeight >= 1 && l.speed > 0)
          this.#fastest.note(entries[i]!, l.speed);
      }
    }
    const unranked: string[] = [];
    if (ranking.length < candidates.length) {
      const inRanking = new Set(ranking.map((r) => r.id));
      for (const c of candidates) if (!inRanking.has(c.id)) unranked.push(c.id);
    }
    // Bind early (start, or this model's own short queue) only when some ranked model is free: the
    // first ranked model with room then beats every free one below it. With none free, wait in the
    // admission queue and bind late to whichever ranked model frees first.
    let chosen: ModelEntry<Req, Res> | undefined;
    let binding: Decision['binding'] = 'wait';
    if (ranked.some((e) => canStartNew(e, tokens))) {
      for (const e of ranked) {
        if (canStartNew(e, tokens)) binding = 'start';
        else if (canQueueNew(e, tokens)) binding = 'queue';
        else continue;
        chosen = e;
        break;
      }
    }
    const decision: Decision = {
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
      spilled: chosen !== undefined && fleet.isSpill(chosen, type),
    };
    return { decision: withArm(decision, arm), ranked };
  }

  /** The usual duration of a `type` call on `e`, in ms (NaN when nothing is known yet). */
  expectedMs(e: ModelEntry<Req, Res>, type: TaskType, now: number): number {
    const latency = this.#tracker.latency(e.model.id, type, now);
    if (latency.count > 0) return latency.mean;
    return priorFor(e.model.latencyPriorMs, type) ?? e.lastMeanMs.get(type) ?? Number.NaN;
  }

  #rank(
    by: Strategy,
    arm: Pick<Arm, 'name'> | undefined,
    task: TaskProfile,
    candidates: CandidateState[],
    index: CandidateIndex,
    now: number,
    random: RandomSource,
    streaming: boolean,
    largeFleet: boolean,
    retry: boolean,
  ): readonly ScoredCandidate[] {
    let ranking: readonly ScoredCandidate[];
    const arrivals = this.#tracker.arrivals(task.type, now);
    try {
      ranking = by.rank({
        task,
        candidates,
        now,
        random,
        arrivals,
        ...(streaming ? { streaming } : {}),
        ...(largeFleet ? { largeFleet } : {}),
        ...(retry ? { retry } : {}),
      });
    } catch (error) {
      throw new ZetaError(
        'STRATEGY_FAILED',
        `Strategy ${label(by, arm)} threw: ${describeError(error)}. Fix the strategy's rank().`,
        {},
        { cause: error },
      );
    }
    // Keep only known, distinct ids: a buggy strategy must not bind to a model that cannot serve.
    const kept: ScoredCandidate[] = [];
    try {
      if (Array.isArray(ranking)) {
        const seen = new Set<string>();
        for (const r of ranking) {
          const id = (r as ScoredCandidate | undefined)?.id;
          if (typeof id === 'string' && index.has(id) && !seen.has(id)) {
            seen.add(id);
            kept.push(r);
          }
        }
      }
    } catch (error) {
      throw new ZetaError(
        'STRATEGY_FAILED',
        `Strategy ${label(by, arm)} returned an unreadable ranking: ${describeError(error)}.`,
        {},
        { cause: error },
      );
    }
    if (kept.length === 0) {
      throw new ZetaError(
        'STRATEGY_FAILED',
        `Strategy ${label(by, arm)} ranked none of the ${candidates.length} candidates (${listSome(candidates.map((c) => c.id))}): a strategy must return at least one of them.`,
      );
    }
    return kept.length === ranking.length ? ranking : kept;
  }

  /**
   * The power of d choices with memory: up to `sampleSize` home models of the type (all of them
   * when there are that few), the models remembered for the arm, type and complexity band, and
   * `sampleSize` models, more for a hard request (see {@link SAMPLE_GROWTH}), drawn at random among
   * those that can take the request's complexity and tokens (a bounded number of draws).
   */
  #sample(
    serving: readonly ModelEntry<Req, Res>[],
    task: TaskProfile,
    tokens: number,
    random: RandomSource,
    armName: string | undefined,
  ): ModelEntry<Req, Res>[] {
    // A few entries: an array with a linear membership test beats a Set here.
    const picked: ModelEntry<Req, Res>[] = [];
    const d = this.#sampleSize;
    const type = task.type;
    const homes = this.#fleet.homes(type);
    if (homes.length <= d) for (const h of homes) picked.push(h);
    else draw(picked, homes, d, random, undefined, 0);
    const remembered = this.#memory.get(armName)?.get(type)?.[bandOf(task.complexity)];
    if (remembered !== undefined)
      for (const e of remembered) if (!picked.includes(e)) picked.push(e);
    const draws = Math.round(d * (1 + SAMPLE_GROWTH * task.complexity));
    this.#fastest.addServing(picked, type, draws);
    draw(picked, serving, draws, random, task.complexity, tokens);
    return picked;
  }

  /** Remembers the best `sampleSize` of a sampled decision's ranking for its arm, type and band. */
  #remember(
    task: TaskProfile,
    ranked: readonly ModelEntry<Req, Res>[],
    armName: string | undefined,
  ): void {
    let byType = this.#memory.get(armName);
    if (byType === undefined) {
      byType = new Map();
      this.#memory.set(armName, byType);
    }
    let bands = byType.get(task.type);
    if (bands === undefined) {
      bands = [];
      byType.set(task.type, bands);
    }
    bands[bandOf(task.complexity)] =
      ranked.length <= this.#sampleSize ? ranked : ranked.slice(0, this.#sampleSize);
  }

  #candidate(
    e: ModelEntry<Req, Res>,
    task: TaskProfile,
    tokens: number,
    now: number,
    live: boolean,
    streaming: boolean,
  ): CandidateState {
    const type = task.type;
    const m = e.model;
    const tracker = this.#tracker;
    const lane = e.lane;
    const stats = tracker.modelStats(m.id, now);
    const latency = tracker.latency(m.id, type, now);
    const learned = tracker.learned?.(m.id, type, task.complexity, now);
    const firstToken = streaming ? tracker.firstToken?.(m.id, type, now) : undefined;
    // The last mean seen stands in as the prior once the window has emptied, so a model that went
    // unused for a window is not mistaken for a cold one (and re-explored) every window. Not while
    // the window holds calls: those are the evidence, and as the prior too they would count twice
    // (one lucky call would price a model as if proven).
    if (live && latency.count > 0 && Number.isFinite(latency.mean))
      this.#fleet.rememberMean(e, type, latency.mean);
    return {
      id: m.id,
      home: m.home.has(type),
      concurrency: m.concurrency,
      inFlight: lane.inFlight,
      meanInFlight: lane.meanInFlight(now),
      soleServer: e.soleServer,
      queued: lane.queued,
      waiting: e.waitingFor,
      tokensInFlight: lane.tokensInFlight,
      maxTokens: m.maxTokens,
      free: canStartNew(e, tokens),
      cost: m.cost,
      latency,
      priorLatencyMs:
        priorFor(m.latencyPriorMs, type) ??
        (latency.count > 0 ? undefined : e.lastMeanMs.get(type)),
      inFlightMeanElapsedMs: lane.meanElapsedMs(now),
      inFlightMaxElapsedMs: lane.maxElapsedMs(now),
      inFlightOverrun: lane.overrun(now),
      errorRate: stats.errorRate,
      throughput: stats.throughput,
      health: e.health?.stateAt(now) ?? 'healthy',
      taskTried: triedOn(e, type),
      learned,
      firstTokenMs: firstToken !== undefined && firstToken.count > 0 ? firstToken.mean : undefined,
      ...(e.probe?.load !== undefined ? { server: e.probe.load } : {}),
    };
  }
}

/**
 * Adds up to `count` distinct entries of `from`, drawn at random, to `picked` (at most `4 * count`
 * draws). With a `complexity`, only models that allow it and fit `tokens` are taken.
 */
function draw<Req, Res>(
  picked: ModelEntry<Req, Res>[],
  from: readonly ModelEntry<Req, Res>[],
  count: number,
  random: RandomSource,
  complexity: number | undefined,
  tokens: number,
): void {
  let added = 0;
  for (let tries = 0; added < count && tries < count * 4; tries++) {
    const e = from[Math.floor(random() * from.length)]!;
    if (picked.includes(e)) continue;
    if (
      complexity !== undefined &&
      (complexity > e.model.maxComplexity || tokens > e.model.maxTokens)
    )
      continue;
    picked.push(e);
    added++;
  }
}

/** The complexity band a memory of the sample is kept for (the learned bands'). */
function bandOf(complexity: number): number {
  return complexity >= 1 ? MEMORY_BANDS - 1 : Math.max(0, Math.floor(complexity * MEMORY_BANDS));
}

/** A strategy as messages name it: with its experiment arm, when there is one. */
function label(by: Strategy, arm: Pick<Arm, 'name'> | undefined): string {
  return `'${by.name}'${arm === undefined ? '' : ` (experiment arm '${arm.name}')`}`;
}

/** The decision naming its experiment arm, when there is one. */
function withArm(decision: Decision, arm: Pick<Arm, 'name'> | undefined): Decision {
  return arm === undefined ? decision : { ...decision, experiment: arm.name };
}

/** Position of a candidate by id: a Map for large sets, a scan for the usual handful. */
interface CandidateIndex {
  get(id: string): number | undefined;
  has(id: string): boolean;
}

function candidateIndex(candidates: readonly CandidateState[]): CandidateIndex {
  if (candidates.length > 16) {
    const map = new Map<string, number>();
    for (let i = 0; i < candidates.length; i++) map.set(candidates[i]!.id, i);
    return map;
  }
  const find = (id: string): number | undefined => {
    for (let i = 0; i < candidates.length; i++) if (candidates[i]!.id === id) return i;
    return undefined;
  };
  return { get: find, has: (id) => find(id) !== undefined };
}

/** Why a model cannot take this request now, or undefined when it can. */
export function exclusion<Req, Res>(
  e: ModelEntry<Req, Res>,
  task: TaskProfile,
  tokens: number,
  tried: ReadonlySet<string> | undefined,
  now: number,
  streaming = false,
): string | undefined {
  const m = e.model;
  if (e.removed) return 'removed';
  if (!m.tasks.has(task.type)) return `does not serve '${task.type}'`;
  if (streaming && m.stream === undefined) return 'cannot stream (its config has no `stream`)';
  if (task.complexity > m.maxComplexity)
    return `complexity ${task.complexity} is above its maxComplexity ${m.maxComplexity}`;
  if (tokens > m.maxTokens)
    return `needs ${tokens} tokens, more than its whole budget of ${m.maxTokens}`;
  if (tried?.has(m.id)) return 'already failed this request';
  if (now < e.coolUntil)
    return `cooling down after its server said it is overloaded, until ${Math.round(e.coolUntil)}ms`;
  if (e.health && !e.health.canRoute(now)) {
    const h = e.health.snapshot();
    return h.probing
      ? 'health is open; its probe call is running'
      : `health is open (${h.consecutiveFailures} failures in a row); next probe at ${Math.round(h.retryAt)}ms`;
  }
  return undefined;
}

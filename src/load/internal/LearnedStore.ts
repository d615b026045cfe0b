import type { FinishDetails, LearnedStats, TaskType } from '../../types.js';
import { boundedLogSpeed, learnedLatency } from '../../utils/limits.js';
import {
  type CalibrationState,
  type EvidenceState,
  type FleetLevelState,
  LEARNED_STATE_FORMAT,
  LEARNED_STATE_VERSION,
  type LearnedState,
  type LevelState,
  type ModelLearnedState,
} from '../learnedState.js';
import {
  bandOf,
  COMPLEXITY_BANDS,
  decayFactor,
  Evidence,
  FleetLevel,
  isTokenCount,
  type MutableStats,
  newStats,
  PairLearning,
  Speed,
  TokenCalibration,
} from './Learned.js';
import type { ModelState, PairState } from './state.js';

/**
 * How many calls' weight the neutral speed 1 has against a model's own when its latencies join
 * the fleet's level (as the adaptive strategy's prior shrinks it).
 */
const SPEED_LEVEL_PRIOR = 1;

/** A state checked by `parseLearnedState`, built into learning objects, ready to swap in. */
interface PreparedState {
  readonly models: ReadonlyMap<
    string,
    {
      readonly quality: Evidence;
      readonly speed: Speed;
      readonly tasks: ReadonlyMap<TaskType, PairLearning>;
    }
  >;
  readonly calibration: ReadonlyMap<TaskType, TokenCalibration>;
  readonly fleet: ReadonlyMap<TaskType, FleetLevel[]>;
}

/**
 * What the in-memory tracker learns from outcomes, per (model, task type, complexity band), with
 * time decay (half-life `halfLifeMs`). The figures live on the tracker's model and pair states
 * (one lookup serves the latency window and the learning); this holds the maths, the token
 * calibration per task type, cached views and export / import to and from {@link LearnedState}.
 */
export class LearnedStore {
  readonly #lambda: number;
  readonly #maxTaskTypes: number;
  readonly #otherKey: TaskType;
  readonly #calibration = new Map<TaskType, TokenCalibration>();
  /** The fleet's latency level per task type: index 0 the task as a whole, then one per band. */
  readonly #fleet = new Map<TaskType, FleetLevel[]>();
  /**
   * Bumped on changes that must show at once (quality reports, imports): a cached view of an
   * older version is stale. Finished calls show within 1 ms (see `read`).
   */
  #version = 0;

  constructor(halfLifeMs: number, maxTaskTypes: number, otherKey: TaskType) {
    this.#lambda = Math.LN2 / halfLifeMs;
    this.#maxTaskTypes = maxTaskTypes;
    this.#otherKey = otherKey;
  }

  /**
   * A finished call of `task`: its outcome for its band, its latency for the model's speed and
   * the fleet's level, its usage for the token fit and calibration.
   */
  finish(
    model: ModelState,
    pair: PairState,
    task: TaskType,
    latencyMs: number,
    ok: boolean,
    now: number,
    details: FinishDetails | undefined,
  ): void {
    if (ok && !Number.isFinite(latencyMs)) return; // an abandoned call: nothing learned
    const lambda = this.#lambda;
    const learning = pair.learning;
    const band = bandOf(details?.complexity);
    learning.all.decayTo(now, lambda);
    learning.all.addOutcome(ok, latencyMs);
    if (band >= 0) {
      learning.bands[band]!.decayTo(now, lambda);
      learning.bands[band]!.addOutcome(ok, latencyMs);
    }
    if (ok) this.#speed(model, task, band, learnedLatency(latencyMs), now);
    const usage = details?.usage;
    if (!ok || usage === undefined || !isTokenCount(usage.completionTokens)) return;
    learning.tokens.decayTo(now, lambda);
    learning.tokens.add(usage.completionTokens, latencyMs);
    const estimated = details?.estimatedTokens;
    if (isTokenCount(estimated) && estimated > 0 && isTokenCount(usage.promptTokens)) {
      const key = this.#key(task);
      let cal = this.#calibration.get(key);
      if (cal === undefined) {
        cal = new TokenCalibration();
        this.#calibration.set(key, cal);
      }
      cal.decayTo(now, lambda);
      cal.add(estimated, usage.promptTokens, usage.completionTokens);
    }
  }

  /**
   * The call's latency against the fleet's level for its task (its band's once that has a call's
   * weight), for the model's speed; then the latency, divided by the model's speed as known before
   * it (shrunk towards 1 by one call), joins the fleet's level. So the level is that of a model of
   * speed 1 whichever models served the task, and speeds stay comparable while the router's choice
   * of models (and with it the mix of latencies seen) changes: a two-way fixed-effects fit, online.
   */
  #speed(model: ModelState, task: TaskType, band: number, latencyMs: number, now: number): void {
    const lambda = this.#lambda;
    const key = bounded(this.#fleet, task, this.#maxTaskTypes, this.#otherKey);
    let levels = this.#fleet.get(key);
    if (levels === undefined) {
      levels = Array.from({ length: COMPLEXITY_BANDS + 1 }, () => new FleetLevel());
      this.#fleet.set(key, levels);
    }
    const all = levels[0]!;
    const own = band >= 0 ? levels[band + 1]! : undefined;
    all.decayTo(now, lambda);
    own?.decayTo(now, lambda);
    const speed = model.speed;
    speed.decayTo(now, lambda);
    const logSpeed =
      speed.n > 0 ? boundedLogSpeed(speed.logRatio / (speed.n + SPEED_LEVEL_PRIOR)) : 0;
    const ref = own !== undefined && own.n >= 1 ? own : all;
    const logLatency = Math.log(Math.max(latencyMs, 1));
    if (ref.n > 0) speed.add(logLatency - ref.logLatency / ref.n);
    const factor = Math.exp(-logSpeed);
    all.add(latencyMs * factor, logLatency - logSpeed);
    own?.add(latencyMs * factor, logLatency - logSpeed);
  }

  /** A quality report of a model, and of its (task, band) when the pair is given. */
  quality(
    model: ModelState,
    pair: PairState | undefined,
    complexity: number | undefined,
    q: number,
    now: number,
  ): void {
    if (!(q >= 0 && q <= 1)) return;
    model.quality.decayTo(now, this.#lambda);
    model.quality.addQuality(q);
    if (pair !== undefined) {
      pair.learning.all.decayTo(now, this.#lambda);
      pair.learning.all.addQuality(q);
      const band = bandOf(complexity);
      if (band >= 0) {
        pair.learning.bands[band]!.decayTo(now, this.#lambda);
        pair.learning.bands[band]!.addQuality(q);
      }
    }
    this.#version++;
  }

  /**
   * What is known of a pair for `complexity`, decayed to `now`. Of a model that has not served the
   * task yet (no `pair`), only its speed and the fleet's level (one view per model, refreshed in
   * place).
   */
  read(
    model: ModelState,
    pair: PairState | undefined,
    task: TaskType,
    complexity: number,
    now: number,
  ): LearnedStats {
    if (pair === undefined) {
      // Only band, speed and the fleet's level change here: the rest stays as newStats made it.
      model.coldView ??= newStats();
      const v = model.coldView;
      v.band = bandOf(complexity);
      this.#refreshSpeed(v, model, task, now);
      return v;
    }
    const learning = pair.learning;
    const band = bandOf(complexity);
    const slot = band + 1;
    const at = learning.viewAt[slot]!;
    // Reads come per candidate per decision: a view is reused for up to 1 ms, even if calls
    // finished meanwhile (like the latency window's cache, a bounded lag; evidence decays by a
    // negligible 1e-5 per ms at the default half-life). Quality reports and imports (the version)
    // show at once.
    const view = learning.views[slot]!;
    if (learning.viewShared[slot] === this.#version && now >= at && now - at < 1) return view;
    this.#refresh(view, model, learning, band, task, now);
    learning.viewShared[slot] = this.#version;
    learning.viewAt[slot] = now;
    return view;
  }

  /** Refreshes `v` in place: the figures of `band` decayed to `now`. */
  #refresh(
    v: MutableStats,
    model: ModelState,
    learning: PairLearning,
    band: number,
    task: TaskType,
    now: number,
  ): void {
    const lambda = this.#lambda;
    const all = learning.all;
    const fa = decayFactor(lambda, now - all.at);
    const b = band >= 0 ? learning.bands[band]! : undefined;
    const fb = b === undefined ? 0 : decayFactor(lambda, now - b.at);
    const bq = b !== undefined && b.qualityWeight * fb >= 0.5 ? b : undefined;
    const q = bq ?? (all.qualityWeight * fa >= 0.5 ? all : model.quality);
    const tokens = learning.tokens;
    const perToken = tokens.slope();
    const cal = this.#calibration.size === 0 ? undefined : this.#calibration.get(this.#key(task));
    v.band = band;
    v.bandWeight = b === undefined ? 0 : b.ok * fb;
    v.bandMeanMs = b === undefined ? Number.NaN : b.meanMs();
    v.bandFailures = b === undefined ? 0 : b.failed * fb;
    v.taskWeight = all.ok * fa;
    v.taskMeanMs = all.meanMs();
    v.taskFailures = all.failed * fa;
    v.quality = q.qualityWeight > 0 ? Math.min(q.quality / q.qualityWeight, 1) : Number.NaN;
    v.qualityWeight = q.qualityWeight * decayFactor(lambda, now - q.at);
    v.tokenBaseMs = tokens.base(perToken);
    v.msPerOutputToken = perToken;
    v.tokenWeight = tokens.n * decayFactor(lambda, now - tokens.at);
    v.outputPerEstimatedToken = cal === undefined ? Number.NaN : cal.per(cal.completion);
    v.realPerEstimatedToken = cal === undefined ? Number.NaN : cal.per(cal.prompt + cal.completion);
    this.#refreshSpeed(v, model, task, now);
  }

  /** The model's speed and the fleet's level for `task`, in `v`. */
  #refreshSpeed(v: MutableStats, model: ModelState, task: TaskType, now: number): void {
    const sp = model.speed;
    v.speed = sp.value();
    v.speedWeight = sp.n * decayFactor(this.#lambda, now - sp.at);
    const level = this.#fleet.size === 0 ? undefined : this.#fleet.get(this.#fleetKey(task))?.[0];
    v.fleetMeanMs =
      level !== undefined && level.n > 0 ? learnedLatency(level.latency / level.n) : Number.NaN;
  }

  /** Everything learned of `models`, decayed to `now`, as plain data. */
  export(models: Iterable<[string, ModelState]>, now: number): LearnedState {
    const lambda = this.#lambda;
    const ev = (e: Evidence): EvidenceState => {
      e.decayTo(now, lambda);
      return {
        ok: e.ok,
        latencyMs: e.latency,
        failed: e.failed,
        quality: e.quality,
        qualityWeight: e.qualityWeight,
      };
    };
    const out: ModelLearnedState[] = [];
    for (const [id, m] of models) {
      const tasks = [...m.tasks].map(([task, pair]) => {
        const p = pair.learning;
        p.tokens.decayTo(now, lambda);
        const t = p.tokens;
        return {
          task,
          all: ev(p.all),
          bands: p.bands.map(ev),
          tokens: { n: t.n, sx: t.sx, sy: t.sy, sxx: t.sxx, sxy: t.sxy },
        };
      });
      m.speed.decayTo(now, lambda);
      out.push({
        id,
        quality: ev(m.quality),
        tasks,
        speed: { n: m.speed.n, logRatio: m.speed.logRatio },
      });
    }
    const level = (l: FleetLevel): LevelState => {
      l.decayTo(now, lambda);
      return { n: l.n, latencyMs: l.latency, logLatency: l.logLatency };
    };
    const fleet: FleetLevelState[] = [...this.#fleet].map(([task, levels]) => ({
      task,
      all: level(levels[0]!),
      bands: levels.slice(1).map(level),
    }));
    const calibration: CalibrationState[] = [...this.#calibration].map(([task, c]) => {
      c.decayTo(now, lambda);
      return { task, n: c.n, estimated: c.estimated, prompt: c.prompt, completion: c.completion };
    });
    return {
      format: LEARNED_STATE_FORMAT,
      version: LEARNED_STATE_VERSION,
      bands: COMPLEXITY_BANDS,
      models: out,
      calibration,
      fleet,
    };
  }

  /** Builds `state` (already checked by `parseLearnedState`) into learning objects stamped `now`. */
  #prepare(state: LearnedState, now: number): PreparedState {
    const load = (e: Evidence, s: EvidenceState): Evidence => {
      e.ok = s.ok;
      e.latency = s.latencyMs;
      e.failed = s.failed;
      e.quality = s.quality;
      e.qualityWeight = s.qualityWeight;
      e.at = now;
      return e;
    };
    const models = new Map<
      string,
      { quality: Evidence; speed: Speed; tasks: Map<TaskType, PairLearning> }
    >();
    for (const m of state.models) {
      const tasks = new Map<TaskType, PairLearning>();
      for (const t of m.tasks) {
        const p = new PairLearning();
        load(p.all, t.all);
        t.bands.forEach((b, i) => {
          load(p.bands[i]!, b);
        });
        Object.assign(p.tokens, t.tokens);
        p.tokens.at = now;
        tasks.set(t.task, p);
      }
      const speed = new Speed();
      if (m.speed !== undefined) {
        speed.n = m.speed.n;
        speed.logRatio = m.speed.logRatio;
        speed.at = now;
      }
      models.set(m.id, { quality: load(new Evidence(), m.quality), speed, tasks });
    }
    const calibration = new Map<TaskType, TokenCalibration>();
    for (const c of state.calibration) {
      const cal = new TokenCalibration();
      cal.n = c.n;
      cal.estimated = c.estimated;
      cal.prompt = c.prompt;
      cal.completion = c.completion;
      cal.at = now;
      calibration.set(c.task, cal);
    }
    const fleet = new Map<TaskType, FleetLevel[]>();
    const level = (l: LevelState): FleetLevel => {
      const f = new FleetLevel();
      f.n = l.n;
      f.latency = l.latencyMs;
      f.logLatency = l.logLatency;
      f.at = now;
      return f;
    };
    for (const f of state.fleet ?? []) fleet.set(f.task, [level(f.all), ...f.bands.map(level)]);
    return { models, calibration, fleet };
  }

  /**
   * Replaces what `models` learned with `state` (checked by `parseLearnedState`), stamped at
   * `now`: everything is built first, then swapped in, so nothing half-applies. Models and pairs
   * the state does not cover start fresh; `make` creates the states of models not seen yet.
   */
  import(
    state: LearnedState,
    now: number,
    models: ReadonlyMap<string, ModelState>,
    make: {
      readonly model: (id: string) => ModelState;
      readonly pair: (model: ModelState, task: TaskType) => PairState;
    },
  ): void {
    const prepared = this.#prepare(state, now);
    for (const m of models.values()) {
      m.quality = new Evidence();
      m.speed = new Speed();
      for (const pair of m.tasks.values()) pair.learning = new PairLearning();
    }
    for (const [id, learned] of prepared.models) {
      const m = make.model(id);
      makeRoom(m.tasks, learned.tasks, this.#maxTaskTypes, this.#otherKey);
      m.quality = learned.quality;
      m.speed = learned.speed;
      for (const [task, learning] of learned.tasks) make.pair(m, task).learning = learning;
    }
    this.#calibration.clear();
    for (const [k, v] of prepared.calibration) this.#calibration.set(k, v);
    this.#fleet.clear();
    for (const [k, v] of prepared.fleet) this.#fleet.set(k, v);
    this.#version++;
  }

  #key(task: TaskType): TaskType {
    return bounded(this.#calibration, task, this.#maxTaskTypes, this.#otherKey);
  }

  #fleetKey(task: TaskType): TaskType {
    return bounded(this.#fleet, task, this.#maxTaskTypes, this.#otherKey);
  }
}

/**
 * `task`, or `otherKey` once `map` holds `max` task types besides `otherKey` and not this one:
 * memory stays bounded.
 */
export function bounded(
  map: ReadonlyMap<TaskType, unknown>,
  task: TaskType,
  max: number,
  otherKey: TaskType,
): TaskType {
  if (map.has(task)) return task;
  return map.size - (map.has(otherKey) ? 1 : 0) < max ? task : otherKey;
}

/**
 * Drops idle pairs the imported `tasks` do not name (fewest calls first), so each task type the
 * state names gets its own entry rather than fold into `otherKey` beside another. A pair with a
 * call in flight stays: its finish must find it.
 */
function makeRoom(
  pairs: Map<TaskType, PairState>,
  tasks: ReadonlyMap<TaskType, unknown>,
  max: number,
  otherKey: TaskType,
): void {
  let excess = -max;
  for (const task of pairs.keys()) if (task !== otherKey) excess++;
  for (const task of tasks.keys()) if (task !== otherKey && !pairs.has(task)) excess++;
  if (excess <= 0) return;
  const idle = [...pairs]
    .filter(([task, pair]) => pair.inFlight === 0 && task !== otherKey && !tasks.has(task))
    .sort(([, a], [, b]) => a.completed + a.failed - (b.completed + b.failed));
  for (const [task] of idle.slice(0, excess)) pairs.delete(task);
}

import type { FinishDetails, LearnedStats, TaskType } from '../../types.js';
import {
  type CalibrationState,
  type EvidenceState,
  LEARNED_STATE_FORMAT,
  LEARNED_STATE_VERSION,
  type LearnedState,
  type ModelLearnedState,
} from '../learnedState.js';
import {
  bandOf,
  COMPLEXITY_BANDS,
  decayFactor,
  Evidence,
  isTokenCount,
  PairLearning,
  TokenCalibration,
  type TokenFit,
} from './Learned.js';

/** Learning of one model: per task type, and its quality as a whole. */
interface ModelLearning {
  readonly tasks: Map<TaskType, PairLearning>;
  readonly quality: Evidence;
}

/**
 * What the in-memory tracker learns from outcomes, per (model, task type, complexity band), with
 * time decay (half-life `halfLifeMs`); task types past `maxTaskTypes` share `otherKey`. Reads are
 * cached views; export / import convert to and from {@link LearnedState}.
 */
export class LearnedStore {
  readonly #lambda: number;
  readonly #maxTaskTypes: number;
  readonly #otherKey: TaskType;
  readonly #models = new Map<string, ModelLearning>();
  readonly #calibration = new Map<TaskType, TokenCalibration>();
  /** Bumped on every change: a cached view of an older version is stale. */
  #version = 0;

  constructor(halfLifeMs: number, maxTaskTypes: number, otherKey: TaskType) {
    this.#lambda = Math.LN2 / halfLifeMs;
    this.#maxTaskTypes = maxTaskTypes;
    this.#otherKey = otherKey;
  }

  /** A finished call: its outcome for (model, task, band), its usage for the token fit and calibration. */
  finish(
    model: string,
    task: TaskType,
    latencyMs: number,
    ok: boolean,
    now: number,
    details: FinishDetails | undefined,
  ): void {
    if (ok && !Number.isFinite(latencyMs)) return; // an abandoned call: nothing learned
    const lambda = this.#lambda;
    const key = this.#key(this.#model(model).tasks, task);
    const pair = this.#pair(model, key);
    const band = bandOf(details?.complexity);
    pair.all.decayTo(now, lambda);
    pair.all.addOutcome(ok, latencyMs);
    if (band >= 0) {
      pair.bands[band]!.decayTo(now, lambda);
      pair.bands[band]!.addOutcome(ok, latencyMs);
    }
    const usage = details?.usage;
    if (ok && usage !== undefined && isTokenCount(usage.completionTokens)) {
      pair.tokens.decayTo(now, lambda);
      pair.tokens.add(usage.completionTokens, Math.max(latencyMs, 0));
      const estimated = details?.estimatedTokens;
      if (isTokenCount(estimated) && estimated > 0 && isTokenCount(usage.promptTokens)) {
        const ck = this.#key(this.#calibration, task);
        let cal = this.#calibration.get(ck);
        if (cal === undefined) {
          cal = new TokenCalibration();
          this.#calibration.set(ck, cal);
        }
        cal.decayTo(now, lambda);
        cal.add(estimated, usage.promptTokens, usage.completionTokens);
      }
    }
    this.#version++;
  }

  /** A quality report of `model`, and of its (task, band) when the task is given. */
  quality(
    model: string,
    q: number,
    now: number,
    task: { readonly type: TaskType; readonly complexity?: number } | undefined,
  ): void {
    if (!(q >= 0 && q <= 1)) return;
    const m = this.#model(model);
    m.quality.decayTo(now, this.#lambda);
    m.quality.addQuality(q);
    if (task !== undefined && typeof task.type === 'string') {
      const pair = this.#pair(model, this.#key(m.tasks, task.type));
      pair.all.decayTo(now, this.#lambda);
      pair.all.addQuality(q);
      const band = bandOf(task.complexity);
      if (band >= 0) {
        pair.bands[band]!.decayTo(now, this.#lambda);
        pair.bands[band]!.addQuality(q);
      }
    }
    this.#version++;
  }

  /** What is known of (model, task) for `complexity`, decayed to `now`; undefined when nothing is. */
  read(model: string, task: TaskType, complexity: number, now: number): LearnedStats | undefined {
    const m = this.#models.get(model);
    if (m === undefined) return undefined;
    const pair = m.tasks.get(this.#key(m.tasks, task));
    if (pair === undefined) return undefined;
    const band = bandOf(complexity);
    const views = pair.views;
    const slot = band + 1;
    const cached = views[slot];
    // Evidence decays by a negligible 1e-5 per ms at the default half-life: reuse a view for 1 ms.
    if (cached?.version === this.#version && now >= cached.now && now - cached.now < 1)
      return cached.view;
    const view = this.#view(m, pair, band, task, now);
    views[slot] = { version: this.#version, now, view };
    return view;
  }

  #view(
    m: ModelLearning,
    pair: PairLearning,
    band: number,
    task: TaskType,
    now: number,
  ): LearnedStats {
    const lambda = this.#lambda;
    const f = (at: number): number => decayFactor(lambda, now - at);
    const all = pair.all;
    const fa = f(all.at);
    const b = band >= 0 ? pair.bands[band]! : undefined;
    const fb = b === undefined ? 0 : f(b.at);
    const bq = b !== undefined && b.qualityWeight * fb >= 0.5 ? b : undefined;
    const q = bq ?? (all.qualityWeight * fa >= 0.5 ? all : m.quality);
    const fq = f(q.at);
    const [base, perToken] = pair.tokens.fit();
    const cal = this.#calibration.get(this.#key(this.#calibration, task));
    const calOk = cal !== undefined && cal.estimated > 0;
    return Object.freeze({
      band,
      bandWeight: b === undefined ? 0 : b.ok * fb,
      bandMeanMs: b !== undefined && b.ok > 0 ? b.latency / b.ok : Number.NaN,
      bandFailures: b === undefined ? 0 : b.failed * fb,
      taskWeight: all.ok * fa,
      taskMeanMs: all.ok > 0 ? all.latency / all.ok : Number.NaN,
      taskFailures: all.failed * fa,
      quality: q.qualityWeight > 0 ? q.quality / q.qualityWeight : Number.NaN,
      qualityWeight: q.qualityWeight * fq,
      tokenBaseMs: base,
      msPerOutputToken: perToken,
      tokenWeight: pair.tokens.n * f(pair.tokens.at),
      outputPerEstimatedToken: calOk ? cal.completion / cal.estimated : Number.NaN,
      realPerEstimatedToken: calOk ? (cal.prompt + cal.completion) / cal.estimated : Number.NaN,
    });
  }

  /** Forgets a model's learning. */
  remove(model: string): void {
    this.#models.delete(model);
    this.#version++;
  }

  /** Everything learned, decayed to `now`, as plain data. */
  export(now: number): LearnedState {
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
    const models: ModelLearnedState[] = [];
    for (const [id, m] of this.#models) {
      const tasks = [...m.tasks].map(([task, p]) => {
        p.tokens.decayTo(now, lambda);
        const t = p.tokens;
        return {
          task,
          all: ev(p.all),
          bands: p.bands.map(ev),
          tokens: { n: t.n, sx: t.sx, sy: t.sy, sxx: t.sxx, sxy: t.sxy },
        };
      });
      models.push({ id, quality: ev(m.quality), tasks });
    }
    const calibration: CalibrationState[] = [...this.#calibration].map(([task, c]) => {
      c.decayTo(now, lambda);
      return { task, n: c.n, estimated: c.estimated, prompt: c.prompt, completion: c.completion };
    });
    this.#version++;
    return {
      format: LEARNED_STATE_FORMAT,
      version: LEARNED_STATE_VERSION,
      bands: COMPLEXITY_BANDS,
      models,
      calibration,
    };
  }

  /**
   * Replaces everything learned with `state` (already checked by `parseLearnedState`), stamped
   * at `now`. Builds the new maps first, then swaps them in: nothing half-applies.
   */
  import(state: LearnedState, now: number): void {
    const load = (e: Evidence, s: EvidenceState): void => {
      e.ok = s.ok;
      e.latency = s.latencyMs;
      e.failed = s.failed;
      e.quality = s.quality;
      e.qualityWeight = s.qualityWeight;
      e.at = now;
    };
    const models = new Map<string, ModelLearning>();
    for (const m of state.models) {
      const learning: ModelLearning = { tasks: new Map(), quality: new Evidence() };
      load(learning.quality, m.quality);
      for (const t of m.tasks) {
        const p = new PairLearning();
        load(p.all, t.all);
        t.bands.forEach((b, i) => {
          load(p.bands[i]!, b);
        });
        const fit: TokenFit = p.tokens;
        Object.assign(fit, t.tokens);
        fit.at = now;
        learning.tasks.set(t.task, p);
      }
      models.set(m.id, learning);
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
    this.#models.clear();
    for (const [k, v] of models) this.#models.set(k, v);
    this.#calibration.clear();
    for (const [k, v] of calibration) this.#calibration.set(k, v);
    this.#version++;
  }

  #model(model: string): ModelLearning {
    let m = this.#models.get(model);
    if (m === undefined) {
      m = { tasks: new Map(), quality: new Evidence() };
      this.#models.set(model, m);
    }
    return m;
  }

  #pair(model: string, key: TaskType): PairLearning {
    const m = this.#model(model);
    let p = m.tasks.get(key);
    if (p === undefined) {
      p = new PairLearning();
      m.tasks.set(key, p);
    }
    return p;
  }

  #key(map: ReadonlyMap<TaskType, unknown>, task: TaskType): TaskType {
    return map.has(task) || map.size < this.#maxTaskTypes ? task : this.#otherKey;
  }
}

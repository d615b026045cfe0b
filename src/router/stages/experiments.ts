import { LatencyWindow } from '../../load/internal/LatencyWindow.js';
import type { Strategy } from '../../strategy/Strategy.js';
import { goldenPoint, unitHash } from '../../utils/hash.js';
import { describeValue } from '../../utils/options.js';
import { CONTROL_ARM } from '../internal/experimentOptions.js';
import type { Experiment, StrategyName } from '../options.js';
import type { ExperimentArmSnapshot } from '../results.js';

/** The window of each arm's latency figures in `snapshot().experiments`, in milliseconds. */
export const EXPERIMENT_WINDOW_MS = 600_000;

/**
 * The problem with forcing arm `name` (run option or `explain()` option `experiment`), or
 * undefined when it is fine (`'control'` is fine without experiments: there is only that arm).
 */
export function unknownArmProblem(
  name: string,
  experiments: Experiments | undefined,
): string | undefined {
  if (experiments === undefined)
    return name === CONTROL_ARM
      ? undefined
      : `options.experiment ${describeValue(name)} is not an arm: the router has no \`experiments\` (only '${CONTROL_ARM}')`;
  return experiments.find(name) === undefined
    ? `options.experiment ${describeValue(name)} is not an arm of this router (arms: ${experiments.names()})`
    : undefined;
}

/** Settled request ids remembered for `reportQuality(model, quality, requestId)`. */
const REMEMBERED_REQUESTS = 10_000;

/** One arm at run time: its strategy, its slice of [0, 1) and its figures. */
export interface Arm {
  readonly name: string;
  readonly strategy: Strategy;
  /** The configured share (control: what the experiments leave). */
  readonly share: number;
  /** The arm takes the requests whose point in [0, 1) is below this (and above the previous arm's). */
  readonly until: number;
  requests: number;
  completed: number;
  failed: number;
  /** Failures by `ZetaError` code (codes are a fixed set). */
  readonly errors: Map<string, number>;
  /** End-to-end latency (from `run()` to settling) of completed requests. */
  readonly latency: LatencyWindow;
  qualitySum: number;
  qualityReports: number;
}

function newArm(name: string, strategy: Strategy, share: number, until: number): Arm {
  return {
    name,
    strategy,
    share,
    until,
    requests: 0,
    completed: 0,
    failed: 0,
    errors: new Map(),
    latency: new LatencyWindow({
      windowMs: EXPERIMENT_WINDOW_MS,
      buckets: 10,
      compression: 0.01,
      refreshEvery: 256,
      refreshMs: 0,
    }),
    qualitySum: 0,
    qualityReports: 0,
  };
}

/**
 * The experiments stage (live A/B): which arm a request belongs to, and each arm's figures.
 *
 * A request's arm is the one whose slice of [0, 1) holds its point: the hash of its
 * `experimentKey` (so a user or session stays in one arm), or else the golden-ratio point of its
 * request id (a deterministic split whose observed shares match the configured ones within a few
 * requests, and which leaves the router's `random` sequence untouched). The experiments take the
 * slices in the order given, the control arm the rest. A router without experiments has no such
 * stage, and pays nothing for it.
 */
export class Experiments {
  readonly #arms: readonly Arm[];
  readonly #control: Arm;
  /** Requests given an arm. */
  #total = 0;
  /** The arm of recently completed requests, by id (oldest first, bounded). */
  readonly #recent = new Map<number, Arm>();
  /** The arm of the last request each model completed. */
  readonly #lastByModel = new Map<string, Arm>();

  constructor(
    experiments: readonly Experiment[],
    control: Strategy,
    resolve: (s: StrategyName | Strategy) => Strategy,
  ) {
    const arms: Arm[] = [];
    let until = 0;
    for (const x of experiments) {
      until = Math.min(1, until + x.share);
      arms.push(newArm(x.name, resolve(x.strategy), x.share, until));
    }
    this.#control = newArm(CONTROL_ARM, control, Math.max(0, 1 - until), 1);
    arms.push(this.#control);
    this.#arms = arms;
  }

  /** The control arm (what `explain()` shows by default). */
  get control(): Arm {
    return this.#control;
  }

  /** The arm named `name`, if any. */
  find(name: string): Arm | undefined {
    for (const a of this.#arms) if (a.name === name) return a;
    return undefined;
  }

  /** The arms' names, for messages. */
  names(): string {
    return this.#arms.map((a) => `'${a.name}'`).join(', ');
  }

  /**
   * The arm of request `id`: `forced` when given (undefined when no arm has that name), else by
   * `key`, else by `id`. Does not count it (see {@link Experiments.arrived}).
   */
  pick(id: number, key: string | undefined, forced: string | undefined): Arm | undefined {
    if (forced !== undefined) return this.find(forced);
    const point = key === undefined ? goldenPoint(id) : unitHash(key);
    for (const a of this.#arms) if (point < a.until) return a;
    return this.#control;
  }

  /** A request was accepted into `arm`. */
  arrived(arm: Arm): void {
    arm.requests++;
    this.#total++;
  }

  /** A request of `arm` completed (or its stream started) after `totalMs` on `model`. */
  completed(arm: Arm, id: number, model: string, totalMs: number, now: number): void {
    arm.completed++;
    arm.latency.add(totalMs, now);
    const recent = this.#recent;
    recent.set(id, arm);
    if (recent.size > REMEMBERED_REQUESTS) recent.delete(recent.keys().next().value!);
    this.#lastByModel.set(model, arm);
  }

  /** A request of `arm` failed with `code`. */
  failed(arm: Arm, code: string): void {
    arm.failed++;
    arm.errors.set(code, (arm.errors.get(code) ?? 0) + 1);
  }

  /**
   * A quality report on `model`'s answer: it counts for the arm of request `requestId` when given
   * (if that request completed recently; otherwise for no arm), else for the arm of the last
   * request `model` completed.
   */
  quality(model: string, quality: number, requestId: number | undefined): void {
    const arm =
      requestId === undefined ? this.#lastByModel.get(model) : this.#recent.get(requestId);
    if (arm === undefined) return;
    arm.qualitySum += quality;
    arm.qualityReports++;
  }

  /** A model left the fleet: forget which arm it served last. */
  forgetModel(model: string): void {
    this.#lastByModel.delete(model);
  }

  /** Every arm's figures at `now`: the experiments in the order given, then `control`. */
  snapshot(now: number): ExperimentArmSnapshot[] {
    const total = this.#total;
    return this.#arms.map((a) => {
      // A null-prototype record, like the other keyed records of a snapshot.
      const errors: Record<string, number> = Object.create(null);
      for (const [code, n] of a.errors) errors[code] = n;
      return {
        name: a.name,
        strategy: a.strategy.name,
        share: a.share,
        observedShare: total === 0 ? Number.NaN : a.requests / total,
        requests: a.requests,
        completed: a.completed,
        failed: a.failed,
        errors,
        latency: { ...a.latency.read(now) },
        quality: a.qualityReports === 0 ? Number.NaN : a.qualitySum / a.qualityReports,
        qualityReports: a.qualityReports,
      };
    });
  }
}

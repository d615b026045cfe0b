import type { Classifier } from '../../classify/Classifier.js';
import { describeError } from '../../errors/describeError.js';
import { ZetaError } from '../../errors/ZetaError.js';
import type { TaskProfile } from '../../types.js';
import { describeValue, unknownKeyProblems } from '../../utils/options.js';
import { seededRandom } from '../../utils/random.js';
import type { Decision } from '../events.js';
import { readTaskProfile } from '../internal/readOptions.js';
import { runOptionProblems, taskProblems } from '../internal/validate.js';
import type { RunOptions } from '../options.js';
import type { ModelStateSnapshot, RouterSnapshot, TaskLatencySnapshot } from '../results.js';
import type { Stages } from './context.js';
import { type Arm, unknownArmProblem } from './experiments.js';

/** Options of `explain()`: which experiment arm's strategy to explain. */
export type ExplainOptions = Pick<RunOptions, 'experiment' | 'experimentKey'>;

const explainKeys: readonly string[] = [
  'experiment',
  'experimentKey',
] satisfies (keyof ExplainOptions)[];

function isTaskProfile(value: unknown): value is TaskProfile {
  try {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as TaskProfile).type === 'string' &&
      typeof (value as TaskProfile).complexity === 'number'
    );
  } catch {
    return false;
  }
}

/**
 * The introspect stage: `explain()` (the decision the router would make now, over every model,
 * without side effects) and `snapshot()` (a plain copy of every model's state).
 */
export class Introspection<Req, Res> {
  readonly #s: Stages<Req, Res>;
  readonly #classifier: Classifier<Req>;

  constructor(stages: Stages<Req, Res>, classifier: Classifier<Req>) {
    this.#s = stages;
    this.#classifier = classifier;
  }

  explain(reqOrTask: Req | TaskProfile, options?: unknown): Decision {
    const arm = this.#arm(options);
    let profile: TaskProfile;
    if (isTaskProfile(reqOrTask)) {
      const read = readTaskProfile(reqOrTask, 'task');
      const problems = [...read.problems, ...taskProblems(read.value, 'task')];
      if (problems.length > 0)
        throw new ZetaError('CONFIG_INVALID', `Invalid task profile: ${problems.join('; ')}.`, {
          problems,
        });
      profile = read.value as TaskProfile;
    } else {
      let out: unknown;
      try {
        out = this.#classifier(reqOrTask as Req);
      } catch (error) {
        throw new ZetaError(
          'CLASSIFIER_FAILED',
          `The classifier threw: ${describeError(error)}`,
          {},
          { cause: error },
        );
      }
      let then: unknown;
      try {
        then =
          typeof out === 'object' && out !== null ? (out as { then?: unknown }).then : undefined;
      } catch {
        then = undefined;
      }
      if (typeof then === 'function') {
        Promise.resolve(out as PromiseLike<unknown>).catch(() => undefined);
        throw new ZetaError(
          'CLASSIFIER_FAILED',
          'explain() needs a synchronous classifier: pass a task profile instead, e.g. explain({ type: "code", complexity: 0.5 }).',
        );
      }
      const read = readTaskProfile(out, 'classifier result');
      const problems = [...read.problems];
      if (problems.length === 0) problems.push(...taskProblems(read.value, 'classifier result'));
      if (problems.length > 0)
        throw new ZetaError(
          'CLASSIFIER_FAILED',
          `The classifier returned an invalid task profile: ${problems.join('; ')}.`,
          { problems },
        );
      profile = read.value as TaskProfile;
    }
    const s = this.#s;
    return s.decider.decide(
      -1,
      profile,
      profile.tokens ?? 0,
      undefined,
      seededRandom(0),
      false,
      s.now(),
      false,
      arm,
    ).decision;
  }

  /** The arm `explain()` shows: the forced one, the key's, or control; undefined without experiments. */
  #arm(options: unknown): Arm | undefined {
    const experiments = this.#s.experiments;
    if (options === undefined) return experiments?.control;
    const problems: string[] = [];
    let key: unknown;
    let forced: unknown;
    if (typeof options !== 'object' || options === null) {
      problems.push(
        `explain options must be { experiment?, experimentKey? }, got ${describeValue(options)}`,
      );
    } else {
      try {
        problems.push(...unknownKeyProblems(options, explainKeys, 'options.'));
        ({ experimentKey: key, experiment: forced } = options as ExplainOptions);
      } catch (error) {
        problems.push(`explain options cannot be read (${describeError(error)})`);
      }
    }
    if (problems.length === 0)
      problems.push(
        ...runOptionProblems({ experimentKey: key, experiment: forced } as ExplainOptions),
      );
    if (problems.length === 0 && typeof forced === 'string') {
      const problem = unknownArmProblem(forced, experiments);
      if (problem !== undefined) problems.push(problem);
    }
    if (problems.length > 0)
      throw new ZetaError('CONFIG_INVALID', `Invalid explain options: ${problems.join('; ')}.`, {
        problems,
      });
    if (experiments === undefined) return undefined;
    if (typeof forced === 'string') return experiments.find(forced);
    return typeof key === 'string' ? experiments.pick(-1, key, undefined) : experiments.control;
  }

  snapshot(closed: boolean, maxWaiting: number): RouterSnapshot {
    const s = this.#s;
    const now = s.now();
    const tracker = s.observer.tracker;
    const tracked = tracker.snapshot(now);
    const perModel = new Map(tracked.models.map((m) => [m.model, m]));
    const models: ModelStateSnapshot[] = [];
    for (const e of s.fleet.entries()) {
      if (e.removed) continue;
      const stats = tracker.modelStats(e.model.id, now);
      // A null-prototype record: a task type named `__proto__` or `constructor` is just a key.
      const tasks: Record<string, TaskLatencySnapshot> = Object.create(null);
      for (const t of perModel.get(e.model.id)?.tasks ?? []) {
        tasks[t.task] = t.firstToken
          ? { ...t.latency, firstToken: { ...t.firstToken } }
          : { ...t.latency };
      }
      const health = e.health?.snapshot(now);
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
        health: health?.state ?? 'healthy',
        quality: health?.quality ?? Number.NaN,
        coolUntil: now < e.coolUntil ? e.coolUntil : Number.NaN,
        server: e.probe,
        usage: { promptTokens: e.promptTokens, completionTokens: e.completionTokens },
      });
    }
    return {
      at: now,
      strategy: s.decider.strategy.name,
      waiting: s.admission.size,
      maxWaiting,
      pending: s.settlement.pending,
      closed,
      models,
      experiments: s.experiments?.snapshot(now) ?? [],
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
}

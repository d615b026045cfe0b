import type { Classifier } from '../../classify/Classifier.js';
import { describeError } from '../../errors/describeError.js';
import { ZetaError, type ZetaErrorCode } from '../../errors/ZetaError.js';
import type { TaskProfile } from '../../types.js';
import { readRunOptions, readTaskProfile } from '../internal/readOptions.js';
import type { RouterRequest } from '../internal/request.js';
import { profileFromType, runOptionProblems, taskProblems } from '../internal/validate.js';
import type { StreamOptions } from '../options.js';
import type { RunInfo } from '../results.js';
import type { Stages } from './context.js';
import { type Arm, unknownArmProblem } from './experiments.js';

/**
 * The intake stage: accepts a `run()` (options read once and checked, the request's timeout and
 * abort armed) and classifies it, then hands it to routing. Whatever the classifier throws or
 * returns, the request settles with a result or a `ZetaError`.
 */
export class Intake<Req, Res> {
  readonly #s: Stages<Req, Res>;
  readonly #classifier: Classifier<Req>;
  readonly #timeoutMs: number | undefined;
  #nextId = 1;
  #closed = false;

  constructor(
    stages: Stages<Req, Res>,
    classifier: Classifier<Req>,
    timeoutMs: number | undefined,
  ) {
    this.#s = stages;
    this.#classifier = classifier;
    this.#timeoutMs = timeoutMs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
  }

  /** Accepts a request; resolves with the result, or with the full RunInfo when `wantInfo`. */
  start(
    req: Req,
    rawOptions: unknown,
    wantInfo: boolean,
    streaming = false,
  ): Promise<Res | RunInfo<Res>> {
    const id = this.#nextId++;
    return new Promise<Res | RunInfo<Res>>((resolve, reject) => {
      if (this.#closed) {
        reject(
          this.#refused(
            id,
            'CLOSED',
            'The router is closed: create a new router to serve more requests.',
          ),
        );
        return;
      }
      const read = readRunOptions(rawOptions);
      const problems = [...read.problems];
      if (problems.length === 0)
        problems.push(...runOptionProblems(read.value as StreamOptions, streaming));
      const experiments = this.#s.experiments;
      let arm: Arm | undefined;
      if (problems.length === 0) {
        const o = read.value as StreamOptions;
        if (experiments !== undefined) arm = experiments.pick(id, o.experimentKey, o.experiment);
        if (arm === undefined && o.experiment !== undefined) {
          const problem = unknownArmProblem(o.experiment, experiments);
          if (problem !== undefined) problems.push(problem);
        }
      }
      if (problems.length > 0) {
        reject(
          this.#refused(
            id,
            'CONFIG_INVALID',
            `Invalid run options: ${problems.join('; ')}.`,
            problems,
          ),
        );
        return;
      }
      const options = read.value as StreamOptions;
      const signal = options.signal;
      if (signal?.aborted) {
        reject(
          this.#refused(
            id,
            'ABORTED',
            'The request was aborted before it was routed.',
            [],
            signal.reason,
          ),
        );
        return;
      }
      const s = this.#s;
      const now = s.now();
      const p: RouterRequest<Req, Res> = {
        id,
        req,
        arrival: now,
        wantInfo,
        streaming,
        callIfNoStream: streaming && options.callIfNoStream === true,
        signal,
        resolve,
        reject,
        priority: 0,
        profile: undefined,
        tokens: 0,
        settled: false,
        attempt: 0,
        attempts: [],
        overloads: 0,
        tried: undefined,
        decision: undefined,
        wait: undefined,
        call: undefined,
        queuedMs: 0,
        waitStart: now,
        timer: undefined,
        cleanupSignal: undefined,
        arm,
      };
      s.settlement.accepted();
      if (arm !== undefined) experiments!.arrived(arm);
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      if (timeoutMs !== undefined) {
        p.timer = s.clock.setTimeout(() => {
          p.timer = undefined;
          s.attempts.giveUp(
            p,
            'TIMEOUT',
            `The request did not settle within ${timeoutMs}ms (${p.call ? 'its call was still running' : 'it was still waiting for a slot'}).`,
            { timeoutMs },
          );
        }, timeoutMs);
      }
      if (signal) {
        const onAbort = (): void =>
          s.attempts.giveUp(
            p,
            'ABORTED',
            'The request was aborted by its signal.',
            {},
            signal.reason,
          );
        signal.addEventListener('abort', onAbort, { once: true });
        p.cleanupSignal = () => signal.removeEventListener('abort', onAbort);
      }
      this.#classify(p, options);
    });
  }

  #classify(p: RouterRequest<Req, Res>, options: StreamOptions): void {
    const task = options.task;
    if (typeof task === 'string') {
      this.#accept(p, profileFromType(task), options, p.arrival);
      return;
    }
    if (task !== undefined) {
      // Already read once and checked with the run options.
      this.#accept(p, task, options, p.arrival);
      return;
    }
    let out: unknown;
    try {
      out = this.#classifier(p.req);
    } catch (error) {
      this.#classifierFailed(p, 'threw', error);
      return;
    }
    let then: unknown;
    try {
      then = typeof out === 'object' && out !== null ? (out as { then?: unknown }).then : undefined;
    } catch (error) {
      this.#classifierFailed(p, 'returned an unreadable value', error);
      return;
    }
    if (typeof then === 'function') {
      Promise.resolve(out as PromiseLike<unknown>).then(
        (profile) => this.#classified(p, profile, options, this.#s.now()),
        (error: unknown) => this.#classifierFailed(p, 'rejected', error),
      );
      return;
    }
    this.#classified(p, out, options, p.arrival);
  }

  #classified(
    p: RouterRequest<Req, Res>,
    profile: unknown,
    options: StreamOptions,
    now: number,
  ): void {
    if (p.settled) return;
    const read = readTaskProfile(profile, 'classifier result');
    const problems = [...read.problems];
    if (problems.length === 0) problems.push(...taskProblems(read.value, 'classifier result'));
    if (problems.length > 0) {
      this.#s.settlement.fail(
        p,
        'CLASSIFIER_FAILED',
        `Invalid task profile: ${problems.join('; ')}.`,
        {
          problems,
        },
      );
      return;
    }
    this.#accept(p, read.value as TaskProfile, options, now);
  }

  /** Routes `p` by a checked task profile; `now` is the router's time (read by the caller). */
  #accept(p: RouterRequest<Req, Res>, t: TaskProfile, options: StreamOptions, now: number): void {
    p.profile = t;
    p.tokens = t.tokens ?? 0;
    p.priority = options.priority ?? t.priority ?? 0;
    this.#s.observer.tracker.recordArrival(t.type, p.arrival);
    this.#s.admission.route(p, now);
  }

  #classifierFailed(p: RouterRequest<Req, Res>, what: string, error: unknown): void {
    this.#s.settlement.fail(
      p,
      'CLASSIFIER_FAILED',
      `The classifier ${what}: ${describeError(error)}. Fix the classifier or pass options.task.`,
      {},
      error,
    );
  }

  /** A request refused before it was accepted (closed router, bad options, already aborted). */
  #refused(
    id: number,
    code: ZetaErrorCode,
    message: string,
    problems: string[] = [],
    cause?: unknown,
  ): ZetaError {
    const error = new ZetaError(
      code,
      message,
      { requestId: id, ...(problems.length > 0 ? { problems } : {}) },
      cause === undefined ? undefined : { cause },
    );
    const o = this.#s.observer;
    if (o.listening('reject')) o.notify('reject', { requestId: id, task: undefined, error });
    return error;
  }
}

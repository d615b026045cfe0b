import { describeError } from '../../errors/describeError.js';
import { type FailedAttempt, ZetaError, type ZetaErrorCode } from '../../errors/ZetaError.js';
import type { TokenUsage } from '../../types.js';
import type { CompletedStream, CompleteEvent, Decision, RejectEvent } from '../events.js';
import { listSome } from '../internal/listSome.js';
import type { RouterRequest } from '../internal/request.js';
import type { Stages } from './context.js';
import type { ModelEntry } from './fleet.js';

/** What a failure carries besides its code and message. */
export interface FailureDetails {
  readonly problems?: string[];
  readonly attempts?: FailedAttempt[];
  readonly limits?: Record<string, number>;
}

/**
 * How requests end: every accepted `run()` settles exactly once, with its result or a typed
 * `ZetaError`, and `drain()` resolves once nothing is pending and every lane is idle.
 */
export class Settlement<Req, Res> {
  readonly #s: Stages<Req, Res>;
  #pending = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(stages: Stages<Req, Res>) {
    this.#s = stages;
  }

  /** Requests accepted and not settled yet. */
  get pending(): number {
    return this.#pending;
  }

  /** Counts a newly accepted request. */
  accepted(): void {
    this.#pending++;
  }

  /** `p` succeeded with `result`, from the call `served`. */
  complete(p: RouterRequest<Req, Res>, served: Served<Req, Res>, result: Res): void {
    if (p.settled) return;
    this.#settle(p);
    const figures = completion(p, served);
    const arm = p.arm;
    if (arm !== undefined)
      this.#s.experiments!.completed(arm, p.id, figures.model, figures.totalMs, served.end);
    const o = this.#s.observer;
    if (o.listening('complete')) o.notify('complete', figures);
    const { requestId: id, ...info } = figures;
    p.resolve(p.wantInfo ? { id, result, ...info, decision: p.decision! } : result);
    this.checkIdle();
  }

  /**
   * A stream that settled its request at its first chunk has ended, to its end or stopped by its
   * consumer: `complete`, with the whole call's figures and `stream`. (Its experiment arm counted
   * it when it started.)
   */
  streamCompleted(
    p: RouterRequest<Req, Res>,
    served: Served<Req, Res>,
    stream: CompletedStream,
  ): void {
    const o = this.#s.observer;
    if (!o.listening('complete')) return;
    o.notify('complete', { ...completion(p, served), stream });
  }

  /** A stream broke after its first chunk: `reject`, with the error its consumer got. */
  streamBroke(p: RouterRequest<Req, Res>, error: ZetaError): void {
    const o = this.#s.observer;
    if (o.listening('reject')) o.notify('reject', rejection(p, error));
  }

  /** A stream's first chunk came: the request settles with the consumer's side of the stream. */
  streamStarted(p: RouterRequest<Req, Res>, handle: unknown): void {
    if (p.settled) return;
    this.#settle(p);
    if (p.arm !== undefined) {
      const now = this.#s.now();
      const model = p.decision?.model ?? '';
      this.#s.experiments!.completed(p.arm, p.id, model, now - p.arrival, now);
    }
    p.resolve(handle as Res);
    this.checkIdle();
  }

  fail(
    p: RouterRequest<Req, Res>,
    code: ZetaErrorCode,
    message: string,
    details: FailureDetails = {},
    cause?: unknown,
  ): void {
    if (p.settled) return;
    this.reject(p, this.error(p, code, message, details, cause));
  }

  /** The `ZetaError` for `p`: its id and task type, the details, and what caused it. */
  error(
    p: RouterRequest<Req, Res>,
    code: ZetaErrorCode,
    message: string,
    details: FailureDetails = {},
    cause?: unknown,
  ): ZetaError {
    return new ZetaError(
      code,
      message,
      { requestId: p.id, ...(p.profile ? { task: p.profile.type } : {}), ...details },
      cause === undefined ? undefined : { cause },
    );
  }

  /** Every attempt failed (or a retry found no other model with room). */
  failModel(p: RouterRequest<Req, Res>): void {
    const last = p.attempts[p.attempts.length - 1];
    const list = p.attempts.map((a) => `${a.model}: ${describeError(a.error, 200)}`);
    this.fail(
      p,
      'MODEL_FAILED',
      `All ${p.attempts.length} attempt(s) failed (${listSome(list, 5, '; ')}).`,
      { attempts: [...p.attempts] },
      last?.error,
    );
  }

  noCapableModel(p: RouterRequest<Req, Res>, d: Decision): void {
    const task = d.task;
    const why = listSome(d.excluded.map((x) => `${x.id}: ${x.reason}`));
    this.fail(
      p,
      'NO_CAPABLE_MODEL',
      `No model can serve task '${task.type}' (complexity ${task.complexity}${p.tokens ? `, ${p.tokens} tokens` : ''}): ${why || 'no models'}. Add a model listing '${task.type}' in its tasks, or raise maxComplexity / maxTokens.`,
    );
  }

  strategyFailed(p: RouterRequest<Req, Res>, error: unknown): void {
    const isZeta = error instanceof ZetaError;
    this.fail(
      p,
      'STRATEGY_FAILED',
      isZeta ? error.message : describeError(error),
      {},
      isZeta ? error.cause : error,
    );
  }

  reject(p: RouterRequest<Req, Res>, error: ZetaError): void {
    if (p.settled) return;
    this.#settle(p);
    const arm = p.arm;
    if (arm !== undefined) this.#s.experiments!.failed(arm, error.code);
    const o = this.#s.observer;
    if (o.listening('reject')) o.notify('reject', rejection(p, error));
    p.reject(error);
    this.checkIdle();
  }

  /** Resolves once nothing is pending and every lane is idle (at once when idle). */
  drain(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  checkIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #isIdle(): boolean {
    if (this.#pending > 0) return false;
    for (const e of this.#s.fleet.entries()) if (!e.lane.idle) return false;
    return true;
  }

  #settle(p: RouterRequest<Req, Res>): void {
    p.settled = true;
    this.#s.admission.unwait(p);
    if (p.timer !== undefined) this.#s.clock.clearTimeout(p.timer);
    p.timer = undefined;
    p.cleanupSignal?.();
    p.cleanupSignal = undefined;
    this.#pending--;
  }
}

/** The call a request completed with (a `Call`, as far as settling reads it). */
export interface Served<Req, Res> {
  readonly entry: ModelEntry<Req, Res>;
  /** Its number among the request's calls. */
  readonly number: number;
  readonly latencyMs: number;
  readonly end: number;
  readonly usage: TokenUsage | undefined;
}

/** The figures of a request that completed with `served` (`complete`'s payload). */
function completion<Req, Res>(p: RouterRequest<Req, Res>, served: Served<Req, Res>): CompleteEvent {
  const usage = served.usage;
  return {
    requestId: p.id,
    model: served.entry.model.id,
    task: p.profile!,
    attempts: served.number,
    queuedMs: p.queuedMs,
    latencyMs: served.latencyMs,
    totalMs: served.end - p.arrival,
    ...(p.arm === undefined ? {} : { experiment: p.arm.name }),
    ...(usage === undefined ? {} : { usage }),
  };
}

/** `reject`'s payload for `p` failing with `error`. */
function rejection<Req, Res>(p: RouterRequest<Req, Res>, error: ZetaError): RejectEvent {
  const arm = p.arm;
  return arm === undefined
    ? { requestId: p.id, task: p.profile, error }
    : { requestId: p.id, task: p.profile, error, experiment: arm.name };
}

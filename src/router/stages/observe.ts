import type { EventEmitter } from 'eventemitter3';
import type { LoadTracker } from '../../load/LoadTracker.js';
import type { FinishDetails, TaskType } from '../../types.js';
import type { RouterEvents } from '../events.js';
import type { ModelEntry } from './fleet.js';

/**
 * The observe stage: what the router learns from each call (the load tracker and each model's
 * health) and the typed events it emits. Listeners may do anything, throw included: an error in a
 * listener is rethrown on a later microtask and never disturbs routing.
 */
export class Observer<Req, Res> {
  readonly tracker: LoadTracker;
  readonly #emitter: EventEmitter<RouterEvents>;

  constructor(tracker: LoadTracker, emitter: EventEmitter<RouterEvents>) {
    this.tracker = tracker;
    this.#emitter = emitter;
  }

  /** Whether anyone listens to `event` (event payloads are built only then). */
  listening(event: keyof RouterEvents): boolean {
    return this.#emitter.listenerCount(event) > 0;
  }

  /** Emits to listeners without letting them disturb routing. */
  notify<E extends keyof RouterEvents>(event: E, payload: Parameters<RouterEvents[E]>[0]): void {
    try {
      (this.#emitter.emit as (event: E, payload: unknown) => boolean)(event, payload);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** A call of `type` started on `e`. */
  started(e: ModelEntry<Req, Res>, type: TaskType, now: number): void {
    e.health?.onStart();
    this.tracker.recordStart(e.model.id, type, now);
  }

  /**
   * A call of `type` on `e` finished after `latencyMs`: it counts for the model's latency and
   * health; `details` (complexity, estimated and real tokens) go to the tracker.
   */
  finished(
    e: ModelEntry<Req, Res>,
    type: TaskType,
    ok: boolean,
    latencyMs: number,
    now: number,
    details?: FinishDetails,
  ): void {
    this.tracker.recordFinish(e.model.id, type, latencyMs, ok, now, details);
    e.health?.onFinish(ok, latencyMs, now, type);
  }

  /** A call's caller gave up (abort): its cut-short outcome says nothing about the model. */
  abandoned(e: ModelEntry<Req, Res>, type: TaskType, now: number): void {
    const tracker = this.tracker;
    if (tracker.recordAbandon) tracker.recordAbandon(e.model.id, type, now);
    else tracker.recordFinish(e.model.id, type, Number.NaN, true, now);
    e.health?.onAbandon();
  }

  /** A call ignored its abort past the grace period: a failure of the model (no latency sample). */
  hung(e: ModelEntry<Req, Res>, type: TaskType, now: number): void {
    this.tracker.recordFinish(e.model.id, type, Number.NaN, false, now);
    e.health?.onFinish(false, Number.NaN, now, type);
  }
}

import { describeError } from '../../errors/describeError.js';
import type { ProbeReading } from '../../probe/ModelProbe.js';
import { checkedLoad, reachesSpillAt } from '../../probe/readings.js';
import type { Stages } from './context.js';
import type { ModelEntry } from './fleet.js';

interface Polling {
  timer: unknown;
  abort: AbortController | undefined;
  timeout: unknown;
  stopped: boolean;
}

/**
 * The probe stage: polls each model's load probe on its interval (on the router's clock) and keeps
 * the last reading on the model. A read that fails, returns garbage or outlasts its timeout leaves
 * the load unknown (not busy); no read ever blocks routing. When a model stops being busy, requests
 * waiting for it are bound.
 */
export class Prober<Req, Res> {
  readonly #s: Stages<Req, Res>;
  readonly #polls = new Map<ModelEntry<Req, Res>, Polling>();

  constructor(stages: Stages<Req, Res>) {
    this.#s = stages;
  }

  /** Starts polling `e`'s probe, if it has one: a first read at once, then every interval. */
  start(e: ModelEntry<Req, Res>): void {
    if (e.model.probe === undefined || this.#polls.has(e)) return;
    const polling: Polling = {
      timer: undefined,
      abort: undefined,
      timeout: undefined,
      stopped: false,
    };
    this.#polls.set(e, polling);
    this.#read(e, polling);
  }

  /** Stops polling `e` (removed) and aborts a read in progress. */
  stop(e: ModelEntry<Req, Res>): void {
    const polling = this.#polls.get(e);
    if (polling === undefined) return;
    this.#polls.delete(e);
    polling.stopped = true;
    const clock = this.#s.clock;
    if (polling.timer !== undefined) clock.clearTimeout(polling.timer);
    if (polling.timeout !== undefined) clock.clearTimeout(polling.timeout);
    polling.abort?.abort(new Error('probe stopped'));
  }

  /** Stops every probe (`close()`). */
  stopAll(): void {
    for (const e of [...this.#polls.keys()]) this.stop(e);
  }

  #read(e: ModelEntry<Req, Res>, polling: Polling): void {
    const probe = e.model.probe!;
    const s = this.#s;
    const abort = new AbortController();
    polling.abort = abort;
    let done = false;
    const finish = (load: unknown, error: string | undefined): void => {
      if (done || polling.stopped) return;
      done = true;
      if (polling.timeout !== undefined) s.clock.clearTimeout(polling.timeout);
      polling.timeout = undefined;
      polling.abort = undefined;
      const checked = error === undefined ? checkedLoad(load) : undefined;
      this.#record(e, {
        load: checked,
        at: s.now(),
        error: error ?? (checked === undefined ? 'the probe returned no usable load' : undefined),
        busy: reachesSpillAt(checked, probe.spillAt),
      });
      polling.timer = s.clock.setTimeout(() => {
        polling.timer = undefined;
        if (!polling.stopped) this.#read(e, polling);
      }, probe.intervalMs);
    };
    polling.timeout = s.clock.setTimeout(() => {
      polling.timeout = undefined;
      abort.abort(new Error(`probe timed out after ${probe.timeoutMs}ms`));
      finish(undefined, `timed out after ${probe.timeoutMs}ms`);
    }, probe.timeoutMs);
    try {
      Promise.resolve(probe.read(abort.signal)).then(
        (load) => finish(load, undefined),
        (error: unknown) => finish(undefined, describeError(error, 200)),
      );
    } catch (error) {
      finish(undefined, describeError(error, 200));
    }
  }

  #record(e: ModelEntry<Req, Res>, reading: ProbeReading): void {
    const wasBusy = e.probe?.busy === true;
    e.probe = Object.freeze(reading);
    // No longer busy by its server's word: requests waiting for it may bind now.
    if (wasBusy && !reading.busy) this.#s.admission.pump(e);
  }
}

import { Lane, type LaneLimits, type LaneTicket } from '../../src/lane/Lane.js';
import { type Deferred, deferred } from '../helpers/manualClock.js';

/** Lets every pending promise reaction run. */
export const flush = () => new Promise<void>((r) => setImmediate(r));

/**
 * A lane on a hand-moved clock, whose work items are deferreds resolved by the test; `log` records
 * every start in order and `frees` counts `onFree` calls.
 */
export function harness(limits: Partial<LaneLimits> = {}) {
  const clock = { t: 0 };
  let frees = 0;
  const lane = new Lane(
    { concurrency: 1, maxTokens: Number.POSITIVE_INFINITY, maxQueue: 100, ...limits },
    () => clock.t,
    () => {
      frees++;
    },
  );
  const log: string[] = [];
  const calls = new Map<string, Deferred<string>>();
  const bind = (name: string, tokens = 0, priority = 0): LaneTicket<string | undefined> => {
    const ticket = lane.bind(
      tokens,
      () => {
        log.push(name);
        const d = deferred<string>();
        calls.set(name, d);
        return d.promise;
      },
      priority,
    );
    // Tests that care about a rejection await `done` themselves.
    ticket.done.catch(() => undefined);
    return ticket;
  };
  const call = (name: string): Deferred<string> => {
    const d = calls.get(name);
    if (!d) throw new Error(`'${name}' has not started`);
    return d;
  };
  return {
    lane,
    log,
    clock,
    bind,
    call,
    get frees() {
      return frees;
    },
  };
}

/** Whether a promise has settled, after letting pending reactions run. */
export async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await flush();
  return done;
}

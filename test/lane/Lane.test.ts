import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lane, type LaneLimits, type LaneTicket } from '../../src/lane/Lane.js';
import { type Deferred, deferred } from '../helpers/manualClock.js';

/** Lets every pending promise reaction run. */
const flush = () => new Promise<void>((r) => setImmediate(r));

/**
 * A lane on a hand-moved clock, whose work items are deferreds resolved by the test; `log` records
 * every start in order and `frees` counts `onFree` calls.
 */
function harness(limits: Partial<LaneLimits> = {}) {
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
async function settled(p: Promise<unknown>): Promise<boolean> {
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

describe('Lane: binding and starting', () => {
  it('starts work at once, synchronously, when a slot is free', () => {
    const h = harness({ concurrency: 2 });
    h.bind('a', 30);
    expect(h.log).toEqual(['a']);
    expect(h.lane.counts()).toEqual({ inFlight: 1, queued: 0, tokensInFlight: 30 });
    expect(h.lane.idle).toBe(false);
  });

  it('runs at most `concurrency` calls and starts queued work first-in first-out as slots free', async () => {
    const h = harness({ concurrency: 2 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) h.bind(name, 1);
    expect(h.log).toEqual(['a', 'b']);
    expect(h.lane.counts()).toEqual({ inFlight: 2, queued: 3, tokensInFlight: 5 });
    h.call('b').resolve('B');
    await flush();
    expect(h.log).toEqual(['a', 'b', 'c']);
    h.call('a').reject(new Error('boom'));
    await flush();
    expect(h.log).toEqual(['a', 'b', 'c', 'd']);
    expect(h.lane.counts()).toEqual({ inFlight: 2, queued: 1, tokensInFlight: 3 });
    h.call('c').resolve('C');
    h.call('d').resolve('D');
    await flush();
    expect(h.log).toEqual(['a', 'b', 'c', 'd', 'e']);
    h.call('e').resolve('E');
    await flush();
    expect(h.lane.counts()).toEqual({ inFlight: 0, queued: 0, tokensInFlight: 0 });
    expect(h.lane.idle).toBe(true);
  });

  it('starts higher-priority queued work first, first-in first-out within a priority', async () => {
    const h = harness({ concurrency: 1 });
    h.bind('running');
    h.bind('low', 0, -1);
    h.bind('mid1', 0, 0);
    h.bind('high', 0, 5);
    h.bind('mid2');
    for (const name of ['running', 'high', 'mid1', 'mid2']) {
      h.call(name).resolve(name);
      await flush();
    }
    expect(h.log).toEqual(['running', 'high', 'mid1', 'mid2', 'low']);
  });

  it("holds a slot until the work's own promise settles", async () => {
    const h = harness({ concurrency: 1 });
    const a = h.bind('a');
    h.bind('b');
    await flush();
    await flush();
    expect(h.log).toEqual(['a']);
    expect(h.lane.inFlight).toBe(1);
    expect(await settled(a.done)).toBe(false);
    h.call('a').resolve('A');
    await flush();
    expect(h.log).toEqual(['a', 'b']);
  });

  it("settles `done` with the work's value or error, including a synchronous throw", async () => {
    const h = harness({ concurrency: 3 });
    const ok = h.bind('ok');
    const bad = h.bind('bad');
    const boom = new Error('sync');
    const sync = h.lane.bind(0, () => {
      throw boom;
    });
    h.call('ok').resolve('value');
    const err = new Error('async');
    h.call('bad').reject(err);
    await expect(ok.done).resolves.toBe('value');
    await expect(bad.done).rejects.toBe(err);
    await expect(sync.done).rejects.toBe(boom);
    await flush();
    expect(h.lane.counts()).toEqual({ inFlight: 0, queued: 0, tokensInFlight: 0 });
  });

  it('exposes its limits and returns a fresh copy of its counters each time', () => {
    const limits = { concurrency: 3, maxTokens: 100, maxQueue: 2 };
    const lane = new Lane(
      limits,
      () => 0,
      () => undefined,
    );
    expect(lane.limits).toEqual(limits);
    const a = lane.counts();
    const b = lane.counts();
    expect(a).not.toBe(b);
    lane.bind(5, () => new Promise(() => undefined));
    expect(a).toEqual({ inFlight: 0, queued: 0, tokensInFlight: 0 });
  });
});

describe('Lane: canStart and canQueue', () => {
  it('canStart needs a slot not taken by running or queued work, and token room', async () => {
    const h = harness({ concurrency: 2, maxTokens: 100 });
    expect(h.lane.canStart(100)).toBe(true);
    expect(h.lane.canStart(101)).toBe(false);
    h.bind('a', 60);
    expect(h.lane.canStart(40)).toBe(true);
    expect(h.lane.canStart(41)).toBe(false);
    h.bind('b', 40);
    expect(h.lane.canStart(0)).toBe(false);
    h.call('a').resolve('A');
    await flush();
    expect(h.lane.canStart(60)).toBe(true);
  });

  it('canQueue needs room under maxQueue and token room', () => {
    const h = harness({ concurrency: 1, maxTokens: 100, maxQueue: 2 });
    h.bind('a', 10);
    expect(h.lane.canStart(0)).toBe(false);
    expect(h.lane.canQueue(90)).toBe(true);
    expect(h.lane.canQueue(91)).toBe(false);
    h.bind('b', 10);
    expect(h.lane.canQueue(10)).toBe(true);
    h.bind('c', 10);
    expect(h.lane.queued).toBe(2);
    expect(h.lane.canQueue(0)).toBe(false);
  });

  it('never allows a queue when maxQueue is 0', () => {
    const h = harness({ concurrency: 1, maxQueue: 0 });
    expect(h.lane.canQueue(0)).toBe(false);
    h.bind('a');
    expect(h.lane.canStart(0)).toBe(false);
    expect(h.lane.canQueue(0)).toBe(false);
  });
});

describe('Lane: cancel', () => {
  it('takes back a queued request at once: counters drop, onFree runs, work never starts', async () => {
    const h = harness({ concurrency: 1 });
    h.bind('a', 5);
    const b = h.bind('b', 7);
    h.bind('c', 11);
    const frees = h.frees;
    expect(b.cancel()).toBe(true);
    expect(h.lane.counts()).toEqual({ inFlight: 1, queued: 1, tokensInFlight: 16 });
    expect(h.frees).toBe(frees + 1);
    expect(b.cancel()).toBe(false);
    expect(h.frees).toBe(frees + 1);
    h.call('a').resolve('A');
    await flush();
    await flush();
    expect(h.log).toEqual(['a', 'c']);
    // A cancelled ticket's `done` never rejects: it resolves with undefined once the queue passes it.
    await expect(b.done).resolves.toBeUndefined();
    h.call('c').resolve('C');
    await flush();
    expect(h.log).toEqual(['a', 'c']);
    expect(h.lane.idle).toBe(true);
  });

  it('does nothing once the work has started or finished', async () => {
    const h = harness({ concurrency: 1 });
    const a = h.bind('a', 3);
    expect(a.cancel()).toBe(false);
    expect(h.lane.counts()).toEqual({ inFlight: 1, queued: 0, tokensInFlight: 3 });
    h.call('a').resolve('A');
    await expect(a.done).resolves.toBe('A');
    expect(a.cancel()).toBe(false);
    expect(h.lane.counts()).toEqual({ inFlight: 0, queued: 0, tokensInFlight: 0 });
  });

  it('lets the next request start at once in the slot the cancelled one would have used', async () => {
    const h = harness({ concurrency: 1 });
    h.bind('a');
    const b = h.bind('b');
    b.cancel();
    h.call('a').resolve('A');
    await flush();
    h.bind('c');
    await flush();
    expect(h.log).toEqual(['a', 'c']);
    expect(h.lane.inFlight).toBe(1);
  });
});

describe('Lane: onFree and onIdle', () => {
  it('calls onFree on every release: success, failure and cancel, never on bind or start', async () => {
    const h = harness({ concurrency: 2 });
    h.bind('a');
    h.bind('b');
    const c = h.bind('c');
    h.bind('d');
    expect(h.frees).toBe(0);
    c.cancel();
    expect(h.frees).toBe(1);
    h.call('a').resolve('A');
    await flush();
    expect(h.frees).toBe(2);
    h.call('b').reject(new Error('x'));
    await flush();
    expect(h.frees).toBe(3);
    h.call('d').resolve('D');
    await flush();
    expect(h.frees).toBe(4);
  });

  it('does not offer a released slot from inside onFree when a queued request takes it', async () => {
    const seen: boolean[] = [];
    const lane: Lane = new Lane(
      { concurrency: 1, maxTokens: 100, maxQueue: 5 },
      () => 0,
      () => seen.push(lane.canStart(0)),
    );
    const d = deferred<void>();
    lane.bind(1, () => d.promise);
    lane.bind(1, () => new Promise(() => undefined));
    d.resolve();
    await flush();
    expect(seen).toEqual([false]);
    expect(lane.counts()).toEqual({ inFlight: 1, queued: 0, tokensInFlight: 1 });
  });

  it('sees the released room from inside onFree', async () => {
    const seen: boolean[] = [];
    const lane: Lane = new Lane(
      { concurrency: 1, maxTokens: 10, maxQueue: 5 },
      () => 0,
      () => seen.push(lane.canStart(10)),
    );
    const d = deferred<void>();
    lane.bind(10, () => d.promise);
    d.resolve();
    await flush();
    expect(seen).toEqual([true]);
  });

  it('resolves onIdle at once when idle', async () => {
    const h = harness();
    let idle = false;
    void h.lane.onIdle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(true);
  });

  it('resolves every onIdle waiter once the last running or queued request is gone', async () => {
    const h = harness({ concurrency: 1 });
    h.bind('a');
    const b = h.bind('b');
    const first = h.lane.onIdle();
    const second = h.lane.onIdle();
    h.call('a').resolve('A');
    await flush();
    expect(await settled(first)).toBe(false);
    h.call('b').resolve('B');
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    await b.done;
  });

  it('does not wait for cancelled requests: onIdle resolves when the running call ends', async () => {
    const h = harness({ concurrency: 1 });
    h.bind('x');
    const y = h.bind('y');
    const z = h.bind('z');
    const idle = h.lane.onIdle();
    expect(y.cancel()).toBe(true);
    expect(await settled(idle)).toBe(false);
    expect(z.cancel()).toBe(true);
    expect(await settled(idle)).toBe(false);
    h.call('x').resolve('X');
    expect(await settled(idle)).toBe(true);
    expect(h.log).toEqual(['x']);
  });

  it('resolves onIdle from inside onFree when the last queued request is cancelled there', async () => {
    let idle: Promise<void> | undefined;
    let late: ReturnType<Lane['bind']> | undefined;
    const lane: Lane = new Lane(
      { concurrency: 1, maxTokens: 10, maxQueue: 5 },
      () => 0,
      () => {
        // The first release: bind and take back a request before anything else can run.
        if (late) return;
        late = lane.bind(1, () => Promise.resolve());
        idle = lane.onIdle();
        late.cancel();
      },
    );
    const d = deferred<void>();
    lane.bind(1, () => d.promise);
    d.resolve();
    await flush();
    expect(idle).toBeDefined();
    expect(await settled(idle!)).toBe(true);
    expect(lane.counts()).toEqual({ inFlight: 0, queued: 0, tokensInFlight: 0 });
  });
});

describe('Lane: elapsed time of running calls', () => {
  it('reports the mean and the oldest elapsed time, 0 when none run', async () => {
    const h = harness({ concurrency: 3 });
    expect(h.lane.meanElapsedMs(500)).toBe(0);
    expect(h.lane.maxElapsedMs(500)).toBe(0);
    h.clock.t = 10;
    h.bind('a');
    h.clock.t = 20;
    h.bind('b');
    h.clock.t = 40;
    h.bind('c');
    h.bind('d'); // queued: not counted
    expect(h.lane.meanElapsedMs(100)).toBeCloseTo((90 + 80 + 60) / 3, 9);
    expect(h.lane.maxElapsedMs(100)).toBe(90);
    h.call('a').resolve('A'); // `d` starts now, at 40
    await flush();
    expect(h.lane.meanElapsedMs(100)).toBeCloseTo((80 + 60 + 60) / 3, 9);
    expect(h.lane.maxElapsedMs(100)).toBe(80);
    h.call('c').resolve('C');
    await flush();
    expect(h.lane.maxElapsedMs(100)).toBe(80);
    h.call('b').resolve('B');
    await flush();
    expect(h.lane.maxElapsedMs(100)).toBe(60);
    expect(h.lane.meanElapsedMs(100)).toBe(60);
    h.call('d').resolve('D');
    await flush();
    expect(h.lane.meanElapsedMs(100)).toBe(0);
    expect(h.lane.maxElapsedMs(100)).toBe(0);
  });

  it('does not carry rounding errors of a fractional clock into the next busy period', async () => {
    const h = harness({ concurrency: 2 });
    // Summing and removing these start times leaves 1.2e-7 behind in a running sum.
    h.clock.t = 1e9;
    h.bind('a');
    h.clock.t = 1e9 + 0.123;
    h.bind('b');
    h.call('a').resolve('A');
    h.call('b').resolve('B');
    await flush();
    expect(h.lane.idle).toBe(true);
    const start = 1e9 + 1000.5;
    h.clock.t = start;
    h.bind('c');
    expect(h.lane.meanElapsedMs(start)).toBe(0);
    expect(h.lane.meanElapsedMs(start + 1)).toBe(start + 1 - start);
  });

  it('matches the exact mean and max of (now - start) and is never negative, for any start times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.double({ min: 0, max: 1e4, noNaN: true }),
            finish: fc.nat({ max: 20 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (steps) => {
          const h = harness({ concurrency: 1000 });
          const starts = new Map<string, number>();
          let n = 0;
          for (const step of steps) {
            h.clock.t += step.gap;
            // Finish one running call (if any), then start another.
            const running = [...starts.keys()];
            const victim = running[step.finish % Math.max(1, running.length)];
            if (victim !== undefined && step.finish % 3 === 0) {
              h.call(victim).resolve('done');
              starts.delete(victim);
              await flush();
            }
            const name = `c${n++}`;
            starts.set(name, h.clock.t);
            h.bind(name);
            const elapsed = [...starts.values()].map((s) => h.clock.t - s);
            const mean = elapsed.reduce((a, b) => a + b, 0) / elapsed.length;
            expect(h.lane.meanElapsedMs(h.clock.t)).toBeGreaterThanOrEqual(0);
            expect(h.lane.meanElapsedMs(h.clock.t)).toBeCloseTo(mean, 6);
            expect(h.lane.maxElapsedMs(h.clock.t)).toBe(Math.max(...elapsed));
          }
        },
      ),
    );
  });
});

type Op =
  | { readonly kind: 'bind'; readonly tokens: number; readonly priority: number }
  | { readonly kind: 'cancel' | 'resolve' | 'reject'; readonly pick: number }
  | { readonly kind: 'flush' }
  | { readonly kind: 'tick'; readonly ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('bind' as const),
      tokens: fc.nat(60),
      priority: fc.integer({ min: -1, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(1000) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat(1000) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reject' as const), pick: fc.nat(1000) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.nat(500) }) },
);

type ModelState = 'queued' | 'running' | 'settling' | 'done' | 'cancelled';

interface ModelTicket {
  readonly id: number;
  readonly tokens: number;
  readonly ticket: LaneTicket<number | undefined>;
  readonly priority: number;
  state: ModelState;
  start: number;
  deferred: Deferred<number> | undefined;
  outcome:
    | { ok: true; value: number | undefined }
    | { ok: false; error: Error }
    | 'cancelled'
    | undefined;
}

describe('Lane: model-based property', () => {
  it('keeps capacity, tokens, priority-then-FIFO order and counters exact under any bind / cancel / settle sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          concurrency: fc.integer({ min: 1, max: 4 }),
          maxTokens: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constant(Infinity)),
          maxQueue: fc.integer({ min: 0, max: 6 }),
        }),
        fc.array(opArb, { maxLength: 60 }),
        async (limits, ops) => {
          let now = 0;
          let frees = 0;
          let releases = 0;
          const tickets: ModelTicket[] = [];
          const violations: string[] = [];
          const lane = new Lane(
            limits,
            () => now,
            () => {
              frees++;
              checkSafety('onFree');
            },
          );
          const inState = (s: ModelState) => tickets.filter((t) => t.state === s);
          function checkSafety(where: string): void {
            const c = lane.counts();
            if (c.inFlight > limits.concurrency)
              violations.push(`${where}: inFlight ${c.inFlight}`);
            if (c.tokensInFlight > limits.maxTokens)
              violations.push(`${where}: tokens ${c.tokensInFlight}`);
            if (c.inFlight < 0 || c.queued < 0 || c.tokensInFlight < 0)
              violations.push(`${where}: negative ${JSON.stringify(c)}`);
            const live = inState('running').length + inState('settling').length;
            if (live > limits.concurrency) violations.push(`${where}: ${live} calls running`);
            // canStart means "starts now": the running and queued requests leave a slot for it.
            const queued = inState('queued').length;
            if (lane.canStart(0) && live + queued >= limits.concurrency)
              violations.push(`${where}: canStart with ${live} running and ${queued} queued`);
          }
          /** Counters equal the model once every promise reaction has run. */
          function checkExact(): void {
            const running = inState('running');
            const queued = inState('queued');
            expect(lane.counts()).toEqual({
              inFlight: running.length,
              queued: queued.length,
              tokensInFlight: [...running, ...queued].reduce((s, t) => s + t.tokens, 0),
            });
            // Work-conserving: nothing waits while a slot is free.
            if (queued.length > 0) expect(running.length).toBe(limits.concurrency);
            expect(lane.idle).toBe(running.length + queued.length === 0);
            if (running.length > 0) {
              const elapsed = running.map((t) => now - t.start);
              expect(lane.maxElapsedMs(now)).toBe(Math.max(...elapsed));
              expect(lane.meanElapsedMs(now)).toBeCloseTo(
                elapsed.reduce((a, b) => a + b, 0) / elapsed.length,
                9,
              );
            } else {
              expect(lane.maxElapsedMs(now)).toBe(0);
              expect(lane.meanElapsedMs(now)).toBe(0);
            }
            expect(frees).toBe(releases);
          }

          for (const op of ops) {
            switch (op.kind) {
              case 'bind': {
                if (!lane.canStart(op.tokens) && !lane.canQueue(op.tokens)) break;
                const id = tickets.length;
                const t: ModelTicket = {
                  id,
                  tokens: op.tokens,
                  priority: op.priority,
                  state: 'queued',
                  start: Number.NaN,
                  deferred: undefined,
                  outcome: undefined,
                  ticket: undefined as unknown as LaneTicket<number | undefined>,
                };
                tickets.push(t);
                const work = () => {
                  // Highest priority first, then first bound: that queued request is the one to start.
                  const first = inState('queued').reduce((a, b) =>
                    b.priority > a.priority ? b : a,
                  );
                  if (first !== t) violations.push(`started #${id} before #${first.id}`);
                  t.state = 'running';
                  t.start = now;
                  t.deferred = deferred<number>();
                  checkSafety(`start #${id}`);
                  return t.deferred.promise.finally(() => {
                    t.state = 'done';
                    releases++;
                  });
                };
                (t as { ticket: LaneTicket<number | undefined> }).ticket = lane.bind(
                  op.tokens,
                  work,
                  op.priority,
                );
                t.ticket.done.then(
                  (value) => {
                    t.outcome = t.outcome === 'cancelled' ? t.outcome : { ok: true, value };
                  },
                  (error: Error) => {
                    t.outcome = { ok: false, error };
                  },
                );
                break;
              }
              case 'cancel': {
                const t = tickets[op.pick % Math.max(1, tickets.length)];
                if (!t) break;
                const wasQueued = t.state === 'queued';
                expect(t.ticket.cancel()).toBe(wasQueued);
                if (wasQueued) {
                  t.state = 'cancelled';
                  t.outcome = 'cancelled';
                  releases++;
                }
                break;
              }
              case 'resolve':
              case 'reject': {
                const running = inState('running');
                const t = running[op.pick % Math.max(1, running.length)];
                if (!t) break;
                t.state = 'settling';
                if (op.kind === 'resolve') t.deferred!.resolve(t.id);
                else t.deferred!.reject(new Error(`#${t.id}`));
                break;
              }
              case 'flush':
                await flush();
                checkExact();
                break;
              case 'tick':
                now += op.ms;
                break;
            }
            checkSafety(op.kind);
          }

          // Drain: settle everything still running until the lane is idle.
          const idle = lane.onIdle();
          for (;;) {
            await flush();
            checkExact();
            const running = inState('running');
            if (running.length === 0) break;
            for (const t of running) {
              t.state = 'settling';
              t.deferred!.resolve(t.id);
            }
          }
          await idle;
          expect(violations).toEqual([]);
          expect(lane.counts()).toEqual({ inFlight: 0, queued: 0, tokensInFlight: 0 });
          expect(lane.idle).toBe(true);
          await flush();
          for (const t of tickets) {
            if (t.state === 'cancelled') {
              expect(t.outcome).toBe('cancelled');
            } else {
              expect(t.state).toBe('done');
              expect(t.outcome).toBeDefined();
              const o = t.outcome as { ok: boolean; value?: number; error?: Error };
              if (o.ok) expect(o.value).toBe(t.id);
              else expect(o.error?.message).toBe(`#${t.id}`);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

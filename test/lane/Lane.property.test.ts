import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lane, type LaneTicket } from '../../src/lane/Lane.js';
import { type Deferred, deferred } from '../helpers/manualClock.js';
import { flush } from './Lane.harness.js';

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

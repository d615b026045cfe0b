import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CapacityCoordinator,
  type CapacityLease,
  InMemoryCapacityCoordinator,
  LEASE_ANSWER_MS,
  type LeaseRequest,
} from '../../src/capacity/index.js';
import { isZetaError } from '../../src/errors/ZetaError.js';
import type { CallContext, ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { ManualClock } from '../helpers/manualClock.js';

/** How the coordinator answers one acquire. */
type Answer =
  | { readonly kind: 'sync' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'reject'; readonly ms: number }
  | { readonly kind: 'throw' }
  | { readonly kind: 'late' }
  | { readonly kind: 'never' };

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'sync' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('delay' as const),
      ms: fc.integer({ min: 0, max: 30 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reject' as const),
      ms: fc.integer({ min: 0, max: 30 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'throw' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'late' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'never' as const }) },
);

/**
 * A coordinator over a shared in-memory one that answers as a flaky remote would: at once, after a
 * delay (the lease taken when the answer comes), with an error, by throwing, after the router's
 * deadline (a real lease the router must give back), or never.
 */
class FlakyCoordinator implements CapacityCoordinator {
  #i = 0;
  constructor(
    readonly inner: InMemoryCapacityCoordinator,
    readonly clock: ManualClock,
    readonly answers: readonly Answer[],
  ) {}

  acquire(request: LeaseRequest): CapacityLease | undefined | Promise<CapacityLease | undefined> {
    const a = this.answers[this.#i++ % this.answers.length]!;
    const later = (ms: number, fn: () => CapacityLease | undefined) =>
      new Promise<CapacityLease | undefined>((resolve, reject) =>
        this.clock.setTimeout(() => {
          try {
            resolve(fn());
          } catch (error) {
            reject(error);
          }
        }, ms),
      );
    switch (a.kind) {
      case 'sync':
        return this.inner.acquire(request);
      case 'delay':
        return later(a.ms, () => this.inner.acquire(request));
      case 'reject':
        return later(a.ms, () => {
          throw new Error('redis timeout');
        });
      case 'throw':
        throw new Error('broken coordinator');
      case 'late':
        return later(LEASE_ANSWER_MS + 10, () => this.inner.acquire(request));
      case 'never':
        return new Promise(() => undefined);
    }
  }
  release(lease: CapacityLease): void {
    this.inner.release(lease);
  }
  isFull(model: string): boolean {
    return this.inner.isFull(model);
  }
  watch(listener: (model: string) => void): () => void {
    return this.inner.watch(listener);
  }
}

interface Arrival {
  readonly router: number;
  readonly gap: number;
  readonly duration: number;
  readonly tokens: number;
  readonly behaviour: 'ok' | 'reject' | 'ignore-abort';
  readonly timeoutMs: number | undefined;
  readonly abortAfter: number | undefined;
}

const arrival: fc.Arbitrary<Arrival> = fc.record({
  router: fc.integer({ min: 0, max: 2 }),
  gap: fc.integer({ min: 0, max: 20 }),
  duration: fc.integer({ min: 0, max: 120 }),
  tokens: fc.integer({ min: 0, max: 900 }),
  behaviour: fc.constantFrom('ok', 'ok', 'ok', 'reject', 'ignore-abort'),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
  abortAfter: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
});

/** The models' real capacity, held by the coordinator; each router's own config allows more. */
const GLOBAL = {
  a: { concurrency: 3, maxTokens: 2000 },
  b: { concurrency: 2, maxTokens: Number.POSITIVE_INFINITY },
} as const;

describe('routers sharing a capacity coordinator (property)', () => {
  it('never run more calls or tokens on a model than it holds, whatever the coordinator answers; every run settles once; every lease comes back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrival, { minLength: 1, maxLength: 50 }),
        fc.array(answer, { minLength: 1, maxLength: 12 }),
        fc.integer(),
        async (arrivals, answers, seed) => {
          const clock = new ManualClock();
          const inner = new InMemoryCapacityCoordinator({ limits: GLOBAL });
          const capacity = new FlakyCoordinator(inner, clock, answers);
          const running = { a: { calls: 0, tokens: 0 }, b: { calls: 0, tokens: 0 } };
          const peak = { a: { calls: 0, tokens: 0 }, b: { calls: 0, tokens: 0 } };
          const byReq = new Map<number, Arrival>();
          /** A call the router released after its grace period stops counting (by design). */
          const released = new Map<string, () => void>();
          const model = (id: 'a' | 'b', home: string[]): ModelConfig<number, string> => ({
            id,
            tasks: ['simple'],
            home,
            concurrency: 3,
            maxQueue: 3,
            call: (req: number, ctx: CallContext) => {
              const a = byReq.get(req)!;
              const r = running[id];
              const tokens = ctx.task.tokens ?? 0;
              r.calls++;
              r.tokens += tokens;
              peak[id].calls = Math.max(peak[id].calls, r.calls);
              peak[id].tokens = Math.max(peak[id].tokens, r.tokens);
              return new Promise<string>((resolve, reject) => {
                let ended = false;
                const end = (): void => {
                  if (ended) return;
                  ended = true;
                  r.calls--;
                  r.tokens -= tokens;
                };
                released.set(`${ctx.requestId}@${req}`, end);
                const timer = clock.setTimeout(
                  () => {
                    end();
                    if (a.behaviour === 'reject') reject(new Error('model error'));
                    else resolve(`${id}:${req}`);
                    // A call that ignores its abort runs past the grace period (its slot is released).
                  },
                  a.behaviour === 'ignore-abort' ? a.duration * 10 : a.duration,
                );
                if (a.behaviour !== 'ignore-abort') {
                  ctx.signal.addEventListener('abort', () => {
                    clock.clearTimeout(timer);
                    end();
                    reject(ctx.signal.reason);
                  });
                }
              });
            },
          });
          const routers = [0, 1, 2].map(
            (i) =>
              new ZetaDynamicRouter<number, string>({
                models: [model('a', ['simple']), model('b', [])],
                capacity,
                clock,
                random: seededRandom(seed + i),
                abortGraceMs: 300,
                health: false,
              }),
          );
          routers.forEach((r, i) => {
            r.on('hung', (e) => {
              for (const [key, end] of released)
                if (key.startsWith(`${e.requestId}@`)) {
                  const n = Number(key.split('@')[1]);
                  if (byReq.get(n)?.router === i) end();
                }
            });
          });
          const settled = new Map<number, number>();
          const runs: Promise<void>[] = [];
          let id = 0;
          for (const a of arrivals) {
            await clock.advance(a.gap);
            const n = id++;
            byReq.set(n, a);
            const ac = new AbortController();
            if (a.abortAfter !== undefined) clock.setTimeout(() => ac.abort(), a.abortAfter);
            const bump = (): void => {
              settled.set(n, (settled.get(n) ?? 0) + 1);
            };
            runs.push(
              routers[a.router]!.run(n, {
                task: { type: 'simple', complexity: 0.2, tokens: a.tokens },
                signal: ac.signal,
                ...(a.timeoutMs !== undefined ? { timeoutMs: a.timeoutMs } : {}),
              }).then(bump, (error: unknown) => {
                expect(isZetaError(error)).toBe(true);
                bump();
              }),
            );
          }
          // Past every deadline, late answer and grace period: all settles.
          for (let t = 0; t < 40; t++) await clock.advance(500);
          await Promise.all(runs);
          await Promise.all(routers.map((r) => r.drain()));

          expect(settled.size).toBe(arrivals.length);
          for (const count of settled.values()) expect(count).toBe(1);
          for (const m of ['a', 'b'] as const) {
            expect(peak[m].calls).toBeLessThanOrEqual(GLOBAL[m].concurrency);
            expect(peak[m].tokens).toBeLessThanOrEqual(GLOBAL[m].maxTokens);
            expect(inner.usage(m)).toEqual({ calls: 0, tokens: 0 });
          }
          for (const r of routers) {
            for (const m of r.snapshot().models)
              expect(m).toMatchObject({ inFlight: 0, queued: 0, waiting: 0 });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

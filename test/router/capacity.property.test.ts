import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZetaError } from '../../src/errors/ZetaError.js';
import type { CallContext, ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { ManualClock } from '../helpers/manualClock.js';

interface Arrival {
  readonly gap: number;
  readonly type: 'simple' | 'code' | 'reasoning';
  readonly tokens: number;
  readonly duration: number;
  readonly behaviour: 'ok' | 'reject' | 'throw-sync' | 'ignore-abort';
  readonly timeoutMs: number | undefined;
  readonly abortAfter: number | undefined;
  readonly priority: number;
}

const arrival: fc.Arbitrary<Arrival> = fc.record({
  gap: fc.integer({ min: 0, max: 40 }),
  type: fc.constantFrom('simple', 'code', 'reasoning'),
  tokens: fc.integer({ min: 0, max: 1200 }),
  duration: fc.integer({ min: 0, max: 200 }),
  behaviour: fc.constantFrom('ok', 'ok', 'ok', 'reject', 'throw-sync', 'ignore-abort'),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
  abortAfter: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
  priority: fc.integer({ min: 0, max: 2 }),
});

const limits = {
  a: { concurrency: 2, maxTokens: 2000, maxQueue: 3 },
  b: { concurrency: 1, maxTokens: 1500, maxQueue: 2 },
  c: { concurrency: 3, maxTokens: Number.POSITIVE_INFINITY, maxQueue: 1 },
} as const;
/** Model c is also rate-limited: at most 3 calls start in any 100 ms. */
const RATE = { requests: 3, intervalMs: 100 } as const;

describe('capacity is never exceeded (property)', () => {
  it('holds concurrency, token budgets and rate limits under arrivals, throws, aborts and timeouts; every run settles once; counts return to zero', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrival, { minLength: 1, maxLength: 60 }),
        fc.constantFrom('adaptive', 'least-loaded', 'static'),
        fc.integer(),
        fc.boolean(),
        async (arrivals, strategy, seed, withHealth) => {
          const clock = new ManualClock();
          const running: Record<string, { calls: number; tokens: number }> = {};
          const peak: Record<string, { calls: number; tokens: number }> = {};
          const byReq = new Map<number, Arrival>();
          const startTimes: Record<string, number[]> = { a: [], b: [], c: [] };

          const model = (
            id: keyof typeof limits,
            tasks: string[],
            home: string[],
          ): ModelConfig<number, string> => {
            running[id] = { calls: 0, tokens: 0 };
            peak[id] = { calls: 0, tokens: 0 };
            return {
              id,
              tasks,
              home,
              ...(Number.isFinite(limits[id].maxTokens) ? { maxTokens: limits[id].maxTokens } : {}),
              concurrency: limits[id].concurrency,
              maxQueue: limits[id].maxQueue,
              ...(id === 'c' ? { rateLimit: RATE } : {}),
              call: (req: number, ctx: CallContext) => {
                const a = byReq.get(req)!;
                startTimes[id]!.push(clock.now());
                if (a.behaviour === 'throw-sync') throw new Error('sync throw');
                const r = running[id]!;
                r.calls++;
                r.tokens += ctx.task.tokens ?? 0;
                peak[id]!.calls = Math.max(peak[id]!.calls, r.calls);
                peak[id]!.tokens = Math.max(peak[id]!.tokens, r.tokens);
                return new Promise<string>((resolve, reject) => {
                  const end = (): void => {
                    r.calls--;
                    r.tokens -= ctx.task.tokens ?? 0;
                  };
                  const timer = clock.setTimeout(() => {
                    end();
                    if (a.behaviour === 'reject') reject(new Error('model error'));
                    else resolve(`${id}:${req}`);
                  }, a.duration);
                  if (a.behaviour !== 'ignore-abort') {
                    ctx.signal.addEventListener('abort', () => {
                      clock.clearTimeout(timer);
                      end();
                      reject(ctx.signal.reason);
                    });
                  }
                });
              },
            };
          };

          const router = new ZetaDynamicRouter<number, string>({
            models: [
              model('a', ['simple', 'code'], ['code', 'simple']),
              model('b', ['code', 'reasoning'], ['reasoning']),
              model('c', ['simple', 'reasoning'], []),
            ],
            strategy,
            clock,
            random: seededRandom(seed),
            // With health on, failures open models (cool-offs, probes, re-routing) mid-run.
            health: withHealth ? { openAfterFailures: 2, cooldownMs: 100, minSamples: 2 } : false,
          });

          const settledCount = new Map<number, number>();
          const runs: Promise<void>[] = [];
          let i = 0;
          for (const a of arrivals) {
            await clock.advance(a.gap);
            const id = i++;
            byReq.set(id, a);
            const ac = new AbortController();
            if (a.abortAfter !== undefined) clock.setTimeout(() => ac.abort(), a.abortAfter);
            const bump = (): void => {
              settledCount.set(id, (settledCount.get(id) ?? 0) + 1);
            };
            runs.push(
              router
                .run(id, {
                  task: { type: a.type, complexity: 0.5, tokens: a.tokens },
                  signal: ac.signal,
                  priority: a.priority,
                  ...(a.timeoutMs !== undefined ? { timeoutMs: a.timeoutMs } : {}),
                })
                .then(bump, (error: unknown) => {
                  expect(isZetaError(error)).toBe(true);
                  bump();
                }),
            );
          }
          await clock.advance(2_000);
          await router.drain();
          await Promise.all(runs);

          for (const [id, lim] of Object.entries(limits)) {
            expect(peak[id]!.calls).toBeLessThanOrEqual(lim.concurrency);
            expect(peak[id]!.tokens).toBeLessThanOrEqual(lim.maxTokens);
            expect(running[id]).toEqual({ calls: 0, tokens: 0 });
          }
          const cStarts = startTimes.c!;
          for (let i = RATE.requests; i < cStarts.length; i++) {
            expect(cStarts[i]! - cStarts[i - RATE.requests]!).toBeGreaterThanOrEqual(
              RATE.intervalMs,
            );
          }
          expect(settledCount.size).toBe(arrivals.length);
          for (const n of settledCount.values()) expect(n).toBe(1);
          const snap = router.snapshot();
          expect(snap.waiting).toBe(0);
          expect(snap.pending).toBe(0);
          for (const m of snap.models) {
            expect(m).toMatchObject({ inFlight: 0, queued: 0, waiting: 0, tokensInFlight: 0 });
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});

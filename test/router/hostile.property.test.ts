// The whole class of request-path defects at once (issue #8): random arrivals against clients
// that throw anything, ignore their abort or never settle, listeners that re-enter the router,
// and lifecycle calls under load. Runs 2,000 cases in CI (CI=true), fewer locally.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../src/errors/ModelCallError.js';
import { isZetaError } from '../../src/errors/ZetaError.js';
import type { CallContext, ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { flush, ManualClock } from '../helpers/manualClock.js';

type Behaviour =
  | 'ok'
  | 'reject'
  | 'throw-sync'
  | 'ignore-abort'
  | 'never'
  | 'throw-hostile'
  | 'overloaded'
  | 'refused';
type Listener = 'none' | 'run' | 'abort-self' | 'remove-model' | 'add-model' | 'quality';

interface Arrival {
  readonly gap: number;
  readonly type: 'simple' | 'code';
  readonly tokens: number;
  readonly duration: number;
  readonly behaviour: Behaviour;
  readonly timeoutMs: number | undefined;
  readonly abortAfter: number | undefined;
}

const arrival: fc.Arbitrary<Arrival> = fc.record({
  gap: fc.integer({ min: 0, max: 30 }),
  type: fc.constantFrom('simple', 'code'),
  tokens: fc.oneof(fc.integer({ min: 0, max: 900 }), fc.double({ min: 0, max: 900, noNaN: true })),
  duration: fc.integer({ min: 0, max: 150 }),
  behaviour: fc.constantFrom<Behaviour>(
    'ok',
    'ok',
    'ok',
    'reject',
    'throw-sync',
    'ignore-abort',
    'never',
    'throw-hostile',
    'overloaded',
    'refused',
  ),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
  abortAfter: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
});

const LIMITS = { concurrency: 2, maxTokens: 1500, maxQueue: 2 } as const;
const GRACE_MS = 300;

function hostileValue(n: number): unknown {
  switch (n % 4) {
    case 0:
      return Object.create(null);
    case 1: {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case 2:
      return {
        toString() {
          throw new Error('toString');
        },
      };
    default: {
      const e = new Error('x');
      Object.defineProperty(e, 'message', {
        get() {
          throw new Error('getter');
        },
      });
      return e;
    }
  }
}

describe('the request path holds its promises under hostile input (property)', () => {
  it('every run settles once; router slots never exceed concurrency or tokens; hung calls are released; counts return to zero; close leaves no timer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrival, { minLength: 1, maxLength: 30 }),
        fc.constantFrom<Listener>(
          'none',
          'run',
          'abort-self',
          'remove-model',
          'add-model',
          'quality',
        ),
        fc.constantFrom('adaptive', 'least-loaded', 'static'),
        fc.integer(),
        fc.boolean(),
        async (arrivals, listener, strategy, seed, withHealth) => {
          const clock = new ManualClock();
          const byReq = new Map<number, Arrival>();
          const violations: string[] = [];
          let hungReleased = 0;
          let extraModels = 0;

          const model = (
            id: string,
            tasks: string[],
            home: string[],
          ): ModelConfig<number, string> => ({
            id,
            tasks,
            home,
            ...LIMITS,
            call: (req: number, ctx: CallContext) => {
              const a = byReq.get(req);
              if (a === undefined) return Promise.resolve(`${id}:nested`);
              if (a.behaviour === 'throw-sync') throw new Error('sync throw');
              if (a.behaviour === 'throw-hostile') throw hostileValue(req);
              if (a.behaviour === 'never') return new Promise<string>(() => undefined);
              if (a.behaviour === 'overloaded')
                return Promise.reject(
                  new ModelCallError('overloaded', '429', { retryAfterMs: a.duration }),
                );
              if (a.behaviour === 'refused')
                return Promise.reject(new ModelCallError('rejected-request', '413'));
              return new Promise<string>((resolve, reject) => {
                const timer = clock.setTimeout(() => {
                  if (a.behaviour === 'reject') reject(hostileValue(req));
                  else resolve(`${id}:${req}`);
                }, a.duration);
                if (a.behaviour !== 'ignore-abort') {
                  ctx.signal.addEventListener('abort', () => {
                    clock.clearTimeout(timer);
                    reject(ctx.signal.reason);
                  });
                }
              });
            },
          });

          // The router's own timers, tracked apart from the test's: none may be left after close().
          const routerTimers = new Set<unknown>();
          const routerClock = {
            now: () => clock.now(),
            setTimeout: (fn: () => void, ms: number) => {
              const handle: unknown = clock.setTimeout(() => {
                routerTimers.delete(handle);
                fn();
              }, ms);
              routerTimers.add(handle);
              return handle;
            },
            clearTimeout: (handle: unknown) => {
              routerTimers.delete(handle);
              clock.clearTimeout(handle);
            },
          };
          const router = new ZetaDynamicRouter<number, string>({
            models: [
              model('a', ['simple', 'code'], ['code']),
              model('b', ['simple', 'code'], ['simple']),
            ],
            strategy,
            clock: routerClock,
            random: seededRandom(seed),
            abortGraceMs: GRACE_MS,
            health: withHealth ? { openAfterFailures: 2, cooldownMs: 50, minSamples: 2 } : false,
          });
          const controllers = new Map<number, AbortController>();
          router.on('hung', () => {
            hungReleased++;
          });
          // Every dispatch: the router's own accounting stays within each model's limits.
          router.on('dispatch', () => {
            for (const m of router.snapshot().models) {
              if (m.inFlight + m.queued > m.concurrency + m.maxQueue || m.inFlight > m.concurrency)
                violations.push(`${m.id}: ${m.inFlight} in flight, ${m.queued} queued`);
              if (m.tokensInFlight > m.maxTokens)
                violations.push(`${m.id}: ${m.tokensInFlight} tokens`);
            }
          });
          let nested = 0;
          router.on('decision', (e) => {
            if (nested > 20) return;
            nested++;
            switch (listener) {
              case 'run':
                router
                  .run(-1, { task: { type: 'simple', complexity: 0, tokens: 400 } })
                  .catch(() => undefined);
                break;
              case 'abort-self':
                controllers.get(e.requestId - 1)?.abort();
                break;
              case 'remove-model':
                if (e.decision.model !== undefined && router.snapshot().models.length > 1)
                  router.removeModel(e.decision.model).catch(() => undefined);
                break;
              case 'add-model':
                router.addModel(model(`x${extraModels++}`, ['simple', 'code'], []));
                break;
              case 'quality':
                if (e.decision.model !== undefined) router.reportQuality(e.decision.model, 0);
                break;
            }
          });

          const settled = new Map<number, number>();
          const runs: Promise<void>[] = [];
          let i = 0;
          for (const a of arrivals) {
            await clock.advance(a.gap);
            const id = i++;
            byReq.set(id, a);
            const ac = new AbortController();
            controllers.set(id + 1, ac); // the router numbers requests from 1; nested runs shift ids, harmlessly
            if (a.abortAfter !== undefined) clock.setTimeout(() => ac.abort(), a.abortAfter);
            const bump = (): void => {
              settled.set(id, (settled.get(id) ?? 0) + 1);
            };
            runs.push(
              router
                .run(id, {
                  task: { type: a.type, complexity: 0.2, tokens: a.tokens },
                  signal: ac.signal,
                  ...(a.timeoutMs !== undefined ? { timeoutMs: a.timeoutMs } : {}),
                })
                .then(bump, (error: unknown) => {
                  if (!isZetaError(error))
                    violations.push(`non-ZetaError rejection: ${String(error)}`);
                  bump();
                }),
            );
          }
          // Requests without a timeout whose call never settles stay pending: give them one way out.
          for (const ac of controllers.values()) clock.setTimeout(() => ac.abort(), 1_000);
          await clock.advance(1_000 + GRACE_MS + 500);
          const closed = router.close();
          await clock.advance(GRACE_MS + 100);
          await closed;
          await Promise.all(runs);
          await flush();

          expect(violations).toEqual([]);
          expect(settled.size).toBe(arrivals.length);
          for (const n of settled.values()) expect(n).toBe(1);
          const snap = router.snapshot();
          expect(snap).toMatchObject({ waiting: 0, pending: 0, closed: true });
          for (const m of snap.models) {
            expect(m).toMatchObject({ inFlight: 0, queued: 0, waiting: 0, tokensInFlight: 0 });
          }
          const never = arrivals.filter((a) => a.behaviour === 'never').length;
          expect(hungReleased).toBeLessThanOrEqual(
            never + arrivals.filter((a) => a.behaviour === 'ignore-abort').length,
          );
          expect(routerTimers.size).toBe(0);
        },
      ),
      { numRuns: process.env['CI'] ? 2000 : 200 },
    );
  }, 600_000);
});

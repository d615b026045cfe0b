import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZetaError } from '../../../src/errors/ZetaError.js';
import { RedisCapacityCoordinator } from '../../../src/integrations/redis/index.js';
import { modelKeys } from '../../../src/integrations/redis/scripts.js';
import type { CallContext, ModelConfig } from '../../../src/router/options.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../../src/utils/random.js';
import { ManualClock } from '../../helpers/manualClock.js';
import { FakeRedis } from './fakeRedis.js';

/** How Redis treats one call: answers after `ms`, fails after `ms`, or runs and never answers. */
type Reply =
  | { readonly kind: 'ok'; readonly ms: number }
  | { readonly kind: 'fail'; readonly ms: number }
  | { readonly kind: 'lost' };

const reply: fc.Arbitrary<Reply> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('ok' as const), ms: fc.integer({ min: 0, max: 8 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('ok' as const),
      ms: fc.integer({ min: 50, max: 120 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fail' as const),
      ms: fc.integer({ min: 0, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'lost' as const }) },
);

interface Arrival {
  readonly router: number;
  readonly gap: number;
  readonly duration: number;
  readonly timeoutMs: number | undefined;
}

const arrival: fc.Arbitrary<Arrival> = fc.record({
  router: fc.integer({ min: 0, max: 2 }),
  gap: fc.integer({ min: 0, max: 15 }),
  duration: fc.integer({ min: 1, max: 80 }),
  timeoutMs: fc.option(fc.integer({ min: 5, max: 400 }), { nil: undefined }),
});

const CAPACITY = 3;
const TIMEOUT_MS = 40;

describe('RedisCapacityCoordinator on a Redis that fails, stalls and restarts (property, virtual clock)', () => {
  it('every run settles once; within capacity while Redis answers; when Redis is back the leases in it are exactly the live ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrival, { minLength: 1, maxLength: 40 }),
        fc.array(reply, { minLength: 1, maxLength: 20 }),
        fc.option(
          fc.record({
            from: fc.integer({ min: 0, max: 300 }),
            ms: fc.integer({ min: 1, max: 400 }),
            wipe: fc.boolean(),
          }),
          { nil: undefined },
        ),
        fc.integer(),
        fc.boolean(),
        async (arrivals, replies, outage, seed, healthy) => {
          const clock = new ManualClock();
          const redis = new FakeRedis(() => clock.now());
          let down = false;
          if (outage !== undefined && !healthy) {
            clock.setTimeout(() => {
              down = true;
              if (outage.wipe) redis.wipe();
            }, outage.from);
            clock.setTimeout(() => {
              down = false;
            }, outage.from + outage.ms);
          }
          let k = 0;
          /** Set once the traffic is over: Redis answers well from then on. */
          let healed = false;
          const gate = (apply: () => unknown[]): Promise<unknown> => {
            if (down) return Promise.reject(new Error('connection refused'));
            const drawn = replies[k++ % replies.length]!;
            // A healthy Redis answers every call, after up to 7 ms (within the command timeout).
            const r: Reply =
              healed || healthy
                ? { kind: 'ok', ms: drawn.kind === 'lost' ? 1 : drawn.ms % 8 }
                : drawn;
            if (r.kind === 'fail') {
              return new Promise((_, reject) =>
                clock.setTimeout(() => reject(new Error('redis error')), r.ms),
              );
            }
            // Redis runs each call as it arrives (so in the order sent); the answer comes `ms`
            // later, or never (lost, or the connection dropped meanwhile).
            const result = apply();
            if (r.kind === 'lost') return new Promise(() => undefined);
            return new Promise((resolve, reject) =>
              clock.setTimeout(() => {
                if (down) reject(new Error('connection reset'));
                else resolve(result);
              }, r.ms),
            );
          };
          let running = 0;
          let peak = 0;
          const coordinators: RedisCapacityCoordinator[] = [];
          const routers = [0, 1, 2].map((i) => {
            const capacity = new RedisCapacityCoordinator({
              client: redis.client(gate),
              clock,
              refreshMs: 50,
              commandTimeoutMs: TIMEOUT_MS,
              leaseTtlMs: 10_000,
              rejoinDelayMs: 50,
              instanceId: `i${i}`,
            });
            coordinators.push(capacity);
            const model: ModelConfig<number, string> = {
              id: 'm',
              tasks: ['simple'],
              concurrency: CAPACITY,
              maxQueue: 20,
              call: (req: number, ctx: CallContext) => {
                running++;
                peak = Math.max(peak, running);
                return new Promise<string>((resolve, reject) => {
                  const t = clock.setTimeout(() => {
                    running--;
                    resolve(`ok ${req}`);
                  }, arrivals[req]!.duration);
                  ctx.signal.addEventListener('abort', () => {
                    clock.clearTimeout(t);
                    running--;
                    reject(ctx.signal.reason);
                  });
                });
              },
            };
            return new ZetaDynamicRouter<number, string>({
              models: [model],
              capacity,
              clock,
              random: seededRandom(seed + i),
              health: false,
            });
          });
          // Every instance meets Redis before traffic starts (an instance that never did takes no share).
          await clock.advance(30);
          const settled = new Map<number, number>();
          const runs: Promise<void>[] = [];
          for (let n = 0; n < arrivals.length; n++) {
            const a = arrivals[n]!;
            await clock.advance(a.gap);
            const bump = (): void => {
              settled.set(n, (settled.get(n) ?? 0) + 1);
            };
            runs.push(
              routers[a.router]!.run(n, {
                task: 'simple',
                ...(a.timeoutMs !== undefined ? { timeoutMs: a.timeoutMs } : {}),
              }).then(bump, (error: unknown) => {
                expect(isZetaError(error)).toBe(true);
                bump();
              }),
            );
          }
          // Past every outage, deadline and the last calls (2 s), then Redis heals for 1 s.
          for (let t = 0; t < 20; t++) await clock.advance(100);
          healed = true;
          for (let t = 0; t < 10; t++) await clock.advance(100);
          await Promise.all(runs);
          expect(settled.size).toBe(arrivals.length);
          for (const count of settled.values()) expect(count).toBe(1);
          expect(running).toBe(0);
          const held = coordinators.reduce((s, c) => s + c.usage('m').localCalls, 0);
          expect(held).toBe(0);
          for (const c of coordinators) expect(c.state).toBe('up');
          // Every lease given back, also those given back while Redis failed, is gone from it.
          expect(redis.live(modelKeys('zeta', 'm')[0])).toBe(0);
          // While Redis answers in time, the instances together stay within the capacity. (When some
          // instance loses Redis while others reach it, its local share may come on top: see README.)
          if (healthy) expect(peak).toBeLessThanOrEqual(CAPACITY);
          await Promise.all(routers.map((r) => r.close()));
          // Leaving takes Redis calls (on the virtual clock): time moves while they run.
          const leaving = Promise.all(coordinators.map((c) => c.close()));
          await clock.advance(200);
          await leaving;
        },
      ),
      { numRuns: 100 },
    );
  });
});

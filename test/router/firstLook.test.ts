import { describe, expect, it } from 'vitest';
import type {
  CapacityCoordinator,
  CapacityLease,
  LeaseRequest,
} from '../../src/capacity/CapacityCoordinator.js';
import { InMemoryCapacityCoordinator } from '../../src/capacity/InMemoryCapacityCoordinator.js';
import { ModelCallError } from '../../src/errors/ModelCallError.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { ManualClock } from '../helpers/manualClock.js';

/**
 * The adaptive strategy's first look, through the real router: a model never sent a call of a
 * task gets one, once, whatever comes of it (the router marks the pair tried when it binds).
 */

type Outcome = 'slow' | 'fails' | 'rejected-request' | 'overloaded' | 'aborted';

/** Answers acquires after `ms`, as a remote coordinator (Redis) does. */
class DelayedCoordinator implements CapacityCoordinator {
  readonly #inner = new InMemoryCapacityCoordinator();
  constructor(
    readonly clock: ManualClock,
    readonly ms: number,
  ) {}
  acquire(request: LeaseRequest): Promise<CapacityLease | undefined> {
    return new Promise((resolve) =>
      this.clock.setTimeout(() => resolve(this.#inner.acquire(request)), this.ms),
    );
  }
  release(lease: CapacityLease): void {
    this.#inner.release(lease);
  }
  isFull(model: string): boolean {
    return this.#inner.isFull(model);
  }
  watch(listener: (model: string) => void): () => void {
    return this.#inner.watch(listener);
  }
}

/** `best` serves code (its home, 100 ms); `other` serves chat (its home) and code, as `outcome`. */
function setup(outcome: Outcome, capacity?: (clock: ManualClock) => CapacityCoordinator) {
  const clock = new ManualClock();
  const calls: Record<string, number> = {};
  const model = (id: string, tasks: string[], home: string[]) => ({
    id,
    tasks,
    home,
    concurrency: 8,
    latencyPriorMs: 100,
    call: (_req: string, ctx: { task: { type: string } }) => {
      const key = `${id}/${ctx.task.type}`;
      calls[key] = (calls[key] ?? 0) + 1;
      const odd = id === 'other' && ctx.task.type === 'code';
      const ms = odd && (outcome === 'slow' || outcome === 'aborted') ? 5000 : 100;
      return new Promise<string>((resolve, reject) =>
        clock.setTimeout(() => {
          if (!odd || outcome === 'slow' || outcome === 'aborted') resolve(id);
          else if (outcome === 'fails') reject(new Error('boom'));
          else
            reject(new ModelCallError(outcome, `${outcome} by the server`, { retryAfterMs: 50 }));
        }, ms),
      );
    },
  });
  const router = new ZetaDynamicRouter<string, string>({
    models: [model('best', ['code'], ['code']), model('other', ['code', 'chat'], ['chat'])],
    clock,
    random: seededRandom(3),
    ...(capacity ? { capacity: capacity(clock) } : {}),
  });
  /** Runs one request to its end (the caller gives up after 1 s for `aborted`). */
  const run = async (task: string) => {
    const ac = new AbortController();
    if (outcome === 'aborted') clock.setTimeout(() => ac.abort(), 1000);
    const done = router.runWithInfo('x', { task, signal: ac.signal }).then(
      (r) => r.model,
      (e: { code?: string }) => `error ${e.code}`,
    );
    await clock.advance(6000);
    return done;
  };
  /** First looks the router's decisions took, as `model/task`. */
  const looks: string[] = [];
  router.on('decision', ({ decision: d }) => {
    const first = d.ranking[0];
    if (first?.components.explored === 1 && first.components.untried === 1)
      looks.push(`${first.id}/${d.task.type}`);
  });
  return { router, clock, calls, run, looks };
}

describe('first look (adaptive, through the router)', () => {
  it.each<Outcome>(['slow', 'fails', 'rejected-request', 'overloaded', 'aborted'])(
    'sends a model never tried on a task one call of it, once, when the call %s',
    async (outcome) => {
      const { calls, run, looks } = setup(outcome);
      // Busy with chat: well known as a model, never sent code.
      for (let i = 0; i < 8; i++) await run('chat');
      for (let i = 0; i < 30; i++) {
        await run('code');
        await run('chat'); // keeps it well known as a model
      }
      expect(looks).toEqual(['other/code']);
      expect(calls['other/code']).toBeLessThanOrEqual(2);
    },
  );

  it('does not pile a burst onto a model under its first look, with a coordinator that answers late', async () => {
    const { router, clock, calls, run } = setup('slow', (c) => new DelayedCoordinator(c, 2));
    for (let i = 0; i < 8; i++) await run('chat');
    // Until the home model is well known (evidence 5): the burst's first decision looks.
    const evidence = () => router.explain('code').ranking.find((r) => r.id === 'best')!.components;
    while ((evidence().evidence ?? 0) < 5) await run('code');
    expect(calls['other/code']).toBeUndefined();
    expect(router.explain('code').ranking[0]!.id).toBe('other');
    const burst = Array.from({ length: 8 }, () => router.runWithInfo('x', { task: 'code' }));
    await clock.advance(10_000);
    await Promise.all(burst);
    expect(calls['other/code']).toBe(1);
  });

  it('looks again when the first call never started (its lease refused)', async () => {
    let refuse = 0;
    // Refuses other's first lease (full across the routers sharing it), then says it has room.
    const refusing = (clock: ManualClock) => {
      const inner = new DelayedCoordinator(clock, 0);
      const listeners = new Set<(model: string) => void>();
      return {
        acquire: (r: LeaseRequest) => {
          if (r.model !== 'other' || refuse-- <= 0) return inner.acquire(r);
          clock.setTimeout(() => {
            for (const f of listeners) f('other');
          }, 10);
          return undefined;
        },
        release: (l: CapacityLease) => inner.release(l),
        isFull: () => false,
        watch: (f: (model: string) => void) => {
          listeners.add(f);
          return () => listeners.delete(f);
        },
      };
    };
    const { router, calls, run, looks } = setup('slow', refusing);
    for (let i = 0; i < 8; i++) await run('chat');
    for (let i = 0; i < 30; i++) {
      // Refuse the lease of the first look at code, when it comes.
      if (looks.length === 0 && router.explain('code').ranking[0]!.id === 'other') refuse = 1;
      await run('code');
      await run('chat');
    }
    expect(refuse).toBeLessThan(0); // the refusal happened
    expect(looks).toEqual(['other/code', 'other/code']);
    expect(calls['other/code']).toBeGreaterThanOrEqual(1);
  });

  it('looks again when the coordinator fails the first call before it starts', async () => {
    let fail = 0;
    const failing = (clock: ManualClock) => {
      const inner = new DelayedCoordinator(clock, 0);
      return {
        acquire: (r: LeaseRequest) => {
          if (r.model === 'other' && fail-- > 0) throw new Error('redis down');
          return inner.acquire(r);
        },
        release: (l: CapacityLease) => inner.release(l),
        isFull: (m: string) => inner.isFull(m),
        watch: (f: (model: string) => void) => inner.watch(f),
      };
    };
    const { router, run, looks } = setup('slow', failing);
    for (let i = 0; i < 8; i++) await run('chat');
    for (let i = 0; i < 30; i++) {
      if (looks.length === 0 && router.explain('code').ranking[0]!.id === 'other') fail = 1;
      await run('code');
      await run('chat');
    }
    expect(fail).toBeLessThan(0);
    expect(looks).toEqual(['other/code', 'other/code']);
  });

  it('keeps the mark while another call of the pair is bound, when the first goes back unstarted', async () => {
    const { router, clock, calls, run, looks } = setup(
      'slow',
      (c) => new DelayedCoordinator(c, 20),
    );
    for (let i = 0; i < 8; i++) await run('chat');
    const evidence = () => router.explain('code').ranking.find((r) => r.id === 'best')!.components;
    while ((evidence().evidence ?? 0) < 5) await run('code');
    // A: the first look at other; B and C: code on best (8 slots) or other, bound in the same tick.
    const ac = new AbortController();
    const a = router.run('x', { task: 'code', signal: ac.signal }).catch(() => 'aborted');
    const others = Array.from({ length: 9 }, () => router.run('x', { task: 'code' }));
    await clock.advance(10);
    ac.abort(); // A never starts: its lease is still pending
    await clock.advance(200);
    const later = router.run('x', { task: 'code' });
    await clock.advance(10_000);
    await Promise.all([a, ...others, later]);
    expect(looks).toEqual(['other/code']);
    expect(calls['other/code']).toBeGreaterThanOrEqual(1); // the spilled call ran there
  });

  it('looks at a model added at run time that the tracker has never seen', async () => {
    const { router, calls, run, clock } = setup('slow');
    for (let i = 0; i < 8; i++) await run('code');
    router.addModel({
      id: 'added',
      tasks: ['code'],
      concurrency: 8,
      latencyPriorMs: 100,
      call: () => {
        calls['added/code'] = (calls['added/code'] ?? 0) + 1;
        return new Promise<string>((resolve) => clock.setTimeout(() => resolve('added'), 20));
      },
    });
    const served: string[] = [];
    for (let i = 0; i < 20; i++) served.push(await run('code'));
    // Once looked at, it is five times faster than the home model: it takes the work.
    expect(calls['added/code']).toBeGreaterThanOrEqual(10);
    expect(served.at(-1)).toBe('added');
  });
});

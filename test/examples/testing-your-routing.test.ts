// The README's "Testing your routing" recipe, kept runnable: a hand-driven clock, seeded random,
// model calls the test settles by hand. No sleeps, no fake timers, exact times.
import { describe, expect, it } from 'vitest';
import { type Clock, seededRandom, ZetaDynamicRouter } from '../../src/index.js';

/** A clock whose time moves only when the test calls `advance(ms)`. */
function manualClock() {
  let now = 0;
  const timers = new Set<{ at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.add(timer);
      return timer;
    },
    clearTimeout: (timer) => {
      timers.delete(timer as { at: number; fn: () => void });
    },
  };
  async function advance(ms: number): Promise<void> {
    now += ms;
    for (const timer of [...timers].sort((a, b) => a.at - b.at)) {
      if (timer.at > now) break;
      timers.delete(timer);
      timer.fn();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { clock, advance };
}

/** Two models whose calls stay open until `finish(id)`. */
function setup() {
  const { clock, advance } = manualClock();
  const open: Record<string, Array<() => void>> = { 'coder-7b': [], 'reasoner-14b': [] };
  const call = (id: string) => () =>
    new Promise<string>((resolve) => open[id]!.push(() => resolve(`${id} answered`)));
  const router = new ZetaDynamicRouter<string, string>({
    clock,
    random: seededRandom(42),
    models: [
      {
        id: 'coder-7b',
        call: call('coder-7b'),
        tasks: ['code'],
        home: ['code'],
        latencyPriorMs: 100,
      },
      {
        id: 'reasoner-14b',
        call: call('reasoner-14b'),
        tasks: ['code', 'reasoning'],
        home: ['reasoning'],
        latencyPriorMs: 150,
      },
    ],
  });
  const finish = async (id: string): Promise<void> => {
    open[id]!.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { router, advance, finish };
}

describe('testing your routing (README recipe)', () => {
  it('ranks the home model first when idle, and spills when it is busy', async () => {
    const { router, advance, finish } = setup();
    const code = { type: 'code', complexity: 0.2 } as const;
    expect(router.explain(code).ranking[0]!.id).toBe('coder-7b');

    const first = router.runWithInfo('a', { task: code });
    // The coder's only slot is taken: waiting 100ms there loses to 150ms on the free reasoner.
    expect(router.explain(code).ranking.map((r) => r.id)).toEqual(['reasoner-14b', 'coder-7b']);
    const second = router.runWithInfo('b', { task: code });

    await advance(150);
    await finish('reasoner-14b');
    await finish('coder-7b');
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ model: 'coder-7b', latencyMs: 150 });
    expect(b).toMatchObject({ model: 'reasoner-14b', latencyMs: 150 });
    expect(b.decision.spilled).toBe(true);
  });

  it('times out on virtual time, exactly', async () => {
    const { router, advance, finish } = setup();
    const slow = router.run('c', { task: 'code', timeoutMs: 1000 });
    const settled = expect(slow).rejects.toMatchObject({ code: 'TIMEOUT' });
    await advance(999);
    expect(router.snapshot().pending).toBe(1);
    await advance(1);
    await settled;
    // The timed-out call keeps its slot until the client returns.
    expect(router.snapshot().models.find((m) => m.id === 'coder-7b')!.inFlight).toBe(1);
    await finish('coder-7b');
    expect(router.snapshot().models.find((m) => m.id === 'coder-7b')!.inFlight).toBe(0);
  });
});

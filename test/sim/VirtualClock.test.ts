import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/sim/VirtualClock.js';
import { seededRandom } from '../../src/utils/random.js';
import { configError } from '../helpers/configError.js';

const sleep = (clock: VirtualClock, ms: number): Promise<void> =>
  new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });

describe('VirtualClock', () => {
  it('starts at 0 (or the given start) and stands still until run', async () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(0);
    clock.setTimeout(() => {}, 100);
    expect(clock.now()).toBe(0);
    expect(new VirtualClock({ start: 5_000 }).now()).toBe(5_000);
    expect(await clock.run()).toBe(100);
    expect(clock.now()).toBe(100);
  });

  it('fires timers by due time, then by insertion order', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`b1@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`b2@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`z@${clock.now()}`), 0);
    await clock.run();
    expect(log).toEqual(['z@0', 'a@10', 'b1@20', 'b2@20', 'c@30']);
  });

  it('orders any set of timers by (time, insertion) (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 60 }),
        async (delays) => {
          const clock = new VirtualClock({ flush: async () => {} });
          const fired: number[] = [];
          delays.forEach((d, i) => {
            clock.setTimeout(() => fired.push(i), d);
          });
          await clock.run();
          const expected = delays
            .map((d, i) => ({ d, i }))
            .sort((a, b) => a.d - b.d || a.i - b.i)
            .map((x) => x.i);
          expect(fired).toEqual(expected);
        },
      ),
    );
  });

  it('treats negative delays as 0 and rejects bad arguments', () => {
    const clock = new VirtualClock({ start: 10 });
    expect(clock.setTimeout(() => {}, -5).at).toBe(10);
    expect(configError(() => clock.setTimeout(() => {}, Number.NaN)).message).toBe(
      'Invalid VirtualClock.setTimeout arguments:\n- ms must be a finite number (milliseconds), got NaN',
    );
    expect(configError(() => clock.setTimeout(() => {}, Number.POSITIVE_INFINITY)).message).toMatch(
      /finite/,
    );
    expect(
      configError(() => clock.setTimeout(42 as unknown as () => void, Number.NaN)).problems,
    ).toEqual([
      'fn must be a function, got 42',
      'ms must be a finite number (milliseconds), got NaN',
    ]);
    expect(configError(() => new VirtualClock({ start: Number.NaN })).message).toMatch(/start/);
  });

  it('rejects unknown options and lists every problem at once', async () => {
    const error = configError(
      () => new VirtualClock({ Start: 5, flush: 1 } as unknown as { start: number }),
    );
    expect(error.message).toBe(
      [
        'Invalid VirtualClock options:',
        '- unknown option `Start` (did you mean `start`?) (known: start, flush)',
        '- flush must be a function or undefined, got 1',
      ].join('\n'),
    );
    expect(
      configError(() => new VirtualClock(null as unknown as { start: number })).message,
    ).toMatch(/options must be an object or undefined, got null/);
    const clock = new VirtualClock();
    const run = clock.run({ untill: 5, until: Number.NaN, onProgress: 'x' } as unknown as {
      until: number;
    });
    await expect(run).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: [
        'unknown option `untill` (known: until, onProgress)',
        'until must be a number (milliseconds; Infinity allowed), got NaN',
        'onProgress must be a function or undefined, got "x"',
      ],
    });
    expect(clock.running).toBe(false);
  });

  it('clearTimeout cancels, ignores foreign handles, and works within a time step', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = clock.setTimeout(() => log.push('a'), 10);
    let b: unknown;
    clock.setTimeout(() => {
      log.push('first');
      clock.clearTimeout(b); // due at the same time, not run yet
    }, 20);
    b = clock.setTimeout(() => log.push('b'), 20);
    expect(clock.pending).toBe(3);
    clock.clearTimeout(a);
    clock.clearTimeout(a);
    clock.clearTimeout(undefined);
    clock.clearTimeout(123);
    clock.clearTimeout({});
    expect(clock.pending).toBe(2);
    await clock.run();
    expect(log).toEqual(['first']);
    expect(clock.pending).toBe(0);
    expect(clock.nextAt()).toBeUndefined();
  });

  it('compacts when many cleared timers pile up', async () => {
    const clock = new VirtualClock({ flush: async () => {} });
    const fired: number[] = [];
    const handles = Array.from({ length: 5000 }, (_, i) =>
      clock.setTimeout(() => fired.push(i), i),
    );
    handles.forEach((h, i) => {
      if (i % 5 !== 0) clock.clearTimeout(h);
    });
    expect(clock.pending).toBe(1000);
    await clock.run();
    expect(fired).toEqual(Array.from({ length: 1000 }, (_, k) => k * 5));
  });

  it('settles an async chain awaiting two timers in virtual time, with no real sleep', async () => {
    const clock = new VirtualClock();
    const realStart = performance.now();
    const done = (async () => {
      await sleep(clock, 3_600_000);
      const first = clock.now();
      await sleep(clock, 50);
      return [first, clock.now()];
    })();
    await clock.run();
    expect(await done).toEqual([3_600_000, 3_600_050]);
    expect(performance.now() - realStart).toBeLessThan(500);
  });

  it('flushes promise reactions after each step, before time moves on', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const deferred = new Promise<void>((resolve) => {
      clock.setTimeout(resolve, 10);
    });
    void deferred
      .then(() => Promise.resolve())
      .then(() => {
        log.push(`reaction@${clock.now()}`);
        clock.setTimeout(() => log.push(`zero@${clock.now()}`), 0);
      });
    clock.setTimeout(() => log.push(`later@${clock.now()}`), 11);
    await clock.run();
    expect(log).toEqual(['reaction@10', 'zero@10', 'later@11']);
  });

  it('flushes reactions queued before the run starts', async () => {
    const clock = new VirtualClock();
    const started = (async () => {
      await Promise.resolve();
      await sleep(clock, 5);
      return clock.now();
    })();
    await clock.run();
    expect(await started).toBe(5);
  });

  it('run({ until }) stops early, leaves later timers and sets now to until', async () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    for (const at of [5, 10, 15]) clock.setTimeout(() => log.push(at), at);
    expect(await clock.run({ until: 10 })).toBe(10);
    expect(log).toEqual([5, 10]);
    expect(clock.pending).toBe(1);
    expect(await clock.run({ until: 12 })).toBe(12);
    expect(clock.nextAt()).toBe(15);
    await clock.run();
    expect(log).toEqual([5, 10, 15]);
  });

  it('advance(ms) runs the timers due meanwhile', async () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.setTimeout(() => log.push(clock.now()), 30);
    clock.setTimeout(() => log.push(clock.now()), 70);
    expect(await clock.advance(50)).toBe(50);
    expect(log).toEqual([30]);
    expect(await clock.advance(0)).toBe(50);
    await clock.advance(20);
    expect(log).toEqual([30, 70]);
    await expect(clock.advance(-1)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        'Invalid VirtualClock.advance arguments:\n- ms must be a finite number >= 0 (milliseconds), got -1',
    });
  });

  it('reports progress once per time step', async () => {
    const clock = new VirtualClock();
    for (const at of [1, 1, 2, 4]) clock.setTimeout(() => {}, at);
    const steps: number[] = [];
    await clock.run({ onProgress: (now) => steps.push(now) });
    expect(steps).toEqual([1, 2, 4]);
  });

  it('rethrows a callback error and keeps the remaining timers', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 1);
    clock.setTimeout(() => log.push('after'), 2);
    await expect(clock.run()).rejects.toThrow('boom');
    expect(clock.running).toBe(false);
    await clock.run();
    expect(log).toEqual(['after']);
  });

  it('refuses a second concurrent run', async () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => {}, 1);
    const first = clock.run();
    await expect(clock.run()).rejects.toThrow(/already in progress/);
    await first;
  });

  it('runs 300k timers in about a second', async () => {
    const clock = new VirtualClock();
    const random = seededRandom(7);
    let fired = 0;
    let last = -1;
    let ordered = true;
    const real = performance.now();
    for (let i = 0; i < 300_000; i++) {
      clock.setTimeout(() => {
        fired++;
        if (clock.now() < last) ordered = false;
        last = clock.now();
      }, random() * 1_000_000);
    }
    await clock.run();
    const elapsed = performance.now() - real;
    expect(fired).toBe(300_000);
    expect(ordered).toBe(true);
    expect(elapsed).toBeLessThan(5_000);
  });
});

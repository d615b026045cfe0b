import { describe, expect, it } from 'vitest';
import { Lane } from '../../src/lane/Lane.js';
import { deferred } from '../helpers/manualClock.js';
import { flush, harness, settled } from './Lane.harness.js';

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

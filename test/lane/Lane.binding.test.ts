import { describe, expect, it } from 'vitest';
import { Lane } from '../../src/lane/Lane.js';
import { flush, harness, settled } from './Lane.harness.js';

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

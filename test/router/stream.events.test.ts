// A stream settles its request at its first chunk; its end is still told to listeners: `complete`
// when it ran to its end or its consumer stopped it, `fail` and `reject` when it broke.
import { describe, expect, it } from 'vitest';
import { ZetaError } from '../../src/errors/ZetaError.js';
import type { CompleteEvent, FailEvent, RejectEvent } from '../../src/router/events.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { flush, ManualClock } from '../helpers/manualClock.js';
import { streamingRouter } from '../helpers/streamingRouter.js';

/** The one-model streaming router, its stream held after 'one' until `release()`. */
function setup(breaks = false) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const router = streamingRouter(new ManualClock(), {
    ttftMs: 40,
    restMs: 60,
    gate,
    breaks: () => breaks,
  });
  const seen: { complete: CompleteEvent[]; fail: FailEvent[]; reject: RejectEvent[] } = {
    complete: [],
    fail: [],
    reject: [],
  };
  router.on('complete', (e) => seen.complete.push(e));
  router.on('fail', (e) => seen.fail.push(e));
  router.on('reject', (e) => seen.reject.push(e));
  return { router, release, seen };
}

describe('router.stream: events at the end of a stream', () => {
  it('emits complete once, when the stream ends, with the whole call and its time to first chunk', async () => {
    const { router, release, seen } = setup();
    const it = router.stream('x', { task: 'simple' })[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: 'one', done: false });
    await flush();
    expect(seen.complete).toEqual([]); // started, not ended
    release();
    expect(await it.next()).toEqual({ value: 'two', done: false });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await flush();
    expect(seen.complete).toEqual([
      {
        requestId: expect.any(Number),
        model: 'a',
        task: expect.objectContaining({ type: 'simple' }),
        attempts: 1,
        queuedMs: 0,
        latencyMs: 100,
        totalMs: 100,
        stream: { ttftMs: 40, cancelled: false },
      },
    ]);
    expect(seen.fail).toEqual([]);
    expect(seen.reject).toEqual([]);
    await router.close();
  });

  it('says cancelled when its consumer stops it before the end', async () => {
    const { router, release, seen } = setup();
    for await (const chunk of router.stream('x', { task: 'simple' })) {
      expect(chunk).toBe('one');
      break;
    }
    await flush();
    release();
    await flush();
    expect(seen.complete).toHaveLength(1);
    expect(seen.complete[0]!.stream).toEqual({ ttftMs: 40, cancelled: true });
    expect(seen.reject).toEqual([]);
    await router.close();
  });

  it('emits fail (no retry) and reject with the error its consumer gets when it breaks', async () => {
    const { router, release, seen } = setup(true);
    const it = router.stream('x', { task: 'simple' })[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: 'one', done: false });
    release();
    const thrown = await it.next().catch((error: unknown) => error);
    await flush();
    expect(thrown).toBeInstanceOf(ZetaError);
    expect(seen.complete).toEqual([]);
    expect(seen.fail).toHaveLength(1);
    expect(seen.fail[0]).toMatchObject({ model: 'a', attempt: 1, willRetry: false });
    expect((seen.fail[0]!.error as Error).message).toBe('connection reset');
    expect(seen.reject).toHaveLength(1);
    const error = seen.reject[0]!.error;
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.message).toBe((thrown as ZetaError).message);
    expect(error.requestId).toBe(seen.reject[0]!.requestId);
    await router.close();
  });
});

describe('router.stream: an empty stream', () => {
  it('ends like any other: complete, with its time to the end as its time to first chunk', async () => {
    const clock = new ManualClock();
    const router = new ZetaDynamicRouter<string, string>({
      clock,
      models: [
        {
          id: 'a',
          tasks: ['simple'],
          call: async (req) => req,
          // biome-ignore lint/correctness/useYield: a model that stops at once
          stream: async function* () {
            await clock.advance(25);
          },
        },
      ],
    });
    const complete: CompleteEvent[] = [];
    router.on('complete', (e) => complete.push(e));
    const chunks: unknown[] = [];
    for await (const chunk of router.stream('x', { task: 'simple' })) chunks.push(chunk);
    await flush();
    expect(chunks).toEqual([]);
    expect(complete).toHaveLength(1);
    expect(complete[0]!.stream).toEqual({ ttftMs: 25, cancelled: false });
    await router.close();
  });
});

describe('router.stream: stopped before it started', () => {
  it('leaves the admission queue at once, and its model is never called', async () => {
    const clock = new ManualClock();
    let streamCalls = 0;
    const router = new ZetaDynamicRouter<string, string>({
      clock,
      models: [
        {
          id: 'a',
          tasks: ['simple'],
          concurrency: 1,
          call: (req) => new Promise((done) => clock.setTimeout(() => done(req), 300)),
          stream: async function* () {
            streamCalls++;
            yield 'one';
          },
        },
      ],
    });
    const rejects: string[] = [];
    router.on('reject', (e) => rejects.push(e.error.code));
    const busy = router.run('busy', { task: 'simple' }); // holds the only slot for 300 ms
    const stream = router.stream('x', { task: 'simple' });
    await flush();
    expect(router.snapshot().models[0]!.waiting).toBe(1);
    await stream.return!();
    await flush();
    expect(router.snapshot().models[0]!.waiting).toBe(0);
    expect(rejects).toEqual(['ABORTED']);
    await clock.advance(300);
    await busy;
    await flush();
    expect(streamCalls).toBe(0);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await router.close();
  });
});

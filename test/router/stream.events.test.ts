// A stream settles its request at its first chunk; its end is still told to listeners: `complete`
// when it ran to its end or its consumer stopped it, `fail` and `reject` when it broke.
import { describe, expect, it } from 'vitest';
import { ZetaError } from '../../src/errors/ZetaError.js';
import type { CompleteEvent, FailEvent, RejectEvent } from '../../src/router/events.js';
import type { ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { flush, ManualClock } from '../helpers/manualClock.js';

/** A router on one streaming model that yields 'one', waits `gate`, then runs `rest`. */
function setup(rest: () => AsyncGenerator<string>) {
  const clock = new ManualClock();
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const model: ModelConfig<string, string> = {
    id: 'a',
    tasks: ['simple'],
    concurrency: 1,
    call: async (req) => req,
    stream: async function* () {
      await clock.advance(40);
      yield 'one';
      await gate;
      await clock.advance(60);
      yield* rest();
    },
  };
  const router = new ZetaDynamicRouter<string, string>({ models: [model], clock });
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
    const { router, release, seen } = setup(async function* () {
      yield 'two';
    });
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
    const { router, release, seen } = setup(async function* () {
      yield 'two';
    });
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
    // biome-ignore lint/correctness/useYield: it breaks after its first chunk
    const { router, release, seen } = setup(async function* () {
      throw new Error('connection reset');
    });
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

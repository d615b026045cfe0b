// router.stream with `callIfNoStream`: a task type no model can stream is served by a call, as one
// routed request whose whole result is the stream's only item.
import { describe, expect, it } from 'vitest';
import type { ZetaError } from '../../src/errors/ZetaError.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { flush, ManualClock } from '../helpers/manualClock.js';

/** 'caller' serves code by call only; 'streamer' streams simple requests. */
function setup() {
  const clock = new ManualClock();
  const calls: string[] = [];
  const router = new ZetaDynamicRouter<string, string>({
    clock,
    models: [
      {
        id: 'caller',
        tasks: ['code'],
        call: async (req) => {
          calls.push(req);
          await clock.advance(30);
          return `whole:${req}`;
        },
      },
      {
        id: 'streamer',
        tasks: ['simple'],
        call: async (req) => `call:${req}`,
        stream: async function* (req) {
          yield `${req}:1`;
          yield `${req}:2`;
        },
      },
    ],
  });
  const seen: string[] = [];
  for (const name of ['decision', 'complete', 'reject'] as const)
    router.on(name, () => seen.push(name));
  return { router, calls, seen };
}

async function items<C>(stream: AsyncIterable<C>): Promise<C[]> {
  const out: C[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe('router.stream with callIfNoStream', () => {
  it('serves a task no model can stream by a call: its result is the only item, counted once', async () => {
    const { router, calls, seen } = setup();
    const stream = router.stream('fizzbuzz', { task: 'code', callIfNoStream: true });
    expect(await items(stream)).toEqual(['whole:fizzbuzz']);
    expect(stream.info).toMatchObject({
      model: 'caller',
      attempts: 1,
      queuedMs: 0,
      ttftMs: 30,
      whole: true,
    });
    expect(calls).toEqual(['fizzbuzz']);
    expect(seen).toEqual(['decision', 'complete']);
    expect(router.snapshot().models.find((m) => m.id === 'caller')!.inFlight).toBe(0);
  });

  it('streams as usual when a model of the task can stream', async () => {
    const { router, seen } = setup();
    const stream = router.stream('hi', { task: 'simple', callIfNoStream: true });
    expect(await items(stream)).toEqual(['hi:1', 'hi:2']);
    expect(stream.info).toMatchObject({ model: 'streamer' });
    expect(stream.info!.whole).toBeUndefined();
    expect(seen).toEqual(['decision', 'complete']);
  });

  it('without it, a task no model can stream is NO_CAPABLE_MODEL, and no model is called', async () => {
    const { router, calls, seen } = setup();
    const error = await router
      .stream('fizzbuzz', { task: 'code' })
      .next()
      .catch((e: ZetaError) => e);
    expect(error).toMatchObject({ code: 'NO_CAPABLE_MODEL' });
    expect(calls).toEqual([]);
    expect(seen).toEqual(['decision', 'reject']);
  });

  it('stops after the one item like any stream', async () => {
    const { router } = setup();
    const stream = router.stream('x', { task: 'code', callIfNoStream: true });
    for await (const item of stream) {
      expect(item).toBe('whole:x');
      break;
    }
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('is refused outside router.stream, and must be a boolean', async () => {
    const { router, calls } = setup();
    const run = await router
      .run('x', { task: 'code', callIfNoStream: true } as never)
      .catch((e: ZetaError) => e);
    expect(run).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((run as ZetaError).message).toContain(
      'options.callIfNoStream is an option of router.stream() only',
    );
    const unknown = await router
      .run('x', { task: 'code', bogus: 1 } as never)
      .catch((e: ZetaError) => e);
    expect((unknown as ZetaError).message).toContain('(known: task, signal, timeoutMs, priority');
    expect((unknown as ZetaError).message).not.toContain('callIfNoStream');
    const bad = await router
      .stream('x', { task: 'code', callIfNoStream: 'yes' as never })
      .next()
      .catch((e: ZetaError) => e);
    expect((bad as ZetaError).message).toContain(
      'options.callIfNoStream must be a boolean, got "yes"',
    );
    expect(calls).toEqual([]);
  });
});

/** A streaming model and a call-only one for the same task type, 'chat'. */
function pair(options: { streamerMaxComplexity?: number; streamerFails?: boolean } = {}) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const router = new ZetaDynamicRouter<string, string>({
    models: [
      {
        id: 'streamer',
        tasks: ['chat'],
        concurrency: 1,
        maxComplexity: options.streamerMaxComplexity ?? 1,
        call: async (req) => `streamer-call:${req}`,
        stream: async function* (req) {
          await gate;
          if (options.streamerFails === true) throw new Error('connection refused');
          yield `${req}:1`;
        },
      },
      {
        id: 'caller',
        tasks: ['chat'],
        concurrency: 1,
        call: async (req) => {
          await gate;
          return `caller:${req}`;
        },
      },
    ],
  });
  return { router, release };
}

describe('router.stream with callIfNoStream: decided for the request, when it is routed', () => {
  it('serves whole by a call a request that no model able to stream can take (its complexity)', async () => {
    const { router, release } = pair({ streamerMaxComplexity: 0.3 });
    release();
    const stream = router.stream('q', {
      task: { type: 'chat', complexity: 0.9 },
      callIfNoStream: true,
    });
    expect(await items(stream)).toEqual(['caller:q']);
    expect(stream.info).toMatchObject({ model: 'caller', whole: true });
    // A request the streaming model can take still streams.
    expect(await items(router.stream('r', { task: 'chat', callIfNoStream: true }))).toEqual([
      'r:1',
    ]);
  });

  it('serves whole a waiting stream whose only streaming model is removed', async () => {
    const { router, release } = pair();
    const busy = items(router.stream('a', { task: 'chat' }));
    const other = router.run('b', { task: 'chat' });
    await flush();
    const waiting = items(router.stream('q', { task: 'chat', callIfNoStream: true }));
    await flush();
    expect(router.waiting).toBe(1);
    const removed = router.removeModel('streamer');
    release();
    expect(await waiting).toEqual(['caller:q']);
    await Promise.all([busy, other, removed]);
  });

  it('fails over to a model that cannot stream when the streaming one fails before its first chunk', async () => {
    const { router, release } = pair({ streamerFails: true });
    const seen: string[] = [];
    router.on('fail', (e) => seen.push(`fail ${e.model} retry=${e.willRetry}`));
    router.on('complete', (e) => seen.push(`complete ${e.model}`));
    const stream = router.stream('q', { task: 'chat', callIfNoStream: true });
    release();
    expect(await items(stream)).toEqual(['caller:q']);
    expect(stream.info).toMatchObject({ model: 'caller', attempts: 2, whole: true });
    expect(seen).toEqual(['fail streamer retry=true', 'complete caller']);
  });

  it('ends with ABORTED when its signal aborts before the item was taken, like any stream', async () => {
    const { router, release } = pair({ streamerMaxComplexity: 0 });
    release();
    const controller = new AbortController();
    const stream = router.stream('q', {
      task: { type: 'chat', complexity: 0.5 },
      callIfNoStream: true,
      signal: controller.signal,
    });
    await flush();
    await flush();
    expect(stream.info).toMatchObject({ model: 'caller', whole: true }); // settled, not yet read
    controller.abort();
    const error = await stream.next().catch((e: ZetaError) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});

// router.stream(): chunks as they come, failover before the first chunk, the slot held until the
// stream ends and freed at once when its consumer stops (issue #11).
import { describe, expect, it } from 'vitest';
import type { ZetaError } from '../../src/errors/ZetaError.js';
import type { CallContext, ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { flush, ManualClock } from '../helpers/manualClock.js';

type Script = (req: string, ctx: CallContext) => AsyncGenerator<string>;

function model(id: string, script: Script, extra: Partial<ModelConfig<string, string>> = {}) {
  return {
    id,
    tasks: ['simple'],
    concurrency: 1,
    call: async (req: string) => `${id}:${req}`,
    stream: (req: string, ctx: CallContext) => script(req, ctx),
    ...extra,
  };
}

async function collect(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe('router.stream', () => {
  it('gives the chunks, says the time to the first one, and holds the slot until the end', async () => {
    const clock = new ManualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        model('a', async function* (req) {
          yield `${req}-1`;
          await gate;
          yield `${req}-2`;
        }),
      ],
      clock,
    });
    const firsts: unknown[] = [];
    router.on('firstToken', (e) => firsts.push({ model: e.model, ttftMs: e.ttftMs }));
    const it = router.stream('x', { task: 'simple' })[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: 'x-1', done: false });
    expect(firsts).toEqual([{ model: 'a', ttftMs: 0 }]);
    expect(router.snapshot().models[0]!.inFlight).toBe(1);
    release();
    expect(await it.next()).toEqual({ value: 'x-2', done: false });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await flush();
    expect(router.snapshot().models[0]!.inFlight).toBe(0);
    // The time to first token is tracked per (model, task), beside the latency.
    expect(router.snapshot().models[0]!.tasks['simple']?.firstToken).toMatchObject({
      count: 1,
      p50: 0,
    });
    await router.close();
  });

  it('fails over to another model when a stream breaks before its first chunk', async () => {
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        model(
          'a',
          // biome-ignore lint/correctness/useYield: it breaks before its first chunk
          async function* () {
            throw new Error('connection reset');
          },
          { home: ['simple'] },
        ),
        model('b', async function* (req) {
          yield `b:${req}`;
        }),
      ],
      clock: new ManualClock(),
      strategy: 'static',
    });
    const stream = router.stream('x', { task: 'simple' });
    expect(stream.info).toBeUndefined();
    expect(await collect(stream)).toEqual(['b:x']);
    // How it was served: the second call, on b.
    expect(stream.info).toEqual({
      model: 'b',
      task: { type: 'simple', complexity: expect.any(Number) },
      attempts: 2,
      queuedMs: 0,
      ttftMs: 0,
    });
    await router.close();
  });

  it('a stream that breaks after it started ends with MODEL_FAILED and frees the slot', async () => {
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        model('a', async function* () {
          yield 'one';
          throw new Error('cut in the middle');
        }),
      ],
      clock: new ManualClock(),
    });
    const got: unknown[] = [];
    const error = await (async () => {
      try {
        for await (const c of router.stream('x', { task: 'simple' })) got.push(c);
      } catch (e) {
        return e as ZetaError;
      }
      throw new Error('expected the stream to fail');
    })();
    expect(got).toEqual(['one']);
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.message).toMatch(/broke after it started: Error: cut in the middle/);
    await flush();
    const m = router.snapshot().models[0]!;
    expect(m.inFlight).toBe(0);
    expect(m.errorRate).toBeGreaterThan(0);
    await router.close();
  });

  it('breaking out of the loop aborts the model call and frees the slot at once', async () => {
    let aborted = false;
    let finished = false;
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        model('a', async function* (_req, ctx) {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
          try {
            for (let i = 0; ; i++) yield `chunk ${i}`;
          } finally {
            finished = true;
          }
        }),
      ],
      clock: new ManualClock(),
    });
    const got: unknown[] = [];
    for await (const c of router.stream('x', { task: 'simple' })) {
      got.push(c);
      if (got.length === 3) break;
    }
    await flush();
    expect(got).toEqual(['chunk 0', 'chunk 1', 'chunk 2']);
    expect(aborted).toBe(true);
    expect(finished).toBe(true);
    const m = router.snapshot().models[0]!;
    expect(m).toMatchObject({ inFlight: 0, errorRate: 0 });
    await router.close();
  });

  it("the caller's signal stops a started stream with ABORTED", async () => {
    const controller = new AbortController();
    const router = new ZetaDynamicRouter<string, string>({
      models: [
        model('a', async function* () {
          yield 'first';
          await new Promise(() => undefined);
        }),
      ],
      clock: new ManualClock(),
    });
    const it = router
      .stream('x', { task: 'simple', signal: controller.signal })
      [Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: 'first', done: false });
    controller.abort();
    await flush();
    await expect(it.next()).rejects.toMatchObject({ code: 'ABORTED' });
    expect(router.snapshot().models[0]!.inFlight).toBe(0);
    await router.close();
  });

  it('only models with a stream are candidates', async () => {
    const router = new ZetaDynamicRouter<string, string>({
      models: [{ id: 'plain', tasks: ['simple'], call: async (r: string) => r }],
      clock: new ManualClock(),
    });
    const it = router.stream('x', { task: 'simple' })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ code: 'NO_CAPABLE_MODEL' });
    expect(router.explain({ type: 'simple', complexity: 0 }).excluded).toEqual([]);
    await router.close();
  });
});

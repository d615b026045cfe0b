// languageModel(router).doStream over router.stream(): each part as the served model sends it,
// failover before the first token, usage and the served model at the end, aborts freeing the slot
// at once. Driven by the real `ai` package over `ai/test` mock models whose streams the test feeds
// by hand (the loopback HTTP tests are in openaiCompatible.test.ts).
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { streamText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { aiSdkModel, languageModel } from '../../../src/integrations/ai-sdk/index.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { flush } from '../../helpers/manualClock.js';

const routers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const router of routers.splice(0)) await router.close();
});

/** A model stream the test feeds part by part. */
function feed() {
  let controller!: ReadableStreamDefaultController<LanguageModelV4StreamPart>;
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    send: (...parts: LanguageModelV4StreamPart[]) => {
      for (const part of parts) controller.enqueue(part);
    },
    end: () => controller.close(),
  };
}

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

const text = (id: string, delta: string): LanguageModelV4StreamPart => ({
  type: 'text-delta',
  id,
  delta,
});

const finish = (input: number, output: number): LanguageModelV4StreamPart => ({
  type: 'finish',
  usage: usage(input, output),
  finishReason: { unified: 'stop', raw: 'stop' },
});

/** Models `a` (home of 'simple', tried first) and `b`, each streaming what the test feeds it. */
function fleet() {
  const feeds = { a: [] as ReturnType<typeof feed>[], b: [] as ReturnType<typeof feed>[] };
  const signals: AbortSignal[] = [];
  const mock = (name: 'a' | 'b') =>
    new MockLanguageModelV4({
      modelId: `${name}-7b`,
      doStream: async (options) => {
        if (options.abortSignal !== undefined) signals.push(options.abortSignal);
        const f = feed();
        feeds[name].push(f);
        return { stream: f.stream };
      },
    });
  const router = new ZetaDynamicRouter({
    strategy: 'static',
    models: [
      aiSdkModel({ id: 'a', model: mock('a'), tasks: ['simple'], home: ['simple'] }),
      aiSdkModel({ id: 'b', model: mock('b'), tasks: ['simple'] }),
    ],
  });
  routers.push(router);
  return { router, feeds, signals };
}

describe('languageModel(router).doStream over router.stream()', () => {
  it('passes each part on as the model sends it; usage and the served model come at the end', async () => {
    const { router, feeds } = fleet();
    const result = streamText({ model: languageModel(router, { task: 'simple' }), prompt: 'hi' });
    const reader = result.textStream[Symbol.asyncIterator]();
    const first = reader.next();
    await flush();
    const a = feeds.a[0]!;
    a.send(
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: '0' },
      text('0', 'Hel'),
    );
    // The first token is read while the model has sent nothing more.
    expect(await first).toEqual({ value: 'Hel', done: false });
    expect(router.snapshot().models[0]!.inFlight).toBe(1);
    a.send(text('0', 'lo'), { type: 'text-end', id: '0' }, finish(7, 2));
    a.end();
    const rest: string[] = [];
    for (let step = await reader.next(); !step.done; step = await reader.next())
      rest.push(step.value);
    expect(rest.join('')).toBe('lo');
    expect((await result.response).modelId).toBe('a-7b');
    expect((await result.providerMetadata)?.['zeta']).toMatchObject({
      model: 'a',
      task: 'simple',
      attempts: 1,
      queuedMs: expect.any(Number),
      ttftMs: expect.any(Number),
    });
    expect((await result.usage).inputTokens).toBe(7);
    await flush();
    // The finish part's usage reached the router; the slot is free.
    expect(router.snapshot().models[0]).toMatchObject({
      inFlight: 0,
      usage: { promptTokens: 7, completionTokens: 2 },
    });
  });

  it('fails over to another model when the first breaks before its first token', async () => {
    const { router, feeds } = fleet();
    const result = streamText({ model: router.languageModel({ task: 'simple' }), prompt: 'hi' });
    const done = result.text;
    await flush();
    feeds.a[0]!.send(
      { type: 'stream-start', warnings: [] },
      { type: 'error', error: new Error('boom') },
    );
    await flush();
    const b = feeds.b[0]!;
    b.send(
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: '0' },
      text('0', 'from b'),
      { type: 'text-end', id: '0' },
      finish(1, 1),
    );
    b.end();
    expect(await done).toBe('from b');
    expect((await result.providerMetadata)?.['zeta']).toMatchObject({ model: 'b', attempts: 2 });
    expect((await result.response).modelId).toBe('b-7b');
  });

  it('a model failing after its first token ends the stream with an error and frees the slot', async () => {
    const { router, feeds } = fleet();
    const errors: unknown[] = [];
    const result = streamText({
      model: router.languageModel({ task: 'simple' }),
      prompt: 'hi',
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    const parts = (async () => {
      const types: string[] = [];
      for await (const part of result.fullStream) types.push(part.type);
      return types;
    })();
    await flush();
    const a = feeds.a[0]!;
    a.send({ type: 'text-start', id: '0' }, text('0', 'half'), {
      type: 'error',
      error: new Error('cut'),
    });
    const types = await parts;
    expect(types).toContain('text-delta');
    expect(types).toContain('error');
    expect(errors).toEqual([expect.objectContaining({ code: 'MODEL_FAILED' })]);
    expect(feeds.b).toHaveLength(0); // started: no failover after the first token
    await flush();
    expect(router.snapshot().models[0]!.inFlight).toBe(0);
  });

  it("the call's abort mid-stream frees the slot at once and aborts the model's call", async () => {
    const { router, feeds, signals } = fleet();
    const controller = new AbortController();
    const result = streamText({
      model: router.languageModel({ task: 'simple' }),
      prompt: 'hi',
      abortSignal: controller.signal,
      onError: () => undefined,
    });
    const reader = result.textStream[Symbol.asyncIterator]();
    const first = reader.next();
    await flush();
    feeds.a[0]!.send(text('0', 'one'));
    expect(await first).toEqual({ value: 'one', done: false });
    expect(router.snapshot().models[0]!.inFlight).toBe(1);
    controller.abort();
    await flush();
    expect(router.snapshot().models[0]!.inFlight).toBe(0);
    expect(signals[0]!.aborted).toBe(true);
    await reader.return?.();
  });

  it('sheds as a retryable APICallError from doStream when the only model is full', async () => {
    const feeds: ReturnType<typeof feed>[] = [];
    const only = new MockLanguageModelV4({
      doStream: async () => {
        const f = feed();
        feeds.push(f);
        return { stream: f.stream };
      },
    });
    const router = new ZetaDynamicRouter({
      models: [aiSdkModel({ id: 'only', model: only, tasks: ['simple'], maxQueue: 0 })],
      maxWaiting: 0,
    });
    routers.push(router);
    // The one slot, held by a started stream.
    const holding = router.stream({ messages: [], options: { prompt: [] } }, { task: 'simple' });
    const first = holding.next();
    await flush();
    feeds[0]!.send({ type: 'text-start', id: '0' }, text('0', 'busy'));
    await first;
    const errors: unknown[] = [];
    const shed = streamText({
      model: router.languageModel({ task: 'simple', retryAfterMs: 250 }),
      prompt: 'b',
      maxRetries: 0,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    await shed.consumeStream();
    expect(errors).toEqual([
      expect.objectContaining({
        isRetryable: true,
        statusCode: 503,
        responseHeaders: expect.objectContaining({ 'retry-after-ms': '250' }),
      }),
    ]);
    expect(feeds).toHaveLength(1);
    await holding.return();
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CallContext,
  type Decision,
  type OverflowEvent,
  type RouterStream,
  type RunInfo,
  type Strategy,
  type StreamOptions,
  type TaskProfile,
  ZetaDynamicRouter,
  type ZetaError,
} from '../../src/index.js';

interface Chat {
  readonly messages: ReadonlyArray<{ role: string; content: string }>;
}
interface Reply {
  readonly text: string;
}

describe('public types', () => {
  const router = new ZetaDynamicRouter<Chat, Reply>({
    models: [
      {
        id: 'm',
        tasks: ['simple'],
        call: async (req, ctx) => {
          expectTypeOf(req).toEqualTypeOf<Chat>();
          expectTypeOf(ctx).toEqualTypeOf<CallContext>();
          return { text: 'hi' };
        },
      },
    ],
  });

  it('types run and runWithInfo by the request and response of the wrapped clients', () => {
    expectTypeOf(router.run).parameter(0).toEqualTypeOf<Chat>();
    expectTypeOf(router.run).returns.toEqualTypeOf<Promise<Reply>>();
    expectTypeOf(router.runWithInfo).returns.toEqualTypeOf<Promise<RunInfo<Reply>>>();
    expectTypeOf<RunInfo<Reply>['decision']>().toEqualTypeOf<Decision>();
    expectTypeOf(router.explain).returns.toEqualTypeOf<Decision>();
    expectTypeOf(router.explain).parameter(0).toEqualTypeOf<Chat | TaskProfile>();
  });

  it('types a stream by the chunks of the wrapped clients, and by their results too when it may be served whole', () => {
    interface Delta {
      readonly delta: string;
    }
    const streaming = new ZetaDynamicRouter({
      models: [
        {
          id: 's',
          tasks: ['simple'],
          call: async (_req: Chat): Promise<Reply> => ({ text: 'hi' }),
          stream: async function* (_req: Chat): AsyncGenerator<Delta> {
            yield { delta: 'h' };
          },
        },
      ],
    });
    const req: Chat = { messages: [] };
    expectTypeOf(streaming.stream(req)).toEqualTypeOf<RouterStream<Delta>>();
    expectTypeOf(streaming.stream(req, { callIfNoStream: true })).toEqualTypeOf<
      RouterStream<Delta | Reply>
    >();
    expectTypeOf(streaming.stream(req, { callIfNoStream: false })).toEqualTypeOf<
      RouterStream<Delta>
    >();
    const maybe: StreamOptions = { callIfNoStream: Math.random() > 0.5 };
    expectTypeOf(streaming.stream(req, maybe)).toEqualTypeOf<RouterStream<Delta | Reply>>();
    void streaming.close();
  });

  it('types every event payload end to end', () => {
    router.on('overflow', (e) => expectTypeOf(e).toEqualTypeOf<OverflowEvent>());
    router.on('reject', (e) => expectTypeOf(e.error).toEqualTypeOf<ZetaError>());
    router.on('complete', (e) => expectTypeOf(e.latencyMs).toEqualTypeOf<number>());
    // @ts-expect-error: not an event of the router
    router.on('finished', () => undefined);
  });

  it('accepts a plain object as a strategy', () => {
    const s: Strategy = {
      name: 'x',
      rank: ({ candidates }) =>
        candidates.map((c) => ({ id: c.id, score: 0, components: {}, reasons: [] })),
    };
    expectTypeOf(s.rank).returns.toMatchTypeOf<ReadonlyArray<{ id: string; score: number }>>();
  });

  it('types a fleet of different clients without generics: each request gets its client result type', async () => {
    interface Embed {
      readonly input: readonly string[];
    }
    const chat = async (req: Chat, ctx: CallContext): Promise<Reply> => {
      void ctx;
      return { text: req.messages[0]?.content ?? '' };
    };
    const embed = async (req: Embed): Promise<number[][]> => req.input.map(() => [0, 1]);
    const fleet = new ZetaDynamicRouter({
      models: [
        { id: 'chat', call: chat, tasks: ['simple', 'code'] },
        { id: 'embedder', call: embed, tasks: ['embedding'] },
      ],
    });
    expectTypeOf(() => fleet.run({ input: ['a'] })).returns.toEqualTypeOf<Promise<number[][]>>();
    expectTypeOf(() =>
      fleet.run({ messages: [{ role: 'user', content: 'hi' }] }),
    ).returns.toEqualTypeOf<Promise<Reply>>();
    expectTypeOf(() => fleet.runWithInfo({ input: ['a'] })).returns.toEqualTypeOf<
      Promise<RunInfo<number[][]>>
    >();
    // @ts-expect-error: no model takes this request
    expectTypeOf(() => fleet.run({ prompt: 'x' })).toBeFunction();
    // A sync client's result is its return type.
    const counter = new ZetaDynamicRouter({
      models: [{ id: 'len', call: (q: string) => q.length, tasks: ['simple'] }],
    });
    expectTypeOf(() => counter.run('abc')).returns.toEqualTypeOf<Promise<number>>();
    expect(await counter.run('abc', { task: 'simple' })).toBe(3);
    expect(await fleet.run({ input: ['a', 'b'] }, { task: 'embedding' })).toEqual([
      [0, 1],
      [0, 1],
    ]);
    await Promise.all([fleet.close(), counter.close()]);
  });

  it("types a model's usage reader by its client's result (annotated in a fleet without generics)", async () => {
    const chat = async (req: Chat): Promise<Reply & { tokens: number }> => ({
      text: req.messages[0]?.content ?? '',
      tokens: 3,
    });
    const embed = async (req: { input: readonly string[] }): Promise<number[][]> =>
      req.input.map(() => [1]);
    const fleet = new ZetaDynamicRouter({
      models: [
        {
          id: 'chat',
          call: chat,
          tasks: ['simple'],
          // Without generics, annotate it: an unannotated callback here defeats the inference.
          usage: (res: Reply & { tokens: number }) => ({
            promptTokens: res.tokens,
            completionTokens: 0,
          }),
        },
        { id: 'embedder', call: embed, tasks: ['embedding'] },
      ],
    });
    expectTypeOf(() => fleet.run({ input: ['a'] })).returns.toEqualTypeOf<Promise<number[][]>>();
    const info = await fleet.runWithInfo(
      { messages: [{ role: 'user', content: 'hi' }] },
      { task: 'simple' },
    );
    expect(info.usage).toEqual({ promptTokens: 3, completionTokens: 0 });
    await fleet.close();
    // With <Req, Res>, the reader's result is typed from context.
    new ZetaDynamicRouter<string, Reply & { tokens: number }>({
      models: [
        {
          id: 'a',
          tasks: ['simple'],
          call: async (q) => ({ text: q, tokens: q.length }),
          usage: (res) => {
            expectTypeOf(res).toEqualTypeOf<Reply & { tokens: number }>();
            return { promptTokens: res.tokens, completionTokens: 1 };
          },
        },
      ],
    });
    new ZetaDynamicRouter<string, Reply>({
      models: [
        {
          id: 'a',
          tasks: ['simple'],
          call: async (q) => ({ text: q }),
          // @ts-expect-error: reads a field the client's result does not have
          usage: (res) => ({ promptTokens: res.tokens, completionTokens: 1 }),
        },
      ],
    });
  });

  it('still takes explicit <Req, Res> and holds every model to them', () => {
    new ZetaDynamicRouter<string, string>({
      // @ts-expect-error: a model whose client gives a number where string was declared
      models: [{ id: 'a', call: async (q: string) => q.length, tasks: ['simple'] }],
    });
    expectTypeOf<ReturnType<ZetaDynamicRouter<string, string>['run']>>().toEqualTypeOf<
      Promise<string>
    >();
  });
});

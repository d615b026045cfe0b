import { describe, expectTypeOf, it } from 'vitest';
import {
  type CallContext,
  type Decision,
  type OverflowEvent,
  type RunInfo,
  type Strategy,
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
});

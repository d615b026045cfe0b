// Real token usage reaches the router: a model's `usage(result)` or `ctx.reportUsage` (streams),
// fed to the tracker (FinishDetails.usage), the `usage` and `complete` events, RunInfo and the
// snapshot's totals. A bad report never breaks a request (issue #11).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker } from '../../src/load/InMemoryLoadTracker.js';
import type { CallContext, ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import type { FinishDetails, TaskType, TokenUsage } from '../../src/types.js';
import { throwingProxy } from '../helpers/adversarial.js';
import { configError } from '../helpers/configError.js';
import { flush, ManualClock } from '../helpers/manualClock.js';

interface Answer {
  readonly text: string;
  readonly usage?: unknown;
}

/** The built-in tracker, keeping what `recordFinish` was told. */
class RecordingTracker extends InMemoryLoadTracker {
  readonly finishes: Array<{ model: string; ok: boolean; details: FinishDetails | undefined }> = [];

  override recordFinish(
    model: string,
    task: TaskType,
    latencyMs: number,
    ok: boolean,
    now: number,
    details?: FinishDetails,
  ): void {
    this.finishes.push({ model, ok, details });
    super.recordFinish(model, task, latencyMs, ok, now);
  }
}

function router(
  models: ReadonlyArray<Partial<ModelConfig<string, Answer>> & { id: string }>,
  tracker = new RecordingTracker(),
) {
  const r = new ZetaDynamicRouter<string, Answer>({
    models: models.map((m) => ({
      tasks: ['simple'],
      call: async (req: string) => ({ text: req }),
      ...m,
    })),
    tracker,
    clock: new ManualClock(),
    health: false,
  });
  return { router: r, tracker };
}

const readAnswer = (res: Answer) => res.usage as TokenUsage | undefined;

describe('token usage', () => {
  it("reads a call's usage from its result: tracker, usage and complete events, RunInfo, snapshot totals", async () => {
    const { router: r, tracker } = router([
      {
        id: 'a',
        call: async (req) => ({ text: req, usage: { promptTokens: 12, completionTokens: 30 } }),
        usage: readAnswer,
      },
    ]);
    const events: unknown[] = [];
    r.on('usage', (e) => events.push({ usage: e.usage, model: e.model, attempt: e.attempt }));
    r.on('complete', (e) => events.push({ complete: e.usage }));
    const info = await r.runWithInfo('hi', {
      task: { type: 'simple', complexity: 0.3, tokens: 50 },
    });
    expect(info.usage).toEqual({ promptTokens: 12, completionTokens: 30 });
    expect(events).toEqual([
      { usage: { promptTokens: 12, completionTokens: 30 }, model: 'a', attempt: 1 },
      { complete: { promptTokens: 12, completionTokens: 30 } },
    ]);
    // The estimate before the call and the real figure after, side by side.
    expect(tracker.finishes).toEqual([
      {
        model: 'a',
        ok: true,
        details: {
          complexity: 0.3,
          estimatedTokens: 50,
          usage: { promptTokens: 12, completionTokens: 30 },
        },
      },
    ]);
    await r.run('again', { task: 'simple' });
    expect(r.snapshot().models[0]!.usage).toEqual({ promptTokens: 24, completionTokens: 60 });
  });

  it('leaves usage out when the model reports none', async () => {
    const { router: r, tracker } = router([{ id: 'a' }]);
    const info = await r.runWithInfo('hi', { task: 'simple' });
    expect('usage' in info).toBe(false);
    expect(tracker.finishes[0]!.details?.usage).toBeUndefined();
    expect(r.snapshot().models[0]!.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
  });

  it('takes ctx.reportUsage over the usage read from the result; a report after the call ended is ignored', async () => {
    let late: CallContext | undefined;
    const { router: r } = router([
      {
        id: 'a',
        call: async (req, ctx) => {
          ctx.reportUsage({ promptTokens: 1, completionTokens: 1 });
          ctx.reportUsage({ promptTokens: 5, completionTokens: 7 });
          late = ctx;
          return { text: req, usage: { promptTokens: 100, completionTokens: 100 } };
        },
        usage: readAnswer,
      },
    ]);
    expect((await r.runWithInfo('hi', { task: 'simple' })).usage).toEqual({
      promptTokens: 5,
      completionTokens: 7,
    });
    late!.reportUsage({ promptTokens: 1000, completionTokens: 1000 });
    expect(r.snapshot().models[0]!.usage).toEqual({ promptTokens: 5, completionTokens: 7 });
  });

  it("counts a failed call's reported usage for the tracker and the totals, not for the request", async () => {
    const { router: r, tracker } = router([
      {
        id: 'a',
        home: ['simple'],
        call: async (_req, ctx) => {
          ctx.reportUsage({ promptTokens: 3, completionTokens: 2 });
          throw new Error('cut');
        },
      },
      { id: 'b', usage: () => ({ promptTokens: 4, completionTokens: 4 }) },
    ]);
    const info = await r.runWithInfo('hi', { task: 'simple' });
    expect(info.model).toBe('b');
    expect(info.usage).toEqual({ promptTokens: 4, completionTokens: 4 });
    expect(tracker.finishes.map((f) => [f.model, f.ok, f.details?.usage])).toEqual([
      ['a', false, { promptTokens: 3, completionTokens: 2 }],
      ['b', true, { promptTokens: 4, completionTokens: 4 }],
    ]);
  });

  it("a stream's usage, reported with its last chunk, reaches the tracker when it ends", async () => {
    const { router: r, tracker } = router([
      {
        id: 'a',
        // A stream's usage comes from ctx.reportUsage; usage(result) is for calls.
        usage: () => ({ promptTokens: 99, completionTokens: 99 }),
        stream: async function* (_req: string, ctx: CallContext) {
          yield 'one';
          ctx.reportUsage({ promptTokens: 8, completionTokens: 2 });
          yield 'two';
        },
      },
    ]);
    const seen: unknown[] = [];
    r.on('usage', (e) => seen.push(e.usage));
    const chunks: unknown[] = [];
    for await (const chunk of r.stream('hi', { task: 'simple' })) chunks.push(chunk);
    await flush();
    expect(chunks).toEqual(['one', 'two']);
    expect(seen).toEqual([{ promptTokens: 8, completionTokens: 2 }]);
    expect(tracker.finishes.map((f) => f.details?.usage)).toEqual([
      { promptTokens: 8, completionTokens: 2 },
    ]);
    expect(r.snapshot().models[0]!.usage).toEqual({ promptTokens: 8, completionTokens: 2 });
  });

  it('refuses a usage that is not a function', () => {
    const error = configError(
      () =>
        new ZetaDynamicRouter({
          models: [{ id: 'a', call: () => 1, tasks: ['simple'], usage: 'prompt_tokens' as never }],
        }),
    );
    expect(error.message).toContain(
      'models[0] (\'a\').usage must be a function (result) => ({ promptTokens, completionTokens }) or undefined, got "prompt_tokens"',
    );
  });
});

/** Values a careless or hostile client might report as usage. */
const badUsage: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.constant(() => undefined),
  fc.constant(() => null),
  fc.constant(() => throwingProxy()),
  fc.anything().map((v) => () => v),
  fc
    .record({
      promptTokens: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(undefined)),
      completionTokens: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(undefined)),
    })
    .map((v) => () => v),
  fc.constant(() =>
    Object.defineProperty({ completionTokens: 1 }, 'promptTokens', {
      get() {
        throw new Error('hostile promptTokens');
      },
    }),
  ),
);

/** The usage the router must record for `value`: counts finite and >= 0, else none. */
function expected(value: unknown): TokenUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let p: unknown;
  let c: unknown;
  try {
    ({ promptTokens: p, completionTokens: c } = value as Record<string, unknown>);
  } catch {
    return undefined;
  }
  const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  return ok(p) && ok(c)
    ? { promptTokens: (p as number) + 0, completionTokens: (c as number) + 0 }
    : undefined;
}

describe('token usage under hostile reports (property)', () => {
  it('a bad usage, returned, thrown or reported, never breaks a request and is recorded only when valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        badUsage,
        fc.constantFrom('return', 'throw', 'report'),
        async (make, how) => {
          const value = make();
          const { router: r, tracker } = router([
            {
              id: 'a',
              call: async (req, ctx) => {
                if (how === 'report') ctx.reportUsage(value as TokenUsage);
                return { text: req };
              },
              usage: () => {
                if (how === 'throw') throw value;
                return how === 'return' ? (value as TokenUsage) : undefined;
              },
            },
          ]);
          const info = await r.runWithInfo('hi', { task: 'simple' });
          expect(info.result).toEqual({ text: 'hi' });
          const want = how === 'throw' ? undefined : expected(value);
          expect(info.usage).toEqual(want);
          expect(tracker.finishes[0]!.details?.usage).toEqual(want);
          expect(r.snapshot().models[0]!.usage).toEqual(
            want ?? { promptTokens: 0, completionTokens: 0 },
          );
          expect(r.snapshot().models[0]!.inFlight).toBe(0);
        },
      ),
      { numRuns: 300, examples: [[() => ({ promptTokens: -0, completionTokens: -0 }), 'return']] },
    );
  });
});

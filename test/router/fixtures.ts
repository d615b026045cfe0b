import { isZetaError, type ZetaError } from '../../src/errors/ZetaError.js';
import type { CallContext, ModelConfig, ZetaRouterOptions } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { type Deferred, deferred, flush, ManualClock } from '../helpers/manualClock.js';

/** A fake model whose calls stay open until the test settles them by hand. */
export class FakeModel {
  readonly calls: Array<{ req: string; ctx: CallContext; d: Deferred<string>; done: boolean }> = [];
  running = 0;
  maxRunning = 0;

  constructor(readonly id: string) {}

  readonly call = (req: string, ctx: CallContext): Promise<string> => {
    const d = deferred<string>();
    this.calls.push({ req, ctx, d, done: false });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const done = (): void => {
      this.running--;
    };
    d.promise.then(done, done);
    return d.promise;
  };

  /** Resolves the oldest open call with `value` (default: `${id}:${req}`). */
  finishNext(value?: string): void {
    const open = this.calls.find((c) => !c.done);
    if (!open) throw new Error(`${this.id} has no open call`);
    open.done = true;
    open.d.resolve(value ?? `${this.id}:${open.req}`);
  }

  /** Resolves every open call, letting the router bind and start what was waiting in between. */
  async finishAll(): Promise<void> {
    while (this.calls.some((c) => !c.done)) {
      this.finishNext();
      await flush();
    }
  }

  failNext(error: unknown = new Error(`${this.id} broke`)): void {
    const open = this.calls.find((c) => !c.done);
    if (!open) throw new Error(`${this.id} has no open call`);
    open.done = true;
    open.d.reject(error);
  }
}

export interface Fleet {
  clock: ManualClock;
  coder: FakeModel;
  embedder: FakeModel;
  reasoner: FakeModel;
  router: ZetaDynamicRouter<string, string>;
}

/** The mission's three models, as fakes driven by hand. */
export function fleet(
  overrides: Partial<ZetaRouterOptions<string, string>> = {},
  models: Partial<
    Record<'coder' | 'embedder' | 'reasoner', Partial<ModelConfig<string, string>>>
  > = {},
): Fleet {
  const clock = new ManualClock();
  const coder = new FakeModel('coder-7b');
  const embedder = new FakeModel('embedder-4b');
  const reasoner = new FakeModel('reasoner-14b');
  const router = new ZetaDynamicRouter<string, string>({
    models: [
      {
        id: 'coder-7b',
        call: coder.call,
        tasks: ['simple', 'code', 'reasoning'],
        home: ['code', 'simple'],
        maxComplexity: 0.7,
        concurrency: 2,
        maxQueue: 2,
        ...models.coder,
      },
      {
        id: 'embedder-4b',
        call: embedder.call,
        tasks: ['embedding', 'simple'],
        home: ['embedding'],
        concurrency: 2,
        maxQueue: 2,
        ...models.embedder,
      },
      {
        id: 'reasoner-14b',
        call: reasoner.call,
        tasks: ['simple', 'code', 'reasoning'],
        home: ['reasoning'],
        concurrency: 1,
        maxQueue: 2,
        ...models.reasoner,
      },
    ],
    clock,
    random: seededRandom(1),
    ...overrides,
  });
  return { clock, coder, embedder, reasoner, router };
}

/** Awaits `p` and returns the ZetaError it rejects with (fails the test otherwise). */
export async function rejection(p: Promise<unknown>): Promise<ZetaError> {
  try {
    await p;
  } catch (error) {
    if (isZetaError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

import { describe, expect, it } from 'vitest';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import { ManualClock } from '../../helpers/manualClock.js';
import { spyStrategy } from '../../helpers/spyStrategy.js';

const call = async (req: string) => req;

describe('Decider: which candidates are the only model of some task type', () => {
  it('marks a sole server, and follows models added and removed', async () => {
    const strategy = spyStrategy();
    const router = new ZetaDynamicRouter<string, string>({
      clock: new ManualClock(),
      strategy,
      models: [
        { id: 'coder', tasks: ['simple', 'code'], concurrency: 2, call },
        { id: 'embedder', tasks: ['embedding', 'simple'], concurrency: 2, call },
      ],
    });
    const sole = () => Object.fromEntries(strategy.seen.at(-1)!.map((c) => [c.id, c.soleServer]));
    await router.run('a', { task: 'simple' });
    expect(sole()).toEqual({ coder: true, embedder: true }); // code and embedding: one model each
    router.addModel({ id: 'embedder-2', tasks: ['embedding', 'simple'], concurrency: 2, call });
    await router.run('b', { task: 'simple' });
    expect(sole()).toEqual({ coder: true, embedder: false, 'embedder-2': false });
    await router.removeModel('embedder-2');
    await router.run('c', { task: 'simple' });
    expect(sole()).toEqual({ coder: true, embedder: true });
  });
});

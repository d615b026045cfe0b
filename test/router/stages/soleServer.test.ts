import { describe, expect, it } from 'vitest';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import type { Strategy } from '../../../src/strategy/Strategy.js';
import type { CandidateState } from '../../../src/types.js';
import { ManualClock } from '../../helpers/manualClock.js';

/** A strategy that ranks in the given order and keeps what it was shown. */
function spy(): Strategy & { seen: CandidateState[][] } {
  const seen: CandidateState[][] = [];
  return {
    name: 'spy',
    seen,
    rank: (input) => {
      seen.push([...input.candidates]);
      return input.candidates.map((c) => ({ id: c.id, score: 0, components: {}, reasons: [] }));
    },
  };
}

const call = async (req: string) => req;

describe('Decider: which candidates are the only model of some task type', () => {
  it('marks a sole server, and follows models added and removed', async () => {
    const strategy = spy();
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

import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/router/events.js';
import { ZetaDynamicRouter } from '../../../src/router/ZetaDynamicRouter.js';
import type { RoutingInput } from '../../../src/types.js';
import { seededRandom } from '../../../src/utils/random.js';
import { ManualClock } from '../../helpers/manualClock.js';

/**
 * A fleet of 60 models serving `code`, too many to rank whole (sampleSize 4): `m00` is fast, the
 * rest slow; every other model allows complexity up to 0.3 only.
 */
function bigFleet() {
  const clock = new ManualClock();
  const decisions: Decision[] = [];
  const router = new ZetaDynamicRouter<string, string>({
    clock,
    random: seededRandom(7),
    sampleSize: 4,
    models: Array.from({ length: 60 }, (_, i) => ({
      id: `m${String(i).padStart(2, '0')}`,
      tasks: ['code'],
      concurrency: 4,
      maxComplexity: i % 2 === 0 ? 1 : 0.3,
      latencyPriorMs: i === 0 ? 10 : 1000,
      call: async (req: string) => req,
    })),
  });
  router.on('decision', (e) => decisions.push(e.decision));
  return { router, decisions };
}

describe('Decider: sampling a large fleet', () => {
  it('keeps the best model it found in the next decisions of the task and band (memory)', async () => {
    const { router, decisions } = bigFleet();
    for (let i = 0; i < 200; i++)
      await router.run(`r${i}`, { task: { type: 'code', complexity: 0.5 } });
    const first = decisions.findIndex((d) => d.ranking.some((r) => r.id === 'm00'));
    expect(first).toBeGreaterThanOrEqual(0); // found by chance among the random draws
    for (const d of decisions.slice(first + 1)) {
      expect(d.notSampled).toBeGreaterThan(0);
      expect(d.model).toBe('m00');
    }
  });

  it('draws only models that allow the complexity (none are wasted on exclusions)', async () => {
    const { router, decisions } = bigFleet();
    for (let i = 0; i < 50; i++)
      await router.run(`r${i}`, { task: { type: 'code', complexity: 0.8 } });
    for (const d of decisions) {
      expect(d.excluded).toEqual([]);
      expect(d.ranking.length).toBeGreaterThanOrEqual(4);
      for (const r of d.ranking) expect(Number(r.id.slice(1)) % 2).toBe(0);
    }
  });
});

describe('Decider: what the strategy is told of the fleet', () => {
  const seen: boolean[] = [];
  const strategy = {
    name: 'spy',
    rank: (input: RoutingInput) => {
      seen.push(input.largeFleet === true);
      return input.candidates.map((c) => ({ id: c.id, score: 0, components: {}, reasons: [] }));
    },
  };
  const fleet = (count: number, sampleSize: number) =>
    new ZetaDynamicRouter<string, string>({
      clock: new ManualClock(),
      strategy,
      sampleSize,
      models: Array.from({ length: count }, (_, i) => ({
        id: `m${i}`,
        tasks: ['code'],
        call: async (req: string) => req,
      })),
    });

  it('says largeFleet when it samples, or when more than 32 models serve the task, however many it ranks', async () => {
    const cases: [count: number, sampleSize: number, large: boolean][] = [
      [3, 4, false],
      [5, 4, true], // sampled
      [20, 64, false], // ranked whole, and few
      [40, 64, true], // ranked whole, but many
    ];
    for (const [count, sampleSize, large] of cases) {
      const router = fleet(count, sampleSize);
      seen.length = 0;
      await router.run('x', { task: 'code' });
      router.explain({ type: 'code', complexity: 0.5 });
      expect({ count, sampleSize, seen }).toEqual({ count, sampleSize, seen: [large, large] });
    }
  });
});

describe('Decider: a harder request ranks a larger sample', () => {
  it('draws sampleSize x (1 + 3 x complexity) models at random: 4 for an easy one, 16 for the hardest', async () => {
    const pool = async (complexity: number): Promise<number> => {
      const router = new ZetaDynamicRouter<string, string>({
        clock: new ManualClock(),
        random: seededRandom(3),
        sampleSize: 4,
        models: Array.from({ length: 200 }, (_, i) => ({
          id: `m${i}`,
          tasks: ['code'],
          call: async (req: string) => req,
        })),
      });
      const decisions: Decision[] = [];
      router.on('decision', (e) => decisions.push(e.decision));
      await router.run('x', { task: { type: 'code', complexity } });
      return 200 - decisions[0]!.notSampled; // no home models, nothing remembered yet
    };
    expect(await pool(0)).toBe(4);
    expect(await pool(0.5)).toBe(10);
    expect(await pool(1)).toBe(16);
  });
});

describe('Decider: sampling memory with experiments', () => {
  it('keeps its memory per arm: an experiment does not turn it off for the control arm', async () => {
    const served = async (withExperiment: boolean): Promise<number> => {
      const router = new ZetaDynamicRouter<string, string>({
        clock: new ManualClock(),
        random: seededRandom(7),
        models: Array.from({ length: 60 }, (_, i) => ({
          id: i === 0 ? 'fast' : `slow-${i}`,
          tasks: ['simple'],
          concurrency: 4,
          latencyPriorMs: i === 0 ? 10 : 1000,
          call: async () => 'ok',
        })),
        ...(withExperiment
          ? { experiments: [{ name: 'tiny', strategy: 'adaptive' as const, share: 0.01 }] }
          : {}),
      });
      let fast = 0;
      router.on('dispatch', (e) => {
        if (e.model === 'fast') fast++;
      });
      for (let i = 0; i < 300; i++)
        await router.run('x', {
          task: 'simple',
          ...(withExperiment ? { experiment: 'control' } : {}),
        });
      return fast;
    };
    const without = await served(false);
    expect(without).toBeGreaterThan(280); // found by chance, then remembered
    expect(await served(true)).toBe(without); // before: 20 of 300
  });
});

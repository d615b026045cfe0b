import { describe, expect, it } from 'vitest';
import { FastestModels } from '../../../src/router/stages/fastest.js';
import type { ModelEntry } from '../../../src/router/stages/fleet.js';
import { runSimulation } from '../../../src/sim/index.js';
import type { SimModelSpec } from '../../../src/sim/models/spec.js';
import type { SimRequest } from '../../../src/sim/types.js';
import { adaptiveStrategy } from '../../../src/strategy/index.js';
import type { RoutingInput } from '../../../src/types.js';

/** A stand-in fleet entry: FastestModels reads only `removed` and `model.tasks`. */
function entry(id: string, tasks: string[]): ModelEntry<unknown, unknown> {
  return { removed: false, model: { id, tasks: new Set(tasks) } } as unknown as ModelEntry<
    unknown,
    unknown
  >;
}

describe('FastestModels', () => {
  it('adds the fastest noted models serving the type, at most n, none twice; a removed one is dropped', () => {
    const fastest = new FastestModels<unknown, unknown>();
    const models = Array.from({ length: 100 }, (_, i) =>
      entry(`m${i}`, i % 2 === 0 ? ['simple', 'reasoning'] : ['simple']),
    );
    // Speeds 0.01 (m0) to 1 (m99), noted in a shuffled order; the order is rebuilt every 64 notes.
    const order = [...models.keys()].sort((a, b) => ((a * 37) % 101) - ((b * 37) % 101));
    for (const i of order) fastest.note(models[i]!, (i + 1) / 100);
    for (let k = 0; k < 64 - (100 % 64); k++) fastest.note(models[0]!, 0.01);
    const picked = [models[2]!];
    fastest.addServing(picked, 'reasoning', 3);
    expect(picked.map((e) => e.model.id)).toEqual(['m2', 'm0', 'm4', 'm6']);
    const simple: ModelEntry<unknown, unknown>[] = [];
    fastest.addServing(simple, 'simple', 5);
    expect(simple.map((e) => e.model.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    (models[1] as { removed: boolean }).removed = true;
    const after: ModelEntry<unknown, unknown>[] = [];
    fastest.addServing(after, 'simple', 2);
    expect(after.map((e) => e.model.id)).toEqual(['m0', 'm2']);
    fastest.addServing(after, 'embedding', 5);
    expect(after).toHaveLength(2);
  });
});

describe('the large-fleet sample and the fastest models', () => {
  /**
   * 60 models serving simple and reasoning, none a home of reasoning; `fast` answers in 20 ms,
   * the others in 1 to 3 s. 200 simple requests come first (the fast model is found among them),
   * then reasoning.
   */
  const ln = (median: number) => ({ kind: 'lognormal' as const, median, spread: 1.5 });
  const models: SimModelSpec[] = Array.from({ length: 60 }, (_, i) => ({
    id: i === 37 ? 'fast' : `m${i}`,
    tasks: ['simple', 'reasoning'],
    home: ['simple'],
    concurrency: 4,
    service: {
      byTask:
        i === 37
          ? { simple: ln(20), reasoning: ln(60) }
          : { simple: ln(1000), reasoning: ln(3000) },
    },
  }));
  const requests: SimRequest[] = [
    ...Array.from({ length: 200 }, (_, id) => ({
      id,
      t: id * 20,
      type: 'simple',
      complexity: 0.1,
      tokens: 100,
      priority: 0,
    })),
    ...Array.from({ length: 5 }, (_, k) => ({
      id: 200 + k,
      t: 8000 + k * 1000,
      type: 'reasoning',
      complexity: 0.9,
      tokens: 100,
      priority: 0,
    })),
  ];

  it('ranks a model measured fast at one task for another from its first request (seeds 1-12)', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const reasoning: string[][] = [];
      const strategy = {
        name: 'adaptive',
        rank(input: RoutingInput) {
          if (input.task.type === 'reasoning') reasoning.push(input.candidates.map((c) => c.id));
          return adaptiveStrategy.rank(input);
        },
      };
      const run = await runSimulation({
        models,
        requests,
        strategy,
        seed,
        router: { sampleSize: 4 },
      });
      expect(
        run.outcomes.filter((o) => o.type === 'simple' && o.model === 'fast').length,
      ).toBeGreaterThan(0);
      // The first reasoning decision has no memory of its own: 16 random draws of 60 would hold
      // `fast` about a quarter of the time.
      expect(reasoning[0], `seed ${seed}`).toContain('fast');
    }
  });
});

import { throwIfProblems } from '../../utils/options.js';
import { seededRandom } from '../../utils/random.js';
import type { DistributionSpec } from '../distributions.js';
import { mustBe, seedProblems } from '../internal/check.js';
import type { SimModelSpec } from '../models/spec.js';
import { lognormal } from './internal/specs.js';

/** The fleets the built-in scenarios run on. */

/** Most models {@link heterogeneousFleet} builds. */
const MAX_FLEET = 100_000;

/**
 * The default fleet, modelled on the mission's static table (simple → 7B, embeddings → 4B,
 * complex reasoning → 14B). Service times are log-normal with p95 = 2.5 × median (so mean =
 * 1.168 × median); medians in milliseconds:
 *
 * | model | concurrency | home | maxComplexity | simple | code | reasoning | embedding |
 * | --- | --- | --- | --- | --- | --- | --- | --- |
 * | `coder-7b` | 8 | code, simple | 0.7 | 500 | 1,200 | 3,000 | – |
 * | `embedder-4b` | 16 | embedding | 0.5 | 300 | – | – | 25 |
 * | `reasoner-14b` | 4 | reasoning | 1 | 900 | 2,000 | 4,000 | – |
 *
 * The 14B does not serve embeddings: vectors from different models are not comparable, so
 * embeddings have exactly one capable model. Capacity at full use (requests per second):
 * coder-7b 5.7 code or 13.7 simple; embedder-4b 548 embeddings or 45.7 simple; reasoner-14b 0.86
 * reasoning or 1.7 code. Token budgets: 65,536 (7B), 131,072 (4B and 14B).
 */
export const defaultFleet: readonly SimModelSpec[] = [
  {
    id: 'coder-7b',
    tasks: ['simple', 'code', 'reasoning'],
    home: ['code', 'simple'],
    maxComplexity: 0.7,
    concurrency: 8,
    maxTokens: 65_536,
    cost: 1,
    service: {
      byTask: { simple: lognormal(500), code: lognormal(1200), reasoning: lognormal(3000) },
    },
  },
  {
    id: 'embedder-4b',
    tasks: ['embedding', 'simple'],
    home: ['embedding'],
    maxComplexity: 0.5,
    concurrency: 16,
    maxTokens: 131_072,
    cost: 0.5,
    service: { byTask: { embedding: lognormal(25), simple: lognormal(300) } },
  },
  {
    id: 'reasoner-14b',
    tasks: ['simple', 'code', 'reasoning'],
    home: ['reasoning'],
    maxComplexity: 1,
    concurrency: 4,
    maxTokens: 131_072,
    cost: 2,
    service: {
      byTask: { simple: lognormal(900), code: lognormal(2000), reasoning: lognormal(4000) },
    },
  },
];

const SPEEDS = [0.5, 0.75, 1, 1.5, 2, 3];

/**
 * A large fleet of mixed speed and capability, generated deterministically from `seed`. Models
 * are named `m0000`, `m0001`…; each is one of four kinds (service medians in milliseconds before
 * its speed factor, drawn from 0.5, 0.75, 1, 1.5, 2, 3; log-normal, p95 = 2.5 × median):
 *
 * | kind | share | tasks (home first) | maxComplexity | concurrency | medians |
 * | --- | --- | --- | --- | --- | --- |
 * | embed | 10% | embedding | 1 | 16 | embedding 25 |
 * | small | 40% | simple, code | 0.5 | 4 or 8 | simple 400, code 1,000 |
 * | medium | 35% | code, simple, reasoning | 0.7 | 4 or 8 | simple 500, code 1,200, reasoning 3,000 |
 * | large | 15% | reasoning, simple, code | 1 | 2 or 4 | simple 900, code 2,000, reasoning 4,000 |
 *
 * @param count - Number of models, an integer from 1 to 100,000.
 * @param seed - Seed of the draws (an integer). @default 1
 * @throws ZetaError `CONFIG_INVALID` listing every bad argument.
 */
export function heterogeneousFleet(count: number, seed = 1): SimModelSpec[] {
  throwIfProblems('heterogeneousFleet arguments', [
    ...(Number.isInteger(count) && count >= 1 && count <= MAX_FLEET
      ? []
      : [mustBe('count', `an integer from 1 to ${MAX_FLEET}`, count)]),
    ...seedProblems(seed),
  ]);
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const width = Math.max(4, String(count - 1).length);
  return Array.from({ length: count }, (_, i): SimModelSpec => {
    const id = `m${String(i).padStart(width, '0')}`;
    const kind = random();
    const speed = pick(SPEEDS);
    const ln = (median: number): DistributionSpec => lognormal(median * speed);
    if (kind < 0.1) {
      return { id, tasks: ['embedding'], home: ['embedding'], concurrency: 16, service: ln(25) };
    }
    if (kind < 0.5) {
      return {
        id,
        tasks: ['simple', 'code'],
        home: ['simple'],
        maxComplexity: 0.5,
        concurrency: pick([4, 8]),
        service: { byTask: { simple: ln(400), code: ln(1000) } },
      };
    }
    if (kind < 0.85) {
      return {
        id,
        tasks: ['code', 'simple', 'reasoning'],
        home: ['code'],
        maxComplexity: 0.7,
        concurrency: pick([4, 8]),
        service: { byTask: { simple: ln(500), code: ln(1200), reasoning: ln(3000) } },
      };
    }
    return {
      id,
      tasks: ['reasoning', 'simple', 'code'],
      home: ['reasoning'],
      maxComplexity: 1,
      concurrency: pick([2, 4]),
      cost: 2,
      service: { byTask: { simple: ln(900), code: ln(2000), reasoning: ln(4000) } },
    };
  });
}

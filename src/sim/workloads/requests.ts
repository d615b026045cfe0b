import type { RandomSource } from '../../types.js';
import { throwIfProblems } from '../../utils/options.js';
import { seededRandom } from '../../utils/random.js';
import { type Distribution, makeDistribution } from '../distributions.js';
import { countProblems, seedProblems } from '../internal/check.js';
import { hashSeed } from '../internal/hash.js';
import { take } from '../internal/take.js';
import type { SimRequest } from '../types.js';
import { arrivalTimes } from './arrivals.js';
import { type TaskMix, type TimedTaskMix, type WorkloadSpec, workloadProblems } from './spec.js';

/**
 * Requests from a workload spec: arrival times from the arrival process, attributes from the mix
 * and the task types.
 */

/** Picks an index from cumulative weights. */
function pick(cumulative: readonly number[], random: RandomSource): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const u = random() * total;
  for (let i = 0; i < cumulative.length; i++) {
    if (u < (cumulative[i] ?? 0)) return i;
  }
  return cumulative.length - 1;
}

function cumulate(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => {
    sum += w;
    return sum;
  });
}

interface CompiledType {
  readonly complexity: Distribution;
  readonly promptTokens: Distribution;
  readonly outputTokens: Distribution | undefined;
  readonly priority: (random: RandomSource) => number;
}

/**
 * Yields the requests of a workload in arrival order, ids 0, 1, 2…, without end (stop when you
 * have enough, or once `t` passes a horizon). Arrival times and request attributes come from two
 * independent streams derived from `seed`, so changing the mix or the type specs leaves arrival
 * times unchanged.
 *
 * @throws ZetaError `CONFIG_INVALID` (on the first `next()`) listing every problem of the spec
 * (unknown keys included) and of the seed.
 * @example
 * const firstMinute: SimRequest[] = [];
 * for (const req of workloadRequests(spec, 42)) {
 *   if (req.t >= 60_000) break;
 *   firstMinute.push(req);
 * }
 */
export function* workloadRequests(spec: WorkloadSpec, seed: number): Generator<SimRequest, never> {
  throwIfProblems('workloadRequests arguments', [
    ...workloadProblems(spec, 'spec'),
    ...seedProblems(seed),
  ]);
  const random = seededRandom(hashSeed(seed, 'attributes'));

  const compiled = new Map<string, CompiledType>();
  for (const [type, t] of Object.entries(spec.types)) {
    const pr = t.priority ?? 0;
    let priority: (random: RandomSource) => number;
    if (typeof pr === 'number') {
      priority = () => pr;
    } else {
      const cum = cumulate(pr.map((e) => e.weight));
      priority = (r) => (pr[pick(cum, r)] as { value: number }).value;
    }
    compiled.set(type, {
      complexity: makeDistribution(t.complexity),
      promptTokens: makeDistribution(t.promptTokens),
      outputTokens: t.outputTokens === undefined ? undefined : makeDistribution(t.outputTokens),
      priority,
    });
  }

  const timed: TimedTaskMix = Array.isArray(spec.mix)
    ? (spec.mix as TimedTaskMix)
    : [{ at: 0, mix: spec.mix as TaskMix }];
  const mixes = timed.map((m) => {
    const types = Object.keys(m.mix).filter((k) => (m.mix[k] ?? 0) > 0);
    return { at: m.at, types, cumulative: cumulate(types.map((k) => m.mix[k] ?? 0)) };
  });

  let m = 0;
  let id = 0;
  for (const t of arrivalTimes(spec.arrivals, seededRandom(hashSeed(seed, 'arrivals')))) {
    while (m + 1 < mixes.length && (mixes[m + 1]?.at ?? Number.POSITIVE_INFINITY) <= t) m++;
    const mix = mixes[m]!;
    const type = mix.types[pick(mix.cumulative, random)] as string;
    const c = compiled.get(type)!;
    const complexity = Math.min(1, Math.max(0, c.complexity(random)));
    const prompt = Math.max(1, Math.round(c.promptTokens(random)));
    const priority = c.priority(random);
    if (c.outputTokens === undefined) {
      yield { id: id++, t, type, complexity, tokens: prompt, priority };
    } else {
      const output = Math.max(0, Math.round(c.outputTokens(random)));
      yield {
        id: id++,
        t,
        type,
        complexity,
        tokens: prompt + output,
        outputTokens: output,
        priority,
      };
    }
  }
  throw new Error('unreachable: arrival times never end');
}

/**
 * Generates the first `requests` requests of a workload (see {@link workloadRequests}), sorted by
 * `t`, ids 0… in arrival order. Same spec and seed, same requests.
 *
 * @param spec - The workload.
 * @param seed - Any 32-bit integer.
 * @param requests - How many requests to generate, an integer from 0 to 1,000,000 (a bound
 * checked before anything is allocated: a few million requests exhaust the default V8 heap).
 * @throws ZetaError `CONFIG_INVALID` listing every problem of the spec (unknown keys included),
 * the seed and `requests`.
 * @example
 * const reqs = generateWorkload(scenarios.steady.workload, 42, 1_000);
 */
export function generateWorkload(spec: WorkloadSpec, seed: number, requests: number): SimRequest[] {
  throwIfProblems('generateWorkload arguments', [
    ...workloadProblems(spec, 'spec'),
    ...seedProblems(seed),
    ...countProblems(requests, 'requests'),
  ]);
  return take(workloadRequests(spec, seed), requests);
}

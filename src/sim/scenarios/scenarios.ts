import { configInvalid } from '../../utils/options.js';
import { mustBe } from '../internal/check.js';
import type { SimModelSpec } from '../models/spec.js';
import type { TaskMix, WorkloadSpec } from '../workloads/spec.js';
import { defaultFleet, heterogeneousFleet } from './fleets.js';
import { defaultTaskTypes } from './taskTypes.js';

/** The built-in scenarios (fleet, workload, request count) and lookup by name. */

/**
 * A built-in simulation scenario: a fleet, a workload and how many requests to run. Plain,
 * serialisable data (a JSON file of this shape works the same).
 */
export interface SimScenario {
  /** Short name, e.g. `'code-burst'`. */
  readonly name: string;
  /** What the scenario tests and the load it puts on the fleet. */
  readonly description: string;
  /** The fleet. */
  readonly models: readonly SimModelSpec[];
  /** The workload. */
  readonly workload: WorkloadSpec;
  /** Default number of requests to run. */
  readonly requests: number;
}

/** The everyday mix: 40% simple, 30% code, 20% embedding, 10% reasoning. */
const steadyMix: TaskMix = { simple: 0.4, code: 0.3, embedding: 0.2, reasoning: 0.1 };

function withPhases(
  models: readonly SimModelSpec[],
  id: string,
  phases: SimModelSpec['phases'],
): SimModelSpec[] {
  return models.map((m) => (m.id === id && phases !== undefined ? { ...m, phases } : m));
}

const heterogeneous1000 = heterogeneousFleet(1000, 1);

/** The ramp's steps: 3 requests/s at t = 0, 0.75/s more every 30 s, 12/s from t = 360 s on. */
const rampSegments = [
  ...Array.from({ length: 12 }, (_, i) => ({ at: i * 30_000, rate: 3 + i * 0.75 })),
  { at: 360_000, rate: 12 },
];

/**
 * The built-in scenarios, by name. Rates are in requests per second. Utilization figures (ρ) are
 * offered work over capacity, from the rates, the mixes and the mean service times (1.168 × the
 * medians), as {@link estimateLoad} computes them: "static" puts each task type on its home
 * model (the original table); "balanced" spreads work over capable models to even out ρ (what
 * a good router can reach). Windowed figures cover the scenario's event.
 */
export const scenarios = {
  /**
   * **steady**: the everyday mix (40% simple, 30% code, 20% embedding, 10% reasoning) at 5/s,
   * Poisson, 3,000 requests (10 min). Static ρ: coder-7b 0.41, reasoner-14b 0.58, embedder-4b
   * 0.002; balanced 0.35. Below capacity everywhere: routing should never do worse than static.
   */
  steady: {
    name: 'steady',
    description:
      'Everyday mix (40% simple, 30% code, 20% embedding, 10% reasoning) at 5 req/s. Static load: coder-7b 0.41, reasoner-14b 0.58, embedder-4b 0.002; balanced 0.35. Below capacity: routing should never do worse than static.',
    models: defaultFleet,
    workload: { arrivals: { kind: 'poisson', rate: 5 }, mix: steadyMix, types: defaultTaskTypes },
    requests: 3000,
  },
  /**
   * **code-burst**: 80% code, 15% simple, 5% embedding at 7.3/s, 4,000 requests (9 min). Static
   * ρ on coder-7b is 1.11: it saturates and its queue grows without bound, while reasoner-14b
   * idles (ρ 0). The fleet can absorb it (code capacity: 5.71/s on coder-7b plus 1.71/s on
   * reasoner-14b; simple requests can move to embedder-4b): balanced ρ 0.79. The win comes from
   * spilling code to the reasoner.
   */
  'code-burst': {
    name: 'code-burst',
    description:
      '80% code, 15% simple, 5% embedding at 7.3 req/s. Static: coder-7b 1.11 (saturated) while reasoner-14b idles; balanced 0.79 by spilling code to reasoner-14b (and simple to embedder-4b).',
    models: defaultFleet,
    workload: {
      arrivals: { kind: 'poisson', rate: 7.3 },
      mix: { code: 0.8, simple: 0.15, embedding: 0.05 },
      types: defaultTaskTypes,
    },
    requests: 4000,
  },
  /**
   * **embedding-flood**: the steady traffic with a 30 s flood from t = 60 s to 90 s: 495
   * embeddings/s on top of the other tasks' steady 4/s; 15,600 requests (about 2.5 min). Only
   * embedder-4b serves embeddings: the flood drives it to ρ 0.89 whatever the routing, while
   * coder-7b (0.40) and reasoner-14b (0.58) keep their steady load. A good router keeps simple
   * requests off the flooded embedder and does not let the flood hurt other tasks.
   */
  'embedding-flood': {
    name: 'embedding-flood',
    description:
      'Steady traffic plus a 30 s flood of 495 embeddings/s (t = 60–90 s): embedder-4b at 0.89 whatever the routing, coder-7b 0.40 and reasoner-14b 0.58 unchanged. Keep simple requests off the flooded embedder.',
    models: defaultFleet,
    workload: {
      arrivals: {
        kind: 'piecewise',
        segments: [
          { at: 0, rate: 5 },
          { at: 60_000, rate: 499 },
          { at: 90_000, rate: 5 },
        ],
      },
      mix: [
        { at: 0, mix: steadyMix },
        { at: 60_000, mix: { embedding: 495, simple: 2, code: 1.5, reasoning: 0.5 } },
        { at: 90_000, mix: steadyMix },
      ],
      types: defaultTaskTypes,
    },
    requests: 15_600,
  },
  /**
   * **reasoning-spike**: steady traffic at 5/s, then from t = 120 s to 240 s 6/s with 25%
   * reasoning (35% simple, 25% code, 15% embedding); 1,800 requests (about 6 min). Static ρ on
   * reasoner-14b jumps from 0.58 to 1.75 (its backlog grows by about 0.6 requests/s for two
   * minutes) while coder-7b sits at 0.42. Reasoning up to complexity 0.7 (two thirds of it) can
   * run on coder-7b: balanced ρ 0.67 during the spike.
   */
  'reasoning-spike': {
    name: 'reasoning-spike',
    description:
      'Steady 5 req/s, then 120–240 s at 6 req/s with 25% reasoning: static reasoner-14b 1.75 (saturated), coder-7b 0.42; balanced 0.67 when reasoning up to complexity 0.7 spills to coder-7b.',
    models: defaultFleet,
    workload: {
      arrivals: {
        kind: 'piecewise',
        segments: [
          { at: 0, rate: 5 },
          { at: 120_000, rate: 6 },
          { at: 240_000, rate: 5 },
        ],
      },
      mix: [
        { at: 0, mix: steadyMix },
        { at: 120_000, mix: { simple: 0.35, code: 0.25, embedding: 0.15, reasoning: 0.25 } },
        { at: 240_000, mix: steadyMix },
      ],
      types: defaultTaskTypes,
    },
    requests: 1800,
  },
  /**
   * **slow-model**: the steady mix at 4/s, 1,440 requests (6 min); coder-7b becomes 10x slower
   * from t = 120 s to 240 s, then recovers. Static ρ on coder-7b goes from 0.33 to 3.3
   * (hopelessly overloaded; reasoner-14b stays at 0.47); balanced 0.91 during the slowdown, by
   * moving simple requests to embedder-4b and most code to reasoner-14b. Tests latency drift
   * detection and recovery.
   */
  'slow-model': {
    name: 'slow-model',
    description:
      'Steady mix at 4 req/s; coder-7b 10x slower from 120 s to 240 s, then recovers. Static coder-7b 0.33 → 3.3; balanced 0.91 by moving simple to embedder-4b and code to reasoner-14b.',
    models: withPhases(defaultFleet, 'coder-7b', [{ at: 120_000, until: 240_000, slowdown: 10 }]),
    workload: { arrivals: { kind: 'poisson', rate: 4 }, mix: steadyMix, types: defaultTaskTypes },
    requests: 1440,
  },
  /**
   * **failing-model**: the steady mix at 3/s, 1,080 requests (6 min); every coder-7b call fails
   * (at the end of its service time) from t = 120 s to 240 s, then it recovers. 70% of requests
   * (simple and code) are homed there: with the router's retries and health, even static falls
   * back to other capable models once coder-7b opens, so the cost shows as latency, not errors
   * (see `npx zeta-sim failing-model`). Without coder-7b the rest
   * of the fleet can still serve everything: reasoner-14b at ρ 0.87 with all code and reasoning,
   * embedder-4b taking simple (0.03). Outside the failure, static ρ is 0.25 (coder-7b) and 0.35
   * (reasoner-14b). Tests error tracking, health (open / half-open) and retries.
   */
  'failing-model': {
    name: 'failing-model',
    description:
      'Steady mix at 3 req/s; coder-7b fails every call from 120 s to 240 s, then recovers. Static keeps sending its home traffic to coder-7b until health opens it, then falls back to any capable model (retries cover the failed calls); without coder-7b the fleet still copes (reasoner-14b 0.87, embedder-4b takes simple).',
    models: withPhases(defaultFleet, 'coder-7b', [
      { at: 120_000, until: 240_000, failureProbability: 1 },
    ]),
    workload: { arrivals: { kind: 'poisson', rate: 3 }, mix: steadyMix, types: defaultTaskTypes },
    requests: 1080,
  },
  /**
   * **ramp**: the steady mix with arrivals ramping up from 3/s to 12/s: 0.75/s more every 30 s for
   * six minutes, then 12/s held; 3,300 requests (about 7 min). Static ρ climbs from coder-7b 0.25
   * / reasoner-14b 0.34 to 0.99 / 1.42 (the reasoner saturates from about 8/s, four and a half
   * minutes in); balanced from 0.21 to 0.86. A strategy that reads the arrival forecast sees
   * reasoning outgrow its home and spills before the reasoner's queue builds, keeping it for the
   * hard third of reasoning that only it serves. The slope itself is small against service times
   * (the rate rises about 1% per reasoning call), and p99 is mostly the long reasoning calls' own
   * service time: the pooled reference's p99 is 6.4 to 7.9 s over seeds 1-5.
   */
  ramp: {
    name: 'ramp',
    description:
      'Steady mix ramping from 3 to 12 req/s (0.75 req/s more every 30 s, then held). Static: coder-7b 0.25 → 0.99, reasoner-14b 0.34 → 1.42 (saturated from about 8 req/s); balanced 0.21 → 0.86. Spill before queues build.',
    models: defaultFleet,
    workload: {
      arrivals: { kind: 'piecewise', segments: rampSegments },
      mix: steadyMix,
      types: defaultTaskTypes,
    },
    requests: 3300,
  },
  /**
   * **heterogeneous-1000**: 1,000 models of mixed speed and capability
   * ({@link heterogeneousFleet}`(1000, 1)`) under the steady mix at 1,000/s, 20,000 requests
   * (20 s). Static (home models only) averages ρ 0.28 but overloads the reasoning homes (the
   * large models) at 1.33; balanced, no model exceeds 0.54. Tests decision cost on a large fleet
   * (it must stay flat as models grow) and spreading over many candidates.
   */
  'heterogeneous-1000': {
    name: 'heterogeneous-1000',
    description:
      '1,000 models of mixed speed and capability under the steady mix at 1,000 req/s. Static averages 0.28 but overloads the reasoning homes at 1.33; balanced max 0.54. Decision cost must stay flat.',
    models: heterogeneous1000,
    workload: {
      arrivals: { kind: 'poisson', rate: 1000 },
      mix: steadyMix,
      types: defaultTaskTypes,
    },
    requests: 20_000,
  },
} as const satisfies Record<string, SimScenario>;

/** Name of a built-in scenario. */
export type ScenarioName = keyof typeof scenarios;

/** The names of the built-in scenarios, in definition order. */
export const scenarioNames: readonly ScenarioName[] = Object.keys(scenarios) as ScenarioName[];

/**
 * A built-in scenario by name, as a deep copy (safe to modify).
 *
 * @throws ZetaError `CONFIG_INVALID` naming the known scenarios (and the one meant, for a
 * wrong case) when `name` is unknown.
 */
export function getScenario(name: string): SimScenario {
  if (typeof name !== 'string' || !Object.hasOwn(scenarios, name)) {
    const near =
      typeof name === 'string'
        ? scenarioNames.find((n) => n.toLowerCase() === name.toLowerCase())
        : undefined;
    throw configInvalid('getScenario arguments', [
      typeof name === 'string'
        ? `unknown scenario '${name}'${near === undefined ? '' : ` (did you mean '${near}'?)`} (known: ${scenarioNames.join(', ')})`
        : mustBe('name', 'a scenario name', name),
    ]);
  }
  return structuredClone(scenarios[name as ScenarioName]) as SimScenario;
}

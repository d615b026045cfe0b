import { throwIfProblems } from '../../utils/options.js';
import type { SimRequest } from '../types.js';
import { canServe } from './serving.js';
import { fleetProblems, type SimModelSpec } from './spec.js';

/** Reading a fleet of simulated models from JSON, and what of a workload it cannot serve. */

/**
 * Parses a fleet file's text: a JSON array of {@link SimModelSpec}, or an object whose `models`
 * holds one (so a file can carry a note next to the fleet). Each spec is checked as
 * `runSimulation` checks it: unknown keys, ranges, unique ids.
 *
 * @example
 * // fleet.json: [{ "id": "coder-8b", "tasks": ["code", "simple"], "concurrency": 6,
 * //               "service": { "kind": "lognormal", "median": 1000, "spread": 2.5 } }]
 * const models = readFleet(readFileSync('fleet.json', 'utf8'));
 * @throws ZetaError `CONFIG_INVALID`: the text is not JSON (with the parser's message), holds no
 * array of models, or lists every problem of the specs (`models[2].concurrency must be ...`).
 */
export function readFleet(text: string): SimModelSpec[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throwIfProblems('readFleet text', [
      `the text is not JSON (${(error as Error).message.replace(/\s+/g, ' ')}): give an array of model specs, or { "models": [...] }`,
    ]);
  }
  const models: unknown =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'models' in parsed
      ? (parsed as { models: unknown }).models
      : parsed;
  throwIfProblems('readFleet text', fleetProblems(models));
  return models as SimModelSpec[];
}

/**
 * The requests no model of `models` can serve (task type, complexity and tokens as the router
 * checks them), counted per task type; empty when the fleet serves every one. Such requests fail
 * with `NO_CAPABLE_MODEL` in a simulation, whatever the strategy.
 */
export function unservedByFleet(
  models: readonly SimModelSpec[],
  requests: readonly SimRequest[],
): Map<string, number> {
  // Per task type, the serving models whose limits no other's both exceed (sorted by complexity
  // limit, highest first, each keeping more tokens than all before it): few, whatever the fleet.
  const fronts = new Map<string, SimModelSpec[]>();
  const front = (type: string): SimModelSpec[] => {
    let f = fronts.get(type);
    if (f === undefined) {
      const tokens = (m: SimModelSpec): number => m.maxTokens ?? Number.POSITIVE_INFINITY;
      const serving = models
        .filter((m) => m.tasks.includes(type))
        .sort(
          (a, b) =>
            (b.maxComplexity ?? 1) - (a.maxComplexity ?? 1) ||
            Math.sign(tokens(b) - tokens(a) || 0),
        );
      f = [];
      let most = Number.NEGATIVE_INFINITY;
      for (const m of serving) {
        if (tokens(m) <= most) continue;
        most = tokens(m);
        f.push(m);
      }
      fronts.set(type, f);
    }
    return f;
  };
  const unserved = new Map<string, number>();
  for (const r of requests) {
    if (front(r.type).some((m) => canServe(m, r))) continue;
    unserved.set(r.type, (unserved.get(r.type) ?? 0) + 1);
  }
  return unserved;
}

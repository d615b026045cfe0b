import { describeError } from '../../errors/describeError.js';
import { describeValue, unknownKeyProblems } from '../../utils/options.js';
import type { Experiment } from '../options.js';
import { strategyProblems } from './validate.js';

/** The name of the arm ranked by the router's own strategy. */
export const CONTROL_ARM = 'control';

/** Most experiment arms a router takes (arm names are metric labels: keep them few). */
export const MAX_EXPERIMENTS = 100;

/** Shares may overshoot 1 by this much in sum (0.1 + 0.2 + 0.7 is not exactly 1 in floats). */
const SHARE_SUM_SLACK = 1e-9;

const experimentKeys: readonly string[] = [
  'name',
  'strategy',
  'share',
] satisfies (keyof Experiment)[];

/**
 * Reads the `experiments` option once (each arm a plain copy, so a getter cannot change what was
 * validated) and lists every problem: not an array, more than {@link MAX_EXPERIMENTS} arms, an arm
 * that is not an object or has unknown keys, a name that is empty, repeated or `'control'`, a bad
 * strategy, a share outside (0, 1], shares summing to more than 1.
 */
export function readExperiments(value: unknown): {
  readonly value: readonly Experiment[];
  readonly problems: string[];
} {
  const problems: string[] = [];
  if (value === undefined) return { value: [], problems };
  let list: unknown[];
  try {
    if (!Array.isArray(value)) {
      problems.push(
        `\`experiments\` must be an array of { name, strategy, share }, got ${describeValue(value)}`,
      );
      return { value: [], problems };
    }
    list = [...value];
  } catch (error) {
    problems.push(`\`experiments\` cannot be read (${describeError(error)}): pass a plain array`);
    return { value: [], problems };
  }
  if (list.length > MAX_EXPERIMENTS)
    problems.push(
      `\`experiments\` has ${list.length} arms; at most ${MAX_EXPERIMENTS} are allowed (arm names are metric labels)`,
    );
  const arms: Experiment[] = [];
  const names = new Set<string>();
  let sum = 0;
  list.forEach((raw, i) => {
    const where = `experiments[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(
        `${where} must be { name, strategy, share }, e.g. { name: 'trial', strategy: 'least-loaded', share: 0.1 }, got ${describeValue(raw)}`,
      );
      return;
    }
    const copy: Record<string, unknown> = Object.create(null);
    try {
      for (const key of Object.keys(raw)) copy[key] = (raw as Record<string, unknown>)[key];
    } catch (error) {
      problems.push(`${where} cannot be read (${describeError(error)}): pass a plain object`);
      return;
    }
    problems.push(...unknownKeyProblems(copy, experimentKeys, `${where}.`));
    const { name, strategy, share } = copy;
    const named = typeof name === 'string' ? ` ('${name}')` : '';
    if (typeof name !== 'string' || name.length === 0)
      problems.push(`${where}.name must be a non-empty string, got ${describeValue(name)}`);
    else if (name === CONTROL_ARM)
      problems.push(
        `${where}.name must not be '${CONTROL_ARM}': that is the arm of the router's own strategy; choose another name`,
      );
    else if (names.has(name))
      problems.push(`${where}.name '${name}' is used twice: experiment names must be unique`);
    else names.add(name);
    problems.push(...strategyProblems(strategy, `${where}${named}.strategy`));
    if (!(typeof share === 'number' && share > 0 && share <= 1))
      problems.push(
        `${where}${named}.share must be a number > 0 and <= 1 (the fraction of requests it gets), got ${describeValue(share)}`,
      );
    else sum += share;
    arms.push(copy as unknown as Experiment);
  });
  if (sum > 1 + SHARE_SUM_SLACK)
    problems.push(
      `the shares of \`experiments\` sum to ${Number(sum.toFixed(6))}; they must sum to at most 1 (the rest of the traffic is the '${CONTROL_ARM}' arm)`,
    );
  return { value: problems.length > 0 ? [] : arms, problems };
}

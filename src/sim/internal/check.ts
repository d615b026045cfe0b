import { describeValue, unknownKeyProblems } from '../../utils/options.js';

/**
 * Input checks shared by the simulator's exported functions. Each returns problem strings in the
 * router's `CONFIG_INVALID` form (`<path> must be <expectation>, got <value>`); the callers collect
 * every problem of every argument and throw once with `throwIfProblems`.
 */

/**
 * Most requests a workload may generate at once: a run of 1,000,000 requests peaks near 1.5 GB,
 * and beyond a few million the default V8 heap runs out (the process aborts).
 */
export const MAX_REQUESTS = 1_000_000;

/** Latest virtual time (in milliseconds, about 31 years) a trace row or a workload time may name. */
export const MAX_TIME_MS = 1e12;

/** Most tokens one request may carry (prompt plus output). */
export const MAX_TOKENS = 10_000_000;

/** Problems listed for one list of requests before the rest are only counted. */
const MAX_LISTED = 10;

/** Whether `x` is a finite number. */
export const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Whether `x` is a plain object (not null, not an array). */
export const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** `<path> must be <expect>, got <value>`. */
export const mustBe = (path: string, expect: string, value: unknown): string =>
  `${path} must be ${expect}, got ${describeValue(value)}`;

/**
 * Problems of an options object: not an object (`undefined` allowed when `optional`), or keys
 * that are not in `known` (with the shared "did you mean" hint). `where` prefixes the keys.
 */
export function optionsProblems(
  options: unknown,
  known: readonly string[],
  { where = '', optional = false }: { where?: string; optional?: boolean } = {},
): string[] {
  if (options === undefined && optional) return [];
  if (!isRecord(options)) {
    const name = where === '' ? 'options' : where.slice(0, -1);
    return [mustBe(name, optional ? 'an object or undefined' : 'an object', options)];
  }
  return unknownKeyProblems(options, known, where);
}

/** Problems of a seed: an integer (only its low 32 bits are used). */
export function seedProblems(seed: unknown, path = 'seed'): string[] {
  return Number.isSafeInteger(seed) ? [] : [mustBe(path, 'a safe integer', seed)];
}

/** Problems of a request count: an integer from 0 to {@link MAX_REQUESTS}. */
export function countProblems(count: unknown, path: string): string[] {
  return Number.isInteger(count) && (count as number) >= 0 && (count as number) <= MAX_REQUESTS
    ? []
    : [mustBe(path, `an integer from 0 to ${MAX_REQUESTS.toLocaleString('en-US')}`, count)];
}

/** Problems of an optional callback. */
export function callbackProblems(value: unknown, path: string): string[] {
  return value === undefined || typeof value === 'function'
    ? []
    : [mustBe(path, 'a function or undefined', value)];
}

/**
 * Problems of a list of requests (at most {@link MAX_LISTED} listed, the rest counted): each an
 * object with a finite `t >= 0`, a non-empty `type`, `complexity` in [0, 1], an integer `tokens`
 * in [0, {@link MAX_TOKENS}], an optional integer `outputTokens` in [0, tokens] and a finite
 * `priority`; with `sorted`, `t` must not decrease.
 */
export function requestListProblems(requests: unknown, path: string, sorted: boolean): string[] {
  if (!Array.isArray(requests)) return [mustBe(path, 'an array of requests', requests)];
  const out: string[] = [];
  let more = 0;
  const add = (problem: string): void => {
    if (out.length < MAX_LISTED) out.push(problem);
    else more++;
  };
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < requests.length; i++) {
    const r: unknown = requests[i];
    const p = `${path}[${i}]`;
    if (!isRecord(r)) {
      add(mustBe(p, 'a request object', r));
      continue;
    }
    if (!Number.isSafeInteger(r['id'])) add(mustBe(`${p}.id`, 'an integer', r['id']));
    const t = r['t'];
    if (!isNum(t) || t < 0) add(mustBe(`${p}.t`, 'a finite number >= 0 (milliseconds)', t));
    else if (sorted && t < previous) {
      add(`${path} must be sorted by arrival time: ${p}.t is ${t} ms, after one at ${previous} ms`);
    }
    if (isNum(t)) previous = t;
    if (typeof r['type'] !== 'string' || r['type'] === '')
      add(mustBe(`${p}.type`, 'a non-empty string', r['type']));
    const c = r['complexity'];
    if (!isNum(c) || c < 0 || c > 1) add(mustBe(`${p}.complexity`, 'a number in [0, 1]', c));
    const tokens = r['tokens'];
    const tokensOk = Number.isInteger(tokens) && (tokens as number) >= 0;
    if (!tokensOk || (tokens as number) > MAX_TOKENS)
      add(mustBe(`${p}.tokens`, `an integer from 0 to ${MAX_TOKENS}`, tokens));
    const output = r['outputTokens'];
    if (
      output !== undefined &&
      !(
        Number.isInteger(output) &&
        (output as number) >= 0 &&
        (!tokensOk || (output as number) <= (tokens as number))
      )
    )
      add(mustBe(`${p}.outputTokens`, 'an integer in [0, tokens] or undefined', output));
    if (!isNum(r['priority'])) add(mustBe(`${p}.priority`, 'a finite number', r['priority']));
  }
  if (more > 0) out.push(`… and ${more} more problem${more === 1 ? '' : 's'} in ${path}`);
  return out;
}

import { ZetaError } from '../errors/ZetaError.js';
import { LATENCY_CEILING_MS, LOG_SPEED_LIMIT, TOKEN_CEILING } from '../utils/limits.js';
import { describeValue } from '../utils/options.js';
import { OTHER_TASK_TYPE } from './InMemoryLoadTrackerOptions.js';

/**
 * The serialised form of what a tracker has learned (`router.exportState()`), and its checker.
 * Plain JSON data; every figure is a decayed sum as of the export, so the state carries no clock
 * reading and loads the same into a process whose clock started elsewhere.
 */

/** The `format` of {@link LearnedState}: a foreign JSON document is recognised by it. */
export const LEARNED_STATE_FORMAT = 'zeta-router/learned-state';
/** The `version` this package writes. It also reads version 1 (no speeds, no fleet levels). */
export const LEARNED_STATE_VERSION = 2;

/** Decayed outcome sums of a (model, task) or one of its complexity bands. */
export interface EvidenceState {
  /** Decayed count of successful calls. */
  readonly ok: number;
  /** Decayed sum of their latencies, in milliseconds. */
  readonly latencyMs: number;
  /** Decayed count of failed calls. */
  readonly failed: number;
  /** Decayed sum of quality reports (each 0..1). */
  readonly quality: number;
  /** Decayed count of quality reports (>= `quality`). */
  readonly qualityWeight: number;
}

/** Decayed sums of the fit of latency (y, ms) on output tokens (x). */
export interface TokenFitState {
  readonly n: number;
  readonly sx: number;
  readonly sy: number;
  readonly sxx: number;
  readonly sxy: number;
}

/** What was learned of one (model, task type). */
export interface TaskLearnedState {
  readonly task: string;
  /** The task type as a whole (every band, and calls of unknown complexity). */
  readonly all: EvidenceState;
  /** One entry per complexity band, lowest first. */
  readonly bands: readonly EvidenceState[];
  readonly tokens: TokenFitState;
}

/** A model's speed relative to the fleet: decayed count of calls and sum of their log ratios. */
export interface SpeedState {
  readonly n: number;
  /** Decayed sum of log(latency / the fleet's geometric mean for the task); may be negative. */
  readonly logRatio: number;
}

/** What was learned of one model. */
export interface ModelLearnedState {
  readonly id: string;
  /** Quality reports of the model as a whole (only `quality` and `qualityWeight` are used). */
  readonly quality: EvidenceState;
  readonly tasks: readonly TaskLearnedState[];
  /** Its speed across task types (version 2; absent in version 1). */
  readonly speed?: SpeedState;
}

/**
 * Decayed latency sums of the whole fleet: count, sum of latencies, and sum of the logs of the
 * latencies divided by their models' speeds (may be negative).
 */
export interface LevelState {
  readonly n: number;
  readonly latencyMs: number;
  readonly logLatency: number;
}

/** The fleet's latency level for one task type: as a whole and per complexity band. */
export interface FleetLevelState {
  readonly task: string;
  readonly all: LevelState;
  readonly bands: readonly LevelState[];
}

/** The token calibration of one task type: estimated against real tokens. */
export interface CalibrationState {
  readonly task: string;
  /** Decayed count of calls with real usage. */
  readonly n: number;
  /** Decayed sums of their estimated, real prompt and real output tokens. */
  readonly estimated: number;
  readonly prompt: number;
  readonly completion: number;
}

/** Everything a tracker learned, as `router.exportState()` gives it. */
export interface LearnedState {
  readonly format: typeof LEARNED_STATE_FORMAT;
  /** 2 as written; 1 (an older export, without `speed` and `fleet`) is read too. */
  readonly version: typeof LEARNED_STATE_VERSION | 1;
  /** Number of complexity bands per (model, task). */
  readonly bands: number;
  readonly models: readonly ModelLearnedState[];
  readonly calibration: readonly CalibrationState[];
  /** The fleet's latency level per task type (version 2; absent in version 1). */
  readonly fleet?: readonly FleetLevelState[];
}

const EVIDENCE_KEYS = ['ok', 'latencyMs', 'failed', 'quality', 'qualityWeight'] as const;
const FIT_KEYS = ['n', 'sx', 'sy', 'sxx', 'sxy'] as const;
const CALIBRATION_KEYS = ['n', 'estimated', 'prompt', 'completion'] as const;
const LEVEL_KEYS = ['n', 'latencyMs', 'logLatency'] as const;
const SPEED_KEYS = ['n', 'logRatio'] as const;
/**
 * Sums that may be negative: a speed's log ratios (a model faster than the fleet), and a level's
 * log latencies, divided by their models' speeds, so a slow model alone on a fast task type takes
 * it below 0.
 */
const SIGNED = new Set<string>(['logLatency', 'logRatio']);
/** Problems listed in a message at most (all are in `problems`). */
const SHOWN = 5;

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Keys of `x` that are not in `known`. */
function extraKeys(x: Record<string, unknown>, known: readonly string[], at: string): string[] {
  return Object.keys(x)
    .filter((k) => !known.includes(k))
    .map((k) => `${at} has an unknown key '${k.slice(0, 40)}'`);
}

/** Checks that `x[key]` is a finite number >= 0. */
function count(x: Record<string, unknown>, key: string, at: string, problems: string[]): void {
  const v = x[key];
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0))
    problems.push(`${at}.${key} must be a finite number >= 0, got ${describeValue(v)}`);
}

function finite(x: Record<string, unknown>, key: string, at: string, problems: string[]): void {
  const v = x[key];
  if (!(typeof v === 'number' && Number.isFinite(v)))
    problems.push(`${at}.${key} must be a finite number, got ${describeValue(v)}`);
}

function numbers(
  x: unknown,
  keys: readonly string[],
  at: string,
  problems: string[],
  extra: readonly string[] = [],
): void {
  if (!isRecord(x)) {
    problems.push(`${at} must be an object, got ${describeValue(x)}`);
    return;
  }
  problems.push(...extraKeys(x, [...keys, ...extra], at));
  for (const k of keys) (SIGNED.has(k) ? finite : count)(x, k, at, problems);
}

/**
 * Checks that each sum of `x` is one its count could have made: within `[low, high]` times the count
 * `x[weight]` (a mean within what one call teaches). Run once the numbers themselves are checked.
 */
function means(
  x: Record<string, number>,
  weight: string,
  bounds: Readonly<Record<string, readonly [low: number, high: number, what: string]>>,
  at: string,
  problems: string[],
): void {
  const n = x[weight]!;
  for (const [key, [low, high, what]] of Object.entries(bounds)) {
    const v = x[key]!;
    const slack = 1e-9 * Math.abs(v) + 1e-300;
    if (v > n * high + slack || v < n * low - slack)
      problems.push(
        `${at}.${key} (${v}) must be within ${what} times its ${weight} (${n}): no call teaches more`,
      );
  }
}

/** Runs `check` on `x` once `numbers` found no problem with it. */
function checked(
  x: unknown,
  keys: readonly string[],
  at: string,
  problems: string[],
  check: (x: Record<string, number>) => void,
  extra: readonly string[] = [],
): void {
  const before = problems.length;
  numbers(x, keys, at, problems, extra);
  if (problems.length === before) check(x as Record<string, number>);
}

const C = LATENCY_CEILING_MS;
const T = TOKEN_CEILING;
const L = LOG_SPEED_LIMIT;

function evidence(x: unknown, at: string, problems: string[]): void {
  checked(x, EVIDENCE_KEYS, at, problems, (e) => {
    if (e['quality']! > e['qualityWeight']! * (1 + 1e-9) + 1e-300)
      problems.push(
        `${at}.quality (${e['quality']}) must not exceed its qualityWeight (${e['qualityWeight']})`,
      );
    means(e, 'ok', { latencyMs: [0, C, `0..${C} ms`] }, at, problems);
  });
}

function level(x: unknown, at: string, problems: string[]): void {
  checked(x, LEVEL_KEYS, at, problems, (e) => {
    means(
      e,
      'n',
      {
        latencyMs: [0, C * Math.exp(L), `0..${C * Math.exp(L)} ms`],
        logLatency: [-L, 2 * L, `${(-L).toFixed(2)}..${(2 * L).toFixed(2)}`],
      },
      at,
      problems,
    );
  });
}

function list(x: Record<string, unknown>, key: string, at: string, problems: string[]): unknown[] {
  const v = x[key];
  // Array.from turns holes into undefined entries, which are then reported, not skipped.
  if (Array.isArray(v)) return Array.from(v);
  problems.push(`${at}.${key} must be an array, got ${describeValue(v)}`);
  return [];
}

/** The id or task name at `x[key]`: a non-empty string, distinct within `seen`. */
function name(
  x: Record<string, unknown>,
  key: string,
  at: string,
  seen: Set<string>,
  problems: string[],
): void {
  const v = x[key];
  if (typeof v !== 'string' || v.length === 0) {
    problems.push(`${at}.${key} must be a non-empty string, got ${describeValue(v)}`);
  } else if (seen.has(v)) problems.push(`${at}.${key} '${v.slice(0, 80)}' appears twice`);
  else seen.add(v);
}

function task(x: unknown, at: string, bands: number, problems: string[], seen: Set<string>): void {
  if (!isRecord(x)) {
    problems.push(`${at} must be an object, got ${describeValue(x)}`);
    return;
  }
  problems.push(...extraKeys(x, ['task', 'all', 'bands', 'tokens'], at));
  name(x, 'task', at, seen, problems);
  evidence(x['all'], `${at}.all`, problems);
  const b = list(x, 'bands', at, problems);
  if (Array.isArray(x['bands']) && b.length !== bands)
    problems.push(`${at}.bands must have ${bands} entries, got ${b.length}`);
  b.forEach((e, i) => {
    evidence(e, `${at}.bands[${i}]`, problems);
  });
  checked(x['tokens'], FIT_KEYS, `${at}.tokens`, problems, (fit) => {
    const bounds = {
      sx: [0, T, `0..${T} tokens`],
      sy: [0, C, `0..${C} ms`],
      sxx: [0, T * T, `0..${T * T} tokens²`],
      sxy: [0, T * C, `0..${T * C} token-ms`],
    } as const;
    means(fit, 'n', bounds, `${at}.tokens`, problems);
  });
}

function speed(x: unknown, at: string, problems: string[]): void {
  checked(x, SPEED_KEYS, at, problems, (sp) =>
    means(sp, 'n', { logRatio: [-L, L, `±${L.toFixed(2)}`] }, at, problems),
  );
}

function fleetLevel(
  x: unknown,
  at: string,
  bands: number,
  problems: string[],
  seen: Set<string>,
): void {
  if (!isRecord(x)) {
    problems.push(`${at} must be an object, got ${describeValue(x)}`);
    return;
  }
  problems.push(...extraKeys(x, ['task', 'all', 'bands'], at));
  name(x, 'task', at, seen, problems);
  level(x['all'], `${at}.all`, problems);
  const b = list(x, 'bands', at, problems);
  if (Array.isArray(x['bands']) && b.length !== bands)
    problems.push(`${at}.bands must have ${bands} entries, got ${b.length}`);
  b.forEach((e, i) => {
    level(e, `${at}.bands[${i}]`, problems);
  });
}

/**
 * Checks that `entries` name at most `max` task types besides `OTHER_TASK_TYPE`, which holds the
 * task types past them, as the tracker folds them.
 */
function tooMany(entries: readonly unknown[], at: string, max: number, problems: string[]): void {
  const named = entries.filter((e) => !isRecord(e) || e['task'] !== OTHER_TASK_TYPE).length;
  if (named > max)
    problems.push(
      `${at} has ${named} task types besides '${OTHER_TASK_TYPE}', more than maxTaskTypes ${max}`,
    );
}

/**
 * Checks `input` (a {@link LearnedState} or its JSON text) completely and returns it parsed.
 *
 * @param bands - The number of complexity bands the tracker learns.
 * @param maxTaskTypes - The most task types the tracker keeps (per model and for calibration)
 * besides `OTHER_TASK_TYPE`, which holds the task types past them.
 * @throws {ZetaError} `STATE_INVALID` listing every problem (the first few in the message).
 */
export function parseLearnedState(
  input: unknown,
  bands: number,
  maxTaskTypes: number,
): LearnedState {
  let x = input;
  if (typeof input === 'string') {
    try {
      x = JSON.parse(input);
    } catch (error) {
      throw stateInvalid([`it is not JSON (${(error as Error).message})`]);
    }
  }
  const problems: string[] = [];
  if (!isRecord(x)) throw stateInvalid([`it must be an object, got ${describeValue(x)}`]);
  if (x['format'] !== LEARNED_STATE_FORMAT) {
    throw stateInvalid([
      `its format must be '${LEARNED_STATE_FORMAT}', got ${describeValue(x['format'])}: this is not router state from exportState()`,
    ]);
  }
  const version = x['version'];
  if (version !== LEARNED_STATE_VERSION && version !== 1) {
    throw stateInvalid([
      `its version must be 1 or ${LEARNED_STATE_VERSION}, got ${describeValue(version)}: export it again with this version of zeta-router`,
    ]);
  }
  const v2 = version === LEARNED_STATE_VERSION;
  if (x['bands'] !== bands)
    problems.push(`bands must be ${bands}, got ${describeValue(x['bands'])}`);
  const top = ['format', 'version', 'bands', 'models', 'calibration'];
  problems.push(...extraKeys(x, v2 ? [...top, 'fleet'] : top, 'state'));
  const ids = new Set<string>();
  list(x, 'models', 'state', problems).forEach((m, i) => {
    const at = `models[${i}]`;
    if (!isRecord(m)) {
      problems.push(`${at} must be an object, got ${describeValue(m)}`);
      return;
    }
    problems.push(
      ...extraKeys(m, v2 ? ['id', 'quality', 'tasks', 'speed'] : ['id', 'quality', 'tasks'], at),
    );
    name(m, 'id', at, ids, problems);
    evidence(m['quality'], `${at}.quality`, problems);
    if (v2) speed(m['speed'], `${at}.speed`, problems);
    const tasks = list(m, 'tasks', at, problems);
    tooMany(tasks, `${at}.tasks`, maxTaskTypes, problems);
    const seen = new Set<string>();
    tasks.forEach((t, j) => {
      task(t, `${at}.tasks[${j}]`, bands, problems, seen);
    });
  });
  const cal = list(x, 'calibration', 'state', problems);
  tooMany(cal, 'calibration', maxTaskTypes, problems);
  const seen = new Set<string>();
  cal.forEach((c, i) => {
    const at = `calibration[${i}]`;
    const tokens = [0, T, `0..${T} tokens`] as const;
    const bounds = { estimated: tokens, prompt: tokens, completion: tokens };
    checked(c, CALIBRATION_KEYS, at, problems, (x) => means(x, 'n', bounds, at, problems), [
      'task',
    ]);
    if (isRecord(c)) name(c, 'task', at, seen, problems);
  });
  if (v2) {
    const levels = list(x, 'fleet', 'state', problems);
    tooMany(levels, 'fleet', maxTaskTypes, problems);
    const tasks = new Set<string>();
    levels.forEach((f, i) => {
      fleetLevel(f, `fleet[${i}]`, bands, problems, tasks);
    });
  }
  if (problems.length > 0) throw stateInvalid(problems);
  return x as unknown as LearnedState;
}

/** A `STATE_INVALID` error listing `problems`. */
export function stateInvalid(
  problems: readonly string[],
  fix = 'pass what exportState() returned',
): ZetaError {
  const shown = problems.slice(0, SHOWN).join('; ');
  const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : '';
  return new ZetaError(
    'STATE_INVALID',
    `Cannot import router state: ${shown}${more}. Nothing was imported; ${fix}.`,
    { problems },
  );
}

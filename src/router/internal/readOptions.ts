import { describeError } from '../../errors/describeError.js';
import type { TaskProfile } from '../../types.js';
import { describeValue } from '../../utils/options.js';
import { modelKeys, routerKeys, runKeys } from './validate.js';

/** A plain copy of an options object, read once, and what went wrong reading it. */
export interface ReadResult {
  readonly value: unknown;
  readonly problems: string[];
}

const taskKeys = ['type', 'complexity', 'tokens', 'priority'] as const;

/**
 * Copies the known keys of `source` into a plain object, reading each once, so a getter that
 * changes between reads or throws, a revoked Proxy or a prototype trick cannot change what was
 * validated. Unknown own keys are copied too (for the "unknown option" check).
 */
function snapshot(
  source: object,
  known: ReadonlySet<string>,
  where: string,
  problems: string[],
): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null);
  let keys: string[];
  try {
    keys = Object.keys(source);
  } catch (error) {
    problems.push(`${where} cannot be read (${describeError(error)}): pass a plain object`);
    return copy;
  }
  for (const key of new Set([...known, ...keys])) {
    try {
      const value = (source as Record<string, unknown>)[key];
      if (value !== undefined) copy[key] = value;
    } catch (error) {
      problems.push(
        `reading ${where === 'options' ? '' : `${where}.`}${key} threw (${describeError(error)})`,
      );
    }
  }
  return copy;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** `Array.isArray`, false for a revoked Proxy (which makes it throw). */
function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** Reads the router options once: a plain copy with plain copies of each model config. */
export function readRouterOptions(options: unknown): ReadResult {
  const problems: string[] = [];
  if (!isObject(options)) return { value: options, problems };
  const copy = snapshot(options, routerKeys, 'options', problems);
  const models = copy['models'];
  if (isArray(models)) {
    const list: unknown[] = [];
    let length = 0;
    try {
      length = models.length;
    } catch (error) {
      problems.push(`\`models\` cannot be read (${describeError(error)})`);
    }
    for (let i = 0; i < length; i++) {
      let model: unknown;
      try {
        if (!(i in models)) {
          problems.push(`models[${i}] is an empty slot (a sparse array): list every model config`);
          continue;
        }
        model = models[i];
      } catch (error) {
        problems.push(`reading models[${i}] threw (${describeError(error)})`);
        continue;
      }
      list.push(
        isObject(model) && !isArray(model)
          ? snapshot(model, modelKeys, `models[${i}]`, problems)
          : model,
      );
    }
    copy['models'] = list;
  }
  const health = copy['health'];
  if (isObject(health)) copy['health'] = snapshot(health, new Set(), 'health', problems);
  return { value: copy, problems };
}

/** Reads one model config once (for `addModel`). */
export function readModelConfig(config: unknown, where: string): ReadResult {
  const problems: string[] = [];
  if (!isObject(config) || isArray(config)) return { value: config, problems };
  return { value: snapshot(config, modelKeys, where, problems), problems };
}

/** Reads per-call options once (a fast path for the hot path: no copy of the known keys' set). */
export function readRunOptions(options: unknown): ReadResult {
  const problems: string[] = [];
  if (options === undefined) return { value: EMPTY_RUN_OPTIONS, problems };
  if (!isObject(options)) return { value: options, problems };
  const copy: Record<string, unknown> = {};
  try {
    for (const key in options) {
      if (!runKeys.has(key) && Object.hasOwn(options, key)) copy[key] = undefined;
    }
    const o = options as Record<string, unknown>;
    const task = o['task'];
    const signal = o['signal'];
    const timeoutMs = o['timeoutMs'];
    const priority = o['priority'];
    if (task !== undefined) copy['task'] = task;
    if (signal !== undefined) copy['signal'] = signal;
    if (timeoutMs !== undefined) copy['timeoutMs'] = timeoutMs;
    if (priority !== undefined) copy['priority'] = priority;
    const experimentKey = o['experimentKey'];
    const experiment = o['experiment'];
    if (experimentKey !== undefined) copy['experimentKey'] = experimentKey;
    if (experiment !== undefined) copy['experiment'] = experiment;
    const callIfNoStream = o['callIfNoStream'];
    if (callIfNoStream !== undefined) copy['callIfNoStream'] = callIfNoStream;
  } catch (error) {
    problems.push(`run options cannot be read (${describeError(error)}): pass a plain object`);
    return { value: {}, problems };
  }
  const signal = copy['signal'];
  if (signal !== undefined) {
    let real = false;
    try {
      real = signal instanceof AbortSignal;
    } catch {
      real = false;
    }
    if (!real) problems.push(`options.signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  const task = copy['task'];
  if (isObject(task)) {
    const read = readTaskProfile(task, 'options.task');
    problems.push(...read.problems);
    copy['task'] = read.value;
  }
  return { value: copy, problems };
}

const EMPTY_RUN_OPTIONS = Object.freeze({});

/** Reads a task profile (from a classifier or a per-call `task`) once, into a plain object. */
export function readTaskProfile(value: unknown, where: string): ReadResult {
  const problems: string[] = [];
  if (!isObject(value)) return { value, problems };
  const copy: Partial<Record<keyof TaskProfile, unknown>> = {};
  for (const key of taskKeys) {
    try {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) copy[key] = v;
    } catch (error) {
      problems.push(`reading ${where}.${key} threw (${describeError(error)})`);
    }
  }
  return { value: copy, problems };
}

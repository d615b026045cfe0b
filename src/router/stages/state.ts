import type { ZetaError } from '../../errors/ZetaError.js';
import { COMPLEXITY_BANDS } from '../../load/internal/Learned.js';
import { type LearnedState, parseLearnedState, stateInvalid } from '../../load/learnedState.js';
import { configInvalid, describeValue, unknownKeyProblems } from '../../utils/options.js';
import type { Stages } from './context.js';

/**
 * The state stage: what the router has learned, out as versioned JSON-ready data and back in.
 * Only learned figures travel (per model, task type and complexity band); counts in flight, the
 * latency windows and health do not.
 */

/** Options of `router.importState`. */
export interface ImportStateOptions {
  /**
   * What to do with state of a model the router does not have (renamed or removed since the
   * export): `'skip'` leaves it out and lists it in the result's `skipped`; `'error'` rejects the
   * whole state with `STATE_INVALID`.
   * @default 'skip'
   */
  readonly unknownModels?: 'skip' | 'error';
}

/** What `router.importState` loaded. */
export interface ImportStateResult {
  /** Models whose learned state was loaded. */
  readonly models: readonly string[];
  /** Models in the state the router does not have, left out (`unknownModels: 'skip'`). */
  readonly skipped: readonly string[];
}

/** The router's learned state, as `router.exportState()` returns it. */
export type RouterState = LearnedState;

function unsupported(what: string): ZetaError {
  return configInvalid('router state', [
    `the router's tracker cannot ${what} learned state (a custom tracker needs exportLearned and importLearned); use the built-in InMemoryLoadTracker`,
  ]);
}

/**
 * Everything the tracker learned, decayed to now.
 * @throws {ZetaError} `CONFIG_INVALID` when the tracker does not export state.
 */
export function exportState(s: Stages<unknown, unknown>): RouterState {
  const tracker = s.observer.tracker;
  if (tracker.exportLearned === undefined || tracker.importLearned === undefined)
    throw unsupported('export');
  return tracker.exportLearned(s.now());
}

/**
 * Checks `input` completely, leaves out (or rejects) models the fleet does not have, then replaces
 * what the tracker learned with it. On any problem, nothing changes.
 * @throws {ZetaError} `STATE_INVALID` for bad or foreign state; `CONFIG_INVALID` for bad options
 * or a tracker that does not import state.
 */
export function importState(
  s: Stages<unknown, unknown>,
  input: unknown,
  options: ImportStateOptions | undefined,
): ImportStateResult {
  const tracker = s.observer.tracker;
  if (tracker.importLearned === undefined) throw unsupported('import');
  const problems: string[] = [];
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    problems.push(`options must be an object, got ${describeValue(options)}`);
  } else if (options !== undefined) {
    problems.push(...unknownKeyProblems(options, ['unknownModels']));
    const u = options.unknownModels;
    if (u !== undefined && u !== 'skip' && u !== 'error')
      problems.push(`\`unknownModels\` must be 'skip' or 'error', got ${describeValue(u)}`);
  }
  if (problems.length > 0) throw configInvalid('importState options', problems);
  const state = parseLearnedState(input, COMPLEXITY_BANDS, Number.POSITIVE_INFINITY);
  const known = (id: string): boolean => {
    const e = s.fleet.get(id);
    return e !== undefined && !e.removed;
  };
  const models = state.models.filter((m) => known(m.id));
  const skipped = state.models.filter((m) => !known(m.id)).map((m) => m.id);
  if (skipped.length > 0 && options?.unknownModels === 'error') {
    throw stateInvalid(
      skipped.map(
        (id) =>
          `model '${id.slice(0, 80)}' is not in the router (known: ${s.fleet.ids().slice(0, 5).join(', ')})`,
      ),
      "add those models first, or pass `unknownModels: 'skip'` to import the rest",
    );
  }
  // The tracker checks the state again against its own limits (maxTaskTypes) before applying.
  tracker.importLearned({ ...state, models }, s.now());
  return { models: models.map((m) => m.id), skipped };
}

/** The in-memory tracker's `OTHER_TASK_TYPE` (not imported: the integration bundles stay free of the tracker). */
const TRACKER_OTHER = '(other)';

/** The label value that task types past the limit fold into. */
export const OTHER_TASK_LABEL = 'other';

/** The longest task label kept; longer task types are cut (with `...`) so a label stays readable. */
const MAX_LABEL_LENGTH = 64;

/**
 * Bounded label values for task types: the first `max` distinct types seen keep their own value,
 * every later one (and the load tracker's own `(other)`) becomes `other`. A metrics backend then
 * holds at most `max + 1` task series per metric, whatever the app's classifier invents.
 */
export class TaskLabels {
  readonly #max: number;
  readonly #known = new Map<string, string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** The label value for a task type. */
  label(type: unknown): string {
    if (typeof type !== 'string') return OTHER_TASK_LABEL;
    const known = this.#known.get(type);
    if (known !== undefined) return known;
    if (type === TRACKER_OTHER || type === OTHER_TASK_LABEL || this.#known.size >= this.#max) {
      return OTHER_TASK_LABEL;
    }
    const value =
      type.length > MAX_LABEL_LENGTH ? `${type.slice(0, MAX_LABEL_LENGTH - 3)}...` : type;
    this.#known.set(type, value);
    return value;
  }

  /** How many task types have a label of their own. */
  get size(): number {
    return this.#known.size;
  }
}

/** Health as a number, as LiteLLM's `deployment_state` does: 0 healthy, 1 degraded, 2 open. */
export function healthCode(state: string): number {
  return state === 'healthy' ? 0 : state === 'degraded' ? 1 : 2;
}

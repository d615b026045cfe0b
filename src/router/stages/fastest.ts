import type { TaskType } from '../../types.js';
import type { ModelEntry } from './fleet.js';

/** Models kept in the order of {@link FastestModels}. */
const KEPT = 64;

/** Speeds noted between two rebuilds of the order (it is a few dozen entries: cheap). */
const REORDER_EVERY = 64;

/**
 * The fastest models measured so far, for the large-fleet sample: the tracker's learned speed of
 * each model across the task types it served (with at least one call's weight), noted as
 * decisions see their candidates. A model measured fast at any task is then ranked for every type
 * it serves, so a hard request is not left to what a random draw finds (in the simulator's
 * heterogeneous-1000 a fast model found by a simple request was rarely drawn again for reasoning).
 * The order is rebuilt every {@link REORDER_EVERY} notes and keeps the {@link KEPT} fastest; a
 * removed model is dropped then.
 */
export class FastestModels<Req, Res> {
  readonly #speeds = new Map<ModelEntry<Req, Res>, number>();
  #order: readonly ModelEntry<Req, Res>[] = [];
  #notes = 0;

  /** Notes the learned `speed` of `e` (lower is faster: its latency over the fleet's level). */
  note(e: ModelEntry<Req, Res>, speed: number): void {
    this.#speeds.set(e, speed);
    if (++this.#notes >= REORDER_EVERY) this.#reorder();
  }

  /** Adds to `picked` up to `n` of the fastest models that serve `type` and are not in it yet. */
  addServing(picked: ModelEntry<Req, Res>[], type: TaskType, n: number): void {
    let added = 0;
    for (const e of this.#order) {
      if (added >= n) return;
      if (e.removed || !e.model.tasks.has(type) || picked.includes(e)) continue;
      picked.push(e);
      added++;
    }
  }

  #reorder(): void {
    this.#notes = 0;
    const speeds = this.#speeds;
    for (const e of speeds.keys()) if (e.removed) speeds.delete(e);
    const order = [...speeds.keys()].sort((a, b) => speeds.get(a)! - speeds.get(b)!);
    for (let i = KEPT; i < order.length; i++) speeds.delete(order[i]!);
    this.#order = order.length > KEPT ? order.slice(0, KEPT) : order;
  }
}

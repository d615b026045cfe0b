/** What the admission queue orders by: higher `priority` first, then lower `seq` (arrival order). */
export interface Admissible {
  readonly priority: number;
  readonly seq: number;
}

/** Whether `a` goes before `b`. */
function before(a: Admissible, b: Admissible): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/**
 * The router's waiting requests in priority order (FIFO within a priority). A sorted array: insert
 * and remove find their place by binary search; appending at equal priority, the common case, is
 * a push. Scans go in order so the first match is the one to serve.
 */
export class AdmissionQueue<T extends Admissible> {
  readonly #items: T[] = [];

  /** Requests waiting. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an item in its place. */
  push(item: T): void {
    const items = this.#items;
    const last = items[items.length - 1];
    if (last === undefined || before(last, item)) {
      items.push(item);
      return;
    }
    items.splice(this.#lowerBound(item), 0, item);
  }

  /** Removes an item; returns whether it was there. */
  remove(item: T): boolean {
    const items = this.#items;
    const i = this.#lowerBound(item);
    if (items[i] !== item) return false;
    items.splice(i, 1);
    return true;
  }

  /** The first item, in priority order, that `accept` takes; undefined when none. */
  find(accept: (item: T) => boolean): T | undefined {
    for (const item of this.#items) if (accept(item)) return item;
    return undefined;
  }

  /** A copy of the items in order. */
  toArray(): T[] {
    return [...this.#items];
  }

  /** Index of the first item not before `item`. */
  #lowerBound(item: T): number {
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.#items[mid]!, item)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

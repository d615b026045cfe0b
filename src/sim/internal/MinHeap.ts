/**
 * A binary min-heap over an array, ordered by a strict "comes before" predicate. Internal to the
 * simulator: the virtual clock's timers and the pooled reference's queues and events use it.
 */
export class MinHeap<T> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => boolean;

  /** @param before - `true` when `a` must leave the heap before `b` (a strict order). */
  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  /** Number of items held. */
  get size(): number {
    return this.#items.length;
  }

  /** The first item, without removing it (undefined when empty). */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds an item. O(log n). */
  push(item: T): void {
    const items = this.#items;
    const before = this.#before;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the first item (undefined when empty). O(log n). */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      this.#siftDown(0, last);
    }
    return top;
  }

  /** Keeps only the items for which `keep` is true, then restores the heap order. O(n). */
  filter(keep: (item: T) => boolean): void {
    const items = this.#items;
    let w = 0;
    for (let r = 0; r < items.length; r++) {
      const item = items[r] as T;
      if (keep(item)) items[w++] = item;
    }
    items.length = w;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.#siftDown(i, items[i] as T);
  }

  /** Places `item` at index `i` and moves it down to its place. */
  #siftDown(i: number, item: T): void {
    const items = this.#items;
    const before = this.#before;
    const n = items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      let c = items[left] as T;
      if (right < n) {
        const r = items[right] as T;
        if (before(r, c)) {
          child = right;
          c = r;
        }
      }
      if (!before(c, item)) break;
      items[i] = c;
      i = child;
    }
    items[i] = item;
  }
}

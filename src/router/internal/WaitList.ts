import type { WaitTicket } from './request.js';

/** Whether `a` is served before `b`: higher priority first, then earlier arrival (lower id). */
function before<Req, Res>(a: WaitTicket<Req, Res>, b: WaitTicket<Req, Res>): boolean {
  const pa = a.request.priority;
  const pb = b.request.priority;
  return pa > pb || (pa === pb && a.request.id < b.request.id);
}

/**
 * The requests waiting for one model, in service order (priority, then arrival), as a binary
 * heap with lazy removal: a request that stops waiting is marked dead and dropped when it reaches
 * the top, or by a compaction once dead entries outnumber live ones. Push and pop are O(log n);
 * nothing scans the waiting crowd per event.
 */
export class WaitList<Req, Res> {
  #heap: WaitTicket<Req, Res>[] = [];
  /** Live tickets in the heap. */
  #live = 0;

  /** Live requests waiting for this model. */
  get size(): number {
    return this.#live;
  }

  push(ticket: WaitTicket<Req, Res>): void {
    const heap = this.#heap;
    heap.push(ticket);
    this.#live++;
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** One of this list's tickets stopped waiting (it is dropped lazily). */
  died(): void {
    this.#live--;
    if (this.#heap.length > 32 && this.#heap.length > 3 * this.#live) this.#compact();
  }

  /** The first live ticket in service order, dropping dead ones on the way; undefined when none. */
  peek(): WaitTicket<Req, Res> | undefined {
    const heap = this.#heap;
    while (heap.length > 0 && !heap[0]!.live) this.#popTop();
    return heap[0];
  }

  /** The live tickets, in no particular order (a copy). */
  liveTickets(): WaitTicket<Req, Res>[] {
    return this.#heap.filter((t) => t.live);
  }

  #popTop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    this.#siftDown(0);
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const n = heap.length;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && before(heap[l]!, heap[best]!)) best = l;
      if (r < n && before(heap[r]!, heap[best]!)) best = r;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best]!, heap[i]!];
      i = best;
    }
  }

  /** Drops every dead ticket and restores the heap: O(n), amortised over the deaths that caused it. */
  #compact(): void {
    this.#heap = this.#heap.filter((t) => t.live);
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }
}

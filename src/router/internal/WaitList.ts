import type { WaitTicket } from './request.js';

/** The requests of one priority, in arrival order (request id), from `head` on. */
interface Bucket<Req, Res> {
  readonly priority: number;
  items: WaitTicket<Req, Res>[];
  head: number;
}

/** Dead entries tolerated at the front of a bucket before its array is shifted. */
const SHIFT_AT = 1024;

/**
 * The requests waiting for one model, in service order (higher priority first, then arrival), as
 * one arrival-ordered array per priority with lazy removal: a request that stops waiting is
 * marked dead and skipped when it reaches the front, or dropped by a compaction once dead entries
 * outnumber live ones. New arrivals append (O(1)); a request that waits again after a retry goes
 * back to its arrival place (a binary search); the front is found in O(1) amortised. Nothing
 * scans the waiting crowd per event.
 */
export class WaitList<Req, Res> {
  /** Buckets by priority, highest first (priorities are few: usually one). */
  #buckets: Bucket<Req, Res>[] = [];
  /** Live tickets in the list. */
  #live = 0;
  /** Entries held, dead ones included. */
  #held = 0;

  /** Live requests waiting for this model. */
  get size(): number {
    return this.#live;
  }

  push(ticket: WaitTicket<Req, Res>): void {
    const b = this.#bucket(ticket.request.priority);
    const items = b.items;
    const id = ticket.request.id;
    const last = items[items.length - 1];
    if (items.length === b.head || last === undefined || last.request.id < id) items.push(ticket);
    else {
      let lo = b.head;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (items[mid]!.request.id < id) lo = mid + 1;
        else hi = mid;
      }
      items.splice(lo, 0, ticket);
    }
    this.#live++;
    this.#held++;
  }

  /** One of this list's tickets stopped waiting (it is dropped lazily). */
  died(): void {
    this.#live--;
    if (this.#held > 64 && this.#held > 3 * this.#live) this.#compact();
  }

  /** The first live ticket in service order, dropping dead ones on the way; undefined when none. */
  peek(): WaitTicket<Req, Res> | undefined {
    for (const b of this.#buckets) {
      const items = b.items;
      while (b.head < items.length && !items[b.head]!.live) {
        items[b.head] = undefined as unknown as WaitTicket<Req, Res>;
        b.head++;
        this.#held--;
      }
      if (b.head < items.length) {
        if (b.head >= SHIFT_AT && b.head * 2 >= items.length) {
          b.items = items.slice(b.head);
          b.head = 0;
        }
        return b.items[b.head];
      }
      if (b.head > 0) {
        b.items = [];
        b.head = 0;
      }
    }
    return undefined;
  }

  /** The live tickets, in no particular order (a copy). */
  liveTickets(): WaitTicket<Req, Res>[] {
    const out: WaitTicket<Req, Res>[] = [];
    for (const b of this.#buckets) {
      for (let i = b.head; i < b.items.length; i++) if (b.items[i]!.live) out.push(b.items[i]!);
    }
    return out;
  }

  #bucket(priority: number): Bucket<Req, Res> {
    const buckets = this.#buckets;
    let i = 0;
    while (i < buckets.length && buckets[i]!.priority > priority) i++;
    const found = buckets[i];
    if (found !== undefined && found.priority === priority) return found;
    const created: Bucket<Req, Res> = { priority, items: [], head: 0 };
    buckets.splice(i, 0, created);
    return created;
  }

  /** Drops every dead entry and empty bucket: O(n), amortised over the deaths that caused it. */
  #compact(): void {
    let held = 0;
    this.#buckets = this.#buckets.filter((b) => {
      b.items = b.items.slice(b.head).filter((t) => t.live);
      b.head = 0;
      held += b.items.length;
      return b.items.length > 0;
    });
    this.#held = held;
  }
}

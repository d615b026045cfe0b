import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouterRequest, WaitTicket } from '../../../src/router/internal/request.js';
import { WaitList } from '../../../src/router/internal/WaitList.js';

type Ticket = WaitTicket<unknown, unknown>;

function ticket(id: number, priority = 0): Ticket {
  const request = { id, priority } as RouterRequest<unknown, unknown>;
  return { request, accept: new Set(['m']), firstChoice: undefined, live: true };
}

/** Pops every live ticket in service order. */
function drain(list: WaitList<unknown, unknown>): number[] {
  const out: number[] = [];
  for (let t = list.peek(); t !== undefined; t = list.peek()) {
    out.push(t.request.id);
    t.live = false;
    list.died();
  }
  return out;
}

describe('WaitList', () => {
  it('serves higher priority first, then arrival order', () => {
    const list = new WaitList<unknown, unknown>();
    for (const [id, priority] of [
      [1, 0],
      [2, 5],
      [3, 0],
      [4, 5],
      [5, -1],
    ] as const)
      list.push(ticket(id, priority));
    expect(list.size).toBe(5);
    expect(drain(list)).toEqual([2, 4, 1, 3, 5]);
    expect(list.size).toBe(0);
    expect(list.peek()).toBeUndefined();
  });

  it('skips tickets that stopped waiting, and lists only live ones', () => {
    const list = new WaitList<unknown, unknown>();
    const tickets = [1, 2, 3, 4].map((id) => ticket(id));
    for (const t of tickets) list.push(t);
    tickets[0]!.live = false;
    list.died();
    tickets[2]!.live = false;
    list.died();
    expect(list.size).toBe(2);
    expect(
      list
        .liveTickets()
        .map((t) => t.request.id)
        .sort(),
    ).toEqual([2, 4]);
    expect(drain(list)).toEqual([2, 4]);
  });

  it('property: serves exactly the live tickets in (priority desc, id asc) order, through any kills', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ priority: fc.integer({ min: -2, max: 2 }), kill: fc.boolean() }), {
          maxLength: 300,
        }),
        (items) => {
          const list = new WaitList<unknown, unknown>();
          const tickets = items.map((item, id) => ticket(id, item.priority));
          for (const t of tickets) list.push(t);
          for (let i = 0; i < tickets.length; i++) {
            if (items[i]!.kill) {
              tickets[i]!.live = false;
              list.died();
            }
          }
          const expected = tickets
            .filter((t) => t.live)
            .sort((a, b) => b.request.priority - a.request.priority || a.request.id - b.request.id)
            .map((t) => t.request.id);
          expect(list.size).toBe(expected.length);
          expect(drain(list)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

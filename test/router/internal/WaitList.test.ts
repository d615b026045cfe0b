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

  it('property: serves exactly the live tickets in (priority desc, id asc) order, through any kills and any push order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ priority: fc.integer({ min: -2, max: 2 }), kill: fc.boolean() }), {
          maxLength: 300,
        }),
        fc.array(fc.nat(), { maxLength: 300 }),
        (items, swaps) => {
          const list = new WaitList<unknown, unknown>();
          const tickets = items.map((item, id) => ticket(id, item.priority));
          // Mostly arrival order, with some requests pushed late (as retries are).
          const order = [...tickets];
          for (let k = 0; k < swaps.length && order.length > 1; k++) {
            const i = swaps[k]! % order.length;
            const j = (i + 1 + (k % 7)) % order.length;
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          for (const t of order) list.push(t);
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

  it('drops dead entries as it goes and stays correct across compactions and interleaved pushes', () => {
    const list = new WaitList<unknown, unknown>();
    const all: Ticket[] = [];
    let next = 0;
    const served: number[] = [];
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 40; k++) {
        const t = ticket(next++, round % 3 === 0 ? 1 : 0);
        all.push(t);
        list.push(t);
      }
      // Kill most of what waits (as requests bound elsewhere are), then serve a few.
      for (const t of all) {
        if (t.live && t.request.id % 5 !== 0) {
          t.live = false;
          list.died();
        }
      }
      for (let k = 0; k < 3; k++) {
        const t = list.peek();
        if (t === undefined) break;
        served.push(t.request.id);
        t.live = false;
        list.died();
      }
    }
    const rest = all.filter((t) => t.live).length;
    expect(list.size).toBe(rest);
    expect(served.every((id) => id % 5 === 0)).toBe(true);
    expect(drain(list)).toHaveLength(rest);
  });
});

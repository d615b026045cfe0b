import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker, OTHER_TASK_TYPE } from '../../src/load/index.js';

/** Task types a tracker has seen, by model, with the latency each was given (one per type). */
const history = fc.array(
  fc.record({
    model: fc.constantFrom('m', 'n'),
    task: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    ms: fc.integer({ min: 1, max: 5_000 }),
  }),
  { maxLength: 12 },
);

function fed(max: number, calls: readonly { model: string; task: string; ms: number }[]) {
  const t = new InMemoryLoadTracker({ maxTaskTypes: max });
  for (const c of calls) {
    t.recordArrival(c.task, 0);
    t.recordFinish(c.model, c.task, c.ms, true, 0);
  }
  return t;
}

const wire = (t: InMemoryLoadTracker) => JSON.parse(JSON.stringify(t.exportLearned(0)));

describe('InMemoryLoadTracker: importLearned() properties', () => {
  it('holds at most maxTaskTypes named task types per model and re-imports its export, whatever it saw and imported', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        history,
        history,
        history,
        (max, before, source, after) => {
          const t = fed(max, before);
          t.importLearned(wire(fed(max, source)), 0);
          for (const c of after) t.recordFinish(c.model, c.task, c.ms, true, 0);
          const out = wire(t);
          for (const m of out.models) {
            const named = m.tasks.filter((x: { task: string }) => x.task !== OTHER_TASK_TYPE);
            expect(named.length).toBeLessThanOrEqual(max);
          }
          const copy = new InMemoryLoadTracker({ maxTaskTypes: max });
          copy.importLearned(out, 0);
          expect(wire(copy)).toEqual(out);
        },
      ),
    );
  });

  it('prices every task type an idle tracker imports as the source did', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), history, history, (max, before, source) => {
        const from = fed(max, source);
        const t = fed(max, before);
        t.importLearned(wire(from), 0);
        for (const c of source) {
          expect(t.learned(c.model, c.task, 0, 0)?.taskMeanMs).toBe(
            from.learned(c.model, c.task, 0, 0)?.taskMeanMs,
          );
        }
      }),
    );
  });
});

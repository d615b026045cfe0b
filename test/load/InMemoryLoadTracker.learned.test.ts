import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker } from '../../src/load/InMemoryLoadTracker.js';

const half = 10_000;
const tracker = () => new InMemoryLoadTracker({ learnHalfLifeMs: half });

describe('InMemoryLoadTracker: learned()', () => {
  it('knows nothing of a pair that never finished', () => {
    expect(tracker().learned('a', 'code', 0.5, 0)).toBeUndefined();
  });

  it('learns latency per complexity band and for the task as a whole', () => {
    const t = tracker();
    for (let i = 0; i < 10; i++) {
      t.recordFinish('a', 'code', 100, true, i, { complexity: 0.1 });
      t.recordFinish('a', 'code', 900, true, i, { complexity: 0.9 });
    }
    const easy = t.learned('a', 'code', 0.2, 10)!;
    const hard = t.learned('a', 'code', 0.8, 10)!;
    expect(easy.band).toBe(0);
    expect(easy.bandMeanMs).toBe(100);
    expect(hard.bandMeanMs).toBe(900);
    expect(hard.taskMeanMs).toBeCloseTo(500, 9);
    expect(hard.taskWeight).toBeCloseTo(20, 1); // decayed a little over 10 ms
    // A band with no sample of its own: NaN mean, no weight; the task's figures still stand.
    const mid = t.learned('a', 'code', 0.5, 10)!;
    expect(mid.bandWeight).toBe(0);
    expect(mid.bandMeanMs).toBeNaN();
    expect(mid.taskMeanMs).toBeCloseTo(500, 9);
  });

  it('fades evidence by half every learnHalfLifeMs, calls or no calls', () => {
    const t = tracker();
    for (let i = 0; i < 8; i++) t.recordFinish('a', 'code', 200, true, 0, { complexity: 0 });
    t.recordFinish('a', 'code', 50, false, 0, { complexity: 0 });
    const later = t.learned('a', 'code', 0, 2 * half)!;
    expect(later.bandWeight).toBeCloseTo(2, 9);
    expect(later.bandFailures).toBeCloseTo(0.25, 9);
    expect(later.bandMeanMs).toBeCloseTo(200, 1); // the older call weighs a little less // a failure is no latency sample
  });

  it('learns quality per model, and per band when the task is given', () => {
    const t = tracker();
    t.recordFinish('a', 'code', 100, true, 0, { complexity: 0.9 });
    t.recordQuality('a', 0.2, 0);
    expect(t.learned('a', 'code', 0.9, 0)!.quality).toBeCloseTo(0.2, 12);
    t.recordQuality('a', 1, 0, { type: 'code', complexity: 0.9 });
    // The band has a report of its own now: it speaks for the band.
    expect(t.learned('a', 'code', 0.9, 0)!.quality).toBe(1);
    expect(t.learned('a', 'code', 0.9, 0)!.qualityWeight).toBe(1);
    t.recordQuality('a', 2, 0); // out of range: ignored
    // Another band of the task falls back to the task's reports; another task, to the model's.
    expect(t.learned('a', 'code', 0.1, 0)!.quality).toBe(1);
    t.recordFinish('a', 'simple', 100, true, 0);
    expect(t.learned('a', 'simple', 0.1, 0)!.quality).toBeCloseTo(0.6, 12);
  });

  it('fits latency on real output tokens and calibrates the token estimate per task', () => {
    const t = tracker();
    for (const out of [100, 200, 400]) {
      t.recordFinish('a', 'code', 300 + 2 * out, true, 0, {
        complexity: 0.5,
        estimatedTokens: 1000,
        usage: { promptTokens: 500, completionTokens: out },
      });
    }
    const l = t.learned('a', 'code', 0.5, 0)!;
    expect(l.tokenBaseMs).toBeCloseTo(300, 6);
    expect(l.msPerOutputToken).toBeCloseTo(2, 9);
    expect(l.tokenWeight).toBe(3);
    expect(l.outputPerEstimatedToken).toBeCloseTo(700 / 3000, 12);
    expect(l.realPerEstimatedToken).toBeCloseTo(2200 / 3000, 12);
    // No usage reported elsewhere: nothing fitted, no calibration.
    t.recordFinish('b', 'simple', 10, true, 0);
    const b = t.learned('b', 'simple', 0, 0)!;
    expect(b.tokenWeight).toBe(0);
    expect(b.msPerOutputToken).toBeNaN();
    expect(b.outputPerEstimatedToken).toBeNaN();
  });

  it('serves figures up to 1 ms old, refreshed in place; a quality report shows at once', () => {
    const t = tracker();
    t.recordFinish('a', 'code', 100, true, 0, { complexity: 0.5 });
    const v = t.learned('a', 'code', 0.5, 5)!;
    t.recordFinish('a', 'code', 300, true, 5.5, { complexity: 0.5 });
    expect(t.learned('a', 'code', 0.5, 5.5)!.bandMeanMs).toBe(100); // within 1 ms: the cached view
    const later = t.learned('a', 'code', 0.5, 6)!;
    expect(later).toBe(v); // the same object, refreshed
    expect(later.bandMeanMs).toBeCloseTo(200, 1); // the older call weighs a little less
    t.recordQuality('a', 0, 6);
    expect(t.learned('a', 'code', 0.5, 6)!.quality).toBe(0);
  });

  it('forgets a removed model', () => {
    const t = tracker();
    t.recordFinish('a', 'code', 100, true, 0);
    t.removeModel('a');
    expect(t.learned('a', 'code', 0.5, 0)).toBeUndefined();
  });

  it('keeps task types past maxTaskTypes together under (other)', () => {
    const t = new InMemoryLoadTracker({ maxTaskTypes: 1 });
    t.recordFinish('a', 'x', 100, true, 0);
    t.recordFinish('a', 'y', 300, true, 0);
    t.recordFinish('a', 'z', 500, true, 0);
    expect(t.learned('a', 'y', 0, 0)!.taskMeanMs).toBe(400);
    expect(t.exportLearned(0).models[0]!.tasks.map((x) => x.task)).toEqual(['x', '(other)']);
  });

  it('imports its own export with the (other) entry past maxTaskTypes', () => {
    const t = new InMemoryLoadTracker({ maxTaskTypes: 1 });
    for (const [type, ms] of [
      ['x', 100],
      ['y', 300],
      ['z', 500],
    ] as const) {
      t.recordFinish('a', type, ms, true, 0);
      t.recordArrival(type, 0);
    }
    const state = JSON.parse(JSON.stringify(t.exportLearned(0)));
    expect(state.fleet.map((f: { task: string }) => f.task)).toEqual(['x', '(other)']);
    const fresh = new InMemoryLoadTracker({ maxTaskTypes: 1 });
    fresh.importLearned(state, 0);
    expect(fresh.exportLearned(0)).toEqual(t.exportLearned(0));
    expect(fresh.learned('a', 'z', 0, 0)!.taskMeanMs).toBe(400);
  });
  it('gives the task types an import names their own entries, dropping idle ones it does not name', () => {
    const t = new InMemoryLoadTracker({ maxTaskTypes: 2 });
    for (const type of ['a', 'b']) t.recordFinish('m', type, 500, true, 0);
    const source = new InMemoryLoadTracker({ maxTaskTypes: 2 });
    source.recordFinish('m', 'c', 100, true, 0);
    source.recordFinish('m', 'd', 900, true, 0);
    t.importLearned(JSON.parse(JSON.stringify(source.exportLearned(0))), 0);
    expect(t.learned('m', 'c', 0, 0)!.taskMeanMs).toBe(100);
    expect(t.learned('m', 'd', 0, 0)!.taskMeanMs).toBe(900);
    expect(t.exportLearned(0)).toEqual(source.exportLearned(0));
  });

  it('keeps a task type with a call in flight through an import; what does not fit folds', () => {
    const t = new InMemoryLoadTracker({ maxTaskTypes: 1 });
    t.recordStart('m', 'a', 0);
    const source = new InMemoryLoadTracker({ maxTaskTypes: 1 });
    source.recordFinish('m', 'c', 100, true, 0);
    t.importLearned(JSON.parse(JSON.stringify(source.exportLearned(0))), 0);
    t.recordFinish('m', 'a', 300, true, 0);
    expect(t.learned('m', 'a', 0, 0)!.taskMeanMs).toBe(300);
    expect(t.learned('m', 'c', 0, 0)!.taskMeanMs).toBe(100); // under (other), alone there
    expect(t.exportLearned(0).models[0]!.tasks.map((x) => x.task)).toEqual(['a', '(other)']);
  });
  it('keeps the task types an import names and the idle ones that still fit', () => {
    const t = new InMemoryLoadTracker({ maxTaskTypes: 2 });
    for (const type of ['a', 'b', 'c']) t.recordFinish('m', type, 500, true, 0); // c: (other)
    const source = new InMemoryLoadTracker({ maxTaskTypes: 2 });
    source.recordFinish('m', 'a', 100, true, 0);
    t.importLearned(JSON.parse(JSON.stringify(source.exportLearned(0))), 0);
    t.recordFinish('m', 'b', 300, true, 0);
    t.recordFinish('m', 'd', 700, true, 0);
    expect(t.learned('m', 'a', 0, 0)!.taskMeanMs).toBe(100);
    expect(t.learned('m', 'b', 0, 0)!.taskMeanMs).toBe(300);
    expect(t.learned('m', 'd', 0, 0)!.taskMeanMs).toBe(700); // under (other)
    expect(t.exportLearned(0).models[0]!.tasks.map((x) => x.task)).toEqual(['a', 'b', '(other)']);
  });
  it('frees the slot of a call started under (other) before an import gave its task type an entry', () => {
    const t = new InMemoryLoadTracker({ maxTaskTypes: 2 });
    for (const type of ['a', 'b']) t.recordFinish('m', type, 500, true, 0);
    t.recordStart('m', 'x', 0); // tracked under (other)
    t.recordStart('m', 'x', 0);
    const source = new InMemoryLoadTracker({ maxTaskTypes: 2 });
    source.recordFinish('m', 'x', 100, true, 0);
    t.importLearned(JSON.parse(JSON.stringify(source.exportLearned(0))), 0);
    expect(t.modelStats('m', 0).inFlight).toBe(2);
    t.recordFinish('m', 'x', 100, true, 0);
    t.recordAbandon('m', 'x', 0);
    expect(t.modelStats('m', 0).inFlight).toBe(0);
    t.recordFinish('m', 'x', 100, true, 0); // no call left in flight: stays at 0
    expect(t.modelStats('m', 0).inFlight).toBe(0);
  });

  it('rejects state naming more task types than maxTaskTypes besides (other)', () => {
    const source = new InMemoryLoadTracker({ maxTaskTypes: 3 });
    for (const type of ['a', 'b', 'c']) {
      source.recordArrival(type, 0);
      source.recordFinish('m', type, 100, true, 0, {
        estimatedTokens: 10,
        usage: { promptTokens: 5, completionTokens: 5 },
      });
    }
    const state = JSON.parse(JSON.stringify(source.exportLearned(0)));
    const t = new InMemoryLoadTracker({ maxTaskTypes: 2 });
    expect(() => t.importLearned(state, 0)).toThrow(
      /models\[0\]\.tasks has 3 task types besides '\(other\)', more than maxTaskTypes 2.*calibration has 3.*fleet has 3/,
    );
  });
});

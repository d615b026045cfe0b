import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker, OTHER_TASK_TYPE } from '../../src/load/index.js';

describe('InMemoryLoadTracker', () => {
  describe('error rate', () => {
    it('is the plain share of failures at first (bias-corrected)', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordFinish('m', 'code', 5, false, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBe(1);
      tracker.recordFinish('m', 'code', 5, true, 0);
      const rate = tracker.modelStats('m', 0).errorRate;
      expect(rate).toBeGreaterThan(0.45);
      expect(rate).toBeLessThan(0.5);
    });

    it('reaches one half after errorHalfLife failures and halves after as many successes', () => {
      const tracker = new InMemoryLoadTracker({ errorHalfLife: 8 });
      for (let i = 0; i < 500; i++) tracker.recordFinish('m', 'code', 5, true, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBe(0);
      let previous = 0;
      for (let i = 0; i < 8; i++) {
        tracker.recordFinish('m', 'code', 5, false, 0);
        const rate = tracker.modelStats('m', 0).errorRate;
        expect(rate).toBeGreaterThan(previous);
        previous = rate;
      }
      expect(previous).toBeCloseTo(0.5, 6);
      for (let i = 0; i < 8; i++) tracker.recordFinish('m', 'code', 5, true, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBeCloseTo(0.25, 6);
      for (let i = 0; i < 200; i++) tracker.recordFinish('m', 'code', 5, true, 0);
      expect(tracker.modelStats('m', 0).errorRate).toBeLessThan(1e-6);
    });

    it('is per model', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordFinish('a', 'code', 5, false, 0);
      tracker.recordFinish('b', 'code', 5, true, 0);
      expect(tracker.modelStats('a', 0).errorRate).toBe(1);
      expect(tracker.modelStats('b', 0).errorRate).toBe(0);
    });
  });

  describe('throughput and in-flight', () => {
    it('tracks a steady completion rate and halves per half-life when idle', () => {
      const tracker = new InMemoryLoadTracker({ rateHalfLifeMs: 5_000 });
      for (let t = 0; t < 60_000; t += 100) tracker.recordFinish('m', 'code', 50, true, t);
      const steady = tracker.modelStats('m', 59_900).throughput;
      expect(steady).toBeGreaterThan(9.5);
      expect(steady).toBeLessThan(10.5);
      expect(tracker.modelStats('m', 64_900).throughput).toBeCloseTo(steady / 2, 6);
      expect(tracker.modelStats('m', 69_900).throughput).toBeCloseTo(steady / 4, 6);
    });

    it('counts calls in flight per model and per pair, never below zero', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordStart('m', 'code', 0);
      tracker.recordStart('m', 'code', 0);
      tracker.recordStart('m', 'simple', 0);
      expect(tracker.modelStats('m', 0).inFlight).toBe(3);
      tracker.recordFinish('m', 'code', 5, true, 1);
      tracker.recordFinish('m', 'simple', 5, false, 1);
      tracker.recordFinish('m', 'simple', 5, true, 1);
      expect(tracker.modelStats('m', 1)).toMatchObject({ inFlight: 1, completed: 2, failed: 1 });
      const tasks = tracker.snapshot(1).models[0]!.tasks;
      expect(tasks.map((t) => [t.task, t.inFlight, t.completed, t.failed])).toEqual([
        ['code', 1, 1, 0],
        ['simple', 0, 1, 1],
      ]);
    });
  });

  describe('arrivals', () => {
    /** Arrivals at rate `rateAt(t)` requests per second, from `from` to `to` ms. */
    function feed(
      tracker: InMemoryLoadTracker,
      rateAt: (t: number) => number,
      from: number,
      to: number,
    ) {
      let t = from;
      while (t < to) {
        tracker.recordArrival('code', t);
        t += 1000 / rateAt(t);
      }
    }

    it('forecasts a flat rate as flat', () => {
      const tracker = new InMemoryLoadTracker({ rateHalfLifeMs: 5_000 });
      feed(tracker, () => 20, 0, 60_000);
      const a = tracker.arrivals('code', 60_000);
      expect(a.rate).toBeGreaterThan(19);
      expect(a.rate).toBeLessThan(21);
      expect(a.forecast).toBeGreaterThan(19);
      expect(a.forecast).toBeLessThan(21);
      expect(Math.abs(a.trend)).toBeLessThan(0.2);
    });

    it('follows a ramp: the forecast leads the lagging rate and the trend is the slope', () => {
      const tracker = new InMemoryLoadTracker({ rateHalfLifeMs: 5_000, horizonMs: 5_000 });
      // 10 req/s rising by 1 req/s every second: 70 req/s at 60 s, 75 at the horizon.
      feed(tracker, (t) => 10 + t / 1000, 0, 60_000);
      const a = tracker.arrivals('code', 60_000);
      expect(a.horizonMs).toBe(5_000);
      expect(a.rate).toBeLessThan(70);
      expect(a.forecast).toBeGreaterThan(a.rate);
      expect(Math.abs(a.forecast / 75 - 1)).toBeLessThan(0.05);
      expect(a.trend).toBeGreaterThan(0.8);
      expect(a.trend).toBeLessThan(1.2);
    });

    it('never forecasts below zero when traffic falls away', () => {
      const tracker = new InMemoryLoadTracker({ horizonMs: 30_000 });
      feed(tracker, (t) => Math.max(50 - t / 500, 0.5), 0, 25_000);
      const a = tracker.arrivals('code', 25_000);
      expect(a.trend).toBeLessThan(0);
      expect(a.forecast).toBe(0);
      expect(tracker.arrivals('code', 1e9)).toMatchObject({ forecast: 0, trend: 0 });
    });

    it('reports the rate as the forecast until an interval has closed', () => {
      const tracker = new InMemoryLoadTracker();
      tracker.recordArrival('code', 500);
      const a = tracker.arrivals('code', 900);
      expect(a.forecast).toBe(a.rate);
      expect(a.trend).toBe(0);
    });
  });

  describe('snapshot', () => {
    it('is plain data, fresh on every call', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      tracker.recordArrival('code', 0);
      tracker.recordStart('m', 'code', 0);
      tracker.recordFinish('m', 'code', 40, true, 10);
      const a = tracker.snapshot(10);
      const b = tracker.snapshot(10);
      expect(a).toEqual(b);
      expect(a).not.toBe(b);
      expect(a.models[0]).not.toBe(b.models[0]);
      expect(a.models[0]!.tasks[0]!.latency).not.toBe(tracker.latency('m', 'code', 10));
      expect(a).toMatchObject({
        at: 10,
        windowMs: 60_000,
        models: [
          {
            model: 'm',
            inFlight: 0,
            completed: 1,
            failed: 0,
            errorRate: 0,
            tasks: [
              {
                task: 'code',
                inFlight: 0,
                completed: 1,
                failed: 0,
                latency: { count: 1, mean: 40, p50: 40, p95: 40, p99: 40 },
              },
            ],
          },
        ],
        arrivals: [{ task: 'code', total: 1, horizonMs: 5_000 }],
      });
      expect(JSON.parse(JSON.stringify(a))).toEqual(a);
      (a.models as unknown[]).length = 0;
      expect(tracker.snapshot(10).models).toHaveLength(1);
    });

    it('handles any model id or task type, even __proto__', () => {
      const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
      tracker.recordArrival('__proto__', 0);
      tracker.recordFinish('__proto__', 'constructor', 3, true, 0);
      const snap = tracker.snapshot(0);
      expect(snap.models[0]!.model).toBe('__proto__');
      expect(snap.models[0]!.tasks[0]!.task).toBe('constructor');
      expect(snap.arrivals[0]!.task).toBe('__proto__');
    });
  });

  it('forgets a removed model', () => {
    const tracker = new InMemoryLoadTracker({ refreshEvery: 1 });
    tracker.recordStart('a', 'code', 0);
    tracker.recordFinish('b', 'code', 5, false, 0);
    tracker.removeModel('b');
    tracker.removeModel('unknown');
    expect(tracker.latency('b', 'code', 0).count).toBe(0);
    expect(tracker.modelStats('b', 0)).toMatchObject({ failed: 0, errorRate: 0 });
    expect(tracker.snapshot(0).models.map((m) => m.model)).toEqual(['a']);
  });
});

describe('InMemoryLoadTracker: time heals and memory stays bounded', () => {
  it('fades a model error rate by half every errorDecayMs, with no calls', () => {
    const tracker = new InMemoryLoadTracker({ errorDecayMs: 1000 });
    tracker.recordStart('m', 'code', 0);
    tracker.recordFinish('m', 'code', 10, false, 0);
    const at0 = tracker.modelStats('m', 0).errorRate;
    expect(at0).toBeCloseTo(1, 12);
    expect(tracker.modelStats('m', 1000).errorRate).toBeCloseTo(0.5, 12);
    expect(tracker.modelStats('m', 3000).errorRate).toBeCloseTo(0.125, 12);
    // A later success starts from the faded figure.
    tracker.recordStart('m', 'code', 3000);
    tracker.recordFinish('m', 'code', 10, true, 3000);
    expect(tracker.modelStats('m', 3000).errorRate).toBeLessThan(0.125);
  });

  it('keeps at most maxTaskTypes task types per model and for arrivals; the rest share (other)', () => {
    const tracker = new InMemoryLoadTracker({ maxTaskTypes: 3 });
    for (let i = 0; i < 1000; i++) {
      const type = `t${i}`;
      tracker.recordArrival(type, i);
      tracker.recordStart('m', type, i);
      tracker.recordFinish('m', type, 5, true, i);
    }
    const snap = tracker.snapshot(1000);
    expect(snap.arrivals.map((a) => a.task)).toEqual(['t0', 't1', 't2', OTHER_TASK_TYPE]);
    expect(snap.arrivals.find((a) => a.task === OTHER_TASK_TYPE)?.total).toBe(997);
    expect(snap.models[0]!.tasks.map((t) => t.task)).toEqual(['t0', 't1', 't2', OTHER_TASK_TYPE]);
    expect(tracker.latency('m', 't999', 1000).count).toBe(997);
    expect(tracker.modelStats('m', 1000).inFlight).toBe(0);
  });
});

describe('InMemoryLoadTracker: time to first token', () => {
  it('tracks streams first chunks per (model, task) beside the latency, only once a stream started', () => {
    const tracker = new InMemoryLoadTracker();
    expect(tracker.firstToken('m', 'chat', 0).count).toBe(0);
    tracker.recordStart('m', 'chat', 0);
    tracker.recordFinish('m', 'chat', 500, true, 500);
    expect(tracker.snapshot(500).models[0]!.tasks[0]!.firstToken).toBeUndefined();
    for (const ttft of [40, 60, 80]) tracker.recordFirstToken('m', 'chat', ttft, 600);
    tracker.recordFirstToken('m', 'chat', Number.NaN, 600);
    expect(tracker.firstToken('m', 'chat', 600)).toMatchObject({ count: 3, mean: 60 });
    expect(tracker.snapshot(600).models[0]!.tasks[0]!.firstToken).toMatchObject({ count: 3 });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryLoadTracker } from '../../src/load/index.js';
import { LATENCY_CEILING_MS } from '../../src/utils/limits.js';
import { mean } from './InMemoryLoadTracker.harness.js';

describe('InMemoryLoadTracker', () => {
  describe('properties', () => {
    type Op =
      | { kind: 'arrive'; task: string }
      | { kind: 'start'; model: string; task: string }
      | { kind: 'finish'; model: string; task: string; latency: number; ok: boolean }
      | { kind: 'wait'; ms: number };

    const model = fc.constantFrom('a', 'b');
    const task = fc.constantFrom('code', 'simple');
    const latency = fc.oneof(
      fc.integer({ min: 0, max: 2_000 }),
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.double({ min: -10, max: 1e12, noNaN: true }).map((x) => Math.exp(Math.log1p(x))),
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('arrive' as const), task }),
      fc.record({ kind: fc.constant('start' as const), model, task }),
      fc.record({ kind: fc.constant('finish' as const), model, task, latency, ok: fc.boolean() }),
      fc.record({
        kind: fc.constant('wait' as const),
        ms: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 80_000 })),
      }),
    );

    it('keeps counts non-negative, quantiles ordered within the window range, and the mean exact', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
          const windowMs = 10_000;
          const buckets = 5;
          const bucketMs = windowMs / buckets;
          const tracker = new InMemoryLoadTracker({ windowMs, buckets, refreshEvery: 1 });
          const samples = new Map<string, { t: number; x: number }[]>();
          let now = 0;
          for (const o of ops) {
            if (o.kind === 'wait') now += o.ms;
            else if (o.kind === 'arrive') tracker.recordArrival(o.task, now);
            else if (o.kind === 'start') tracker.recordStart(o.model, o.task, now);
            else {
              tracker.recordFinish(o.model, o.task, o.latency, o.ok, now);
              const key = `${o.model}/${o.task}`;
              if (o.ok && Number.isFinite(o.latency)) {
                samples.set(key, [
                  ...(samples.get(key) ?? []),
                  { t: now, x: Math.min(Math.max(o.latency, 0), LATENCY_CEILING_MS) },
                ]);
              }
            }
            for (const m of ['a', 'b']) {
              const s = tracker.modelStats(m, now);
              expect(s.inFlight).toBeGreaterThanOrEqual(0);
              expect(s.completed).toBeGreaterThanOrEqual(0);
              expect(s.failed).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeLessThanOrEqual(1);
              expect(s.throughput).toBeGreaterThanOrEqual(0);
              for (const t of ['code', 'simple']) {
                const stats = tracker.latency(m, t, now);
                const epoch = Math.floor(now / bucketMs);
                const live = (samples.get(`${m}/${t}`) ?? [])
                  .filter((s) => Math.floor(s.t / bucketMs) > epoch - buckets)
                  .map((s) => s.x);
                expect(stats.count).toBe(live.length);
                if (live.length === 0) {
                  expect(stats.p50).toBeNaN();
                  continue;
                }
                const min = Math.min(...live);
                const max = Math.max(...live);
                const exact = mean(live);
                expect(Math.abs(stats.mean - exact)).toBeLessThanOrEqual(Math.abs(exact) * 1e-9);
                expect(stats.p50).toBeGreaterThanOrEqual(min);
                expect(stats.p50).toBeLessThanOrEqual(stats.p95);
                expect(stats.p95).toBeLessThanOrEqual(stats.p99);
                expect(stats.p99).toBeLessThanOrEqual(max);
              }
            }
            for (const t of ['code', 'simple']) {
              const a = tracker.arrivals(t, now);
              expect(a.rate).toBeGreaterThanOrEqual(0);
              expect(a.forecast).toBeGreaterThanOrEqual(0);
            }
          }
          for (const m of tracker.snapshot(now).models) {
            for (const t of m.tasks) {
              expect(t.inFlight).toBeGreaterThanOrEqual(0);
              expect(t.completed + t.failed).toBeGreaterThanOrEqual(0);
            }
          }
        }),
        { numRuns: 150 },
      );
    });

    it('never throws and stays within bounds on odd times and latencies', () => {
      const anyNumber = fc.oneof(
        fc.double(),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
        fc.integer({ min: -1e6, max: 1e12 }),
      );
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(3), anyNumber, anyNumber, fc.boolean()), { maxLength: 200 }),
          (calls) => {
            const tracker = new InMemoryLoadTracker({ refreshEvery: 2, refreshMs: 0 });
            for (const [kind, now, x, ok] of calls) {
              if (kind === 0) tracker.recordArrival('code', now);
              else if (kind === 1) tracker.recordStart('m', 'code', now);
              else if (kind === 2) tracker.recordFinish('m', 'code', x, ok, now);
              else tracker.removeModel('m');
              const s = tracker.modelStats('m', now);
              expect(s.inFlight).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeGreaterThanOrEqual(0);
              expect(s.errorRate).toBeLessThanOrEqual(1);
              expect(s.throughput).toBeGreaterThanOrEqual(0);
              const a = tracker.arrivals('code', now);
              expect(a.rate).toBeGreaterThanOrEqual(0);
              expect(a.forecast).toBeGreaterThanOrEqual(0);
              const l = tracker.latency('m', 'code', now);
              expect(l.count).toBeGreaterThanOrEqual(0);
              if (l.count > 0) {
                expect(l.p50).toBeGreaterThanOrEqual(0);
                expect(l.p50).toBeLessThanOrEqual(l.p95);
                expect(l.p95).toBeLessThanOrEqual(l.p99);
                expect(Number.isFinite(l.mean)).toBe(true);
              }
            }
            expect(() => JSON.stringify(tracker.snapshot(0))).not.toThrow();
          },
        ),
        { numRuns: 200 },
      );
    });

    it('serves cached stats that never claim more samples than the window holds', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.nat(10_000)), {
            maxLength: 400,
          }),
          fc.integer({ min: 1, max: 50 }),
          (steps, refreshEvery) => {
            const tracker = new InMemoryLoadTracker({ windowMs: 20_000, buckets: 4, refreshEvery });
            let now = 0;
            let recorded = 0;
            for (const [dt, x] of steps) {
              now += dt;
              tracker.recordFinish('m', 'code', x, true, now);
              recorded++;
              const stats = tracker.latency('m', 'code', now);
              expect(stats.count).toBeGreaterThanOrEqual(0);
              expect(stats.count).toBeLessThanOrEqual(recorded);
              if (stats.count > 0) {
                expect(stats.p50).toBeLessThanOrEqual(stats.p95);
                expect(stats.p95).toBeLessThanOrEqual(stats.p99);
              }
            }
          },
        ),
      );
    });
  });
});

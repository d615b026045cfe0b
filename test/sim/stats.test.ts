import { describe, expect, it } from 'vitest';
import type { SimModelSpec } from '../../src/sim/models/spec.js';
import { simulatePooled } from '../../src/sim/pooled.js';
import { computeStats, quantile, summarize } from '../../src/sim/stats.js';
import type { SimOutcome } from '../../src/sim/types.js';
import { generateWorkload } from '../../src/sim/workloads/requests.js';
import { configError } from '../helpers/configError.js';

const models: SimModelSpec[] = [
  {
    id: 'a',
    tasks: ['code', 'simple'],
    home: ['code'],
    concurrency: 2,
    service: { kind: 'constant', value: 1 },
  },
  {
    id: 'b',
    tasks: ['simple'],
    home: ['simple'],
    concurrency: 1,
    service: { kind: 'constant', value: 1 },
  },
];

const outcome = (
  o: Partial<SimOutcome> & Pick<SimOutcome, 'id' | 't' | 'start' | 'end'>,
): SimOutcome => ({
  type: 'code',
  model: 'a',
  ok: true,
  ...o,
  latency: o.end - o.t,
  queued: o.start - o.t,
});

describe('quantile / summarize', () => {
  it('uses the nearest-rank method', () => {
    const xs = [1, 2, 3, 4];
    expect(quantile(xs, 0.5)).toBe(2);
    expect(quantile(xs, 0.75)).toBe(3);
    expect(quantile(xs, 0.76)).toBe(4);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(4);
    expect(quantile([], 0.5)).toBe(0);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(hundred, 0.5), quantile(hundred, 0.95), quantile(hundred, 0.99)]).toEqual([
      50, 95, 99,
    ]);
  });

  it('summarizes exactly, in any input order', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    expect(summarize(xs)).toEqual({
      count: 1000,
      mean: 499.5,
      p50: 499,
      p95: 949,
      p99: 989,
      max: 999,
    });
    expect(summarize([])).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('computeStats', () => {
  const outcomes: SimOutcome[] = [
    outcome({ id: 0, t: 0, start: 0, end: 100 }),
    outcome({ id: 1, t: 0, start: 50, end: 250, type: 'simple' }),
    outcome({ id: 2, t: 100, start: 100, end: 400, type: 'simple', model: 'b' }),
    outcome({
      id: 3,
      t: 300,
      start: 400,
      end: 450,
      ok: false,
      error: 'MODEL_ERROR',
      model: 'b',
      type: 'simple',
    }),
    outcome({
      id: 4,
      t: 350,
      start: 350,
      end: 350,
      ok: false,
      error: 'NO_CAPABLE_MODEL',
      model: null,
      type: 'embedding',
    }),
    outcome({ id: 5, t: 390, start: 400, end: 500, ok: false, error: 'MODEL_ERROR', model: 'a' }),
  ];
  const report = computeStats(outcomes, models, { bucketMs: 200, cdfPoints: 4 });

  it('counts requests, errors by code and throughput', () => {
    expect(report.requests).toBe(6);
    expect(report.ok).toBe(3);
    expect(report.failed).toBe(3);
    expect(report.errors).toEqual({ MODEL_ERROR: 2, NO_CAPABLE_MODEL: 1 });
    expect(Object.keys(report.errors)).toEqual(['MODEL_ERROR', 'NO_CAPABLE_MODEL']);
    expect(report.durationMs).toBe(500);
    expect(report.throughput).toBeCloseTo(3 / 0.5, 9);
  });

  it('summarizes latency and queueing of successful requests, overall and per type', () => {
    expect(report.latency).toEqual({
      count: 3,
      mean: 650 / 3,
      p50: 250,
      p95: 300,
      p99: 300,
      max: 300,
    });
    expect(report.queued).toEqual({ count: 3, mean: 50 / 3, p50: 0, p95: 50, p99: 50, max: 50 });
    expect(Object.keys(report.latencyByType)).toEqual(['code', 'simple']);
    expect(report.latencyByType['simple']?.count).toBe(2);
  });

  it('reports per-model requests, busy time, utilization and spill', () => {
    expect(report.models).toEqual([
      {
        id: 'a',
        requests: 3,
        ok: 2,
        errors: 1,
        busyMs: 400,
        utilization: 400 / (2 * 500),
        spilled: 1,
      },
      { id: 'b', requests: 2, ok: 1, errors: 1, busyMs: 350, utilization: 350 / 500, spilled: 0 },
    ]);
    expect(report.spillShare).toBeCloseTo(1 / 5, 12);
  });

  it('builds time series by arrival bucket, splitting busy time over buckets', () => {
    expect(report.series.bucketMs).toBe(200);
    expect(
      report.series.buckets.map((b) => [b.start, b.arrivals, b.errors, b.latency.count]),
    ).toEqual([
      [0, 3, 0, 3],
      [200, 3, 3, 0],
      [400, 0, 0, 0],
    ]);
    expect(report.series.buckets[0]?.latency.max).toBe(300);
    expect(report.series.buckets[0]?.queuedMean).toBeCloseTo(50 / 3, 12);
    // a (2 servers): [0,100) + [50,250) + [400,500): 250 ms in bucket 0, 50 in bucket 1, 100 in bucket 2.
    expect(report.series.load['a']).toEqual([250 / 400, 50 / 400, 100 / 400]);
    // b (1 server): [100,400) + [400,450): 100, 200, 50.
    expect(report.series.load['b']).toEqual([100 / 200, 200 / 200, 50 / 200]);
  });

  it('gives CDF points at p = k / n', () => {
    expect(report.cdf).toEqual([
      { latency: 100, p: 0.25 },
      { latency: 250, p: 0.5 },
      { latency: 300, p: 0.75 },
      { latency: 300, p: 1 },
    ]);
  });

  it('is plain JSON data and deterministic', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(computeStats([...outcomes].reverse(), models, { bucketMs: 200, cdfPoints: 4 })).toEqual(
      report,
    );
  });

  it('handles an empty run and picks a default bucket width', () => {
    const empty = computeStats([], models);
    expect(empty).toMatchObject({
      requests: 0,
      ok: 0,
      durationMs: 0,
      throughput: 0,
      spillShare: 0,
      cdf: [],
    });
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
    const requests = generateWorkload(
      {
        arrivals: { kind: 'poisson', rate: 5 },
        mix: { code: 1, simple: 1 },
        types: {
          code: {
            complexity: { kind: 'constant', value: 0 },
            promptTokens: { kind: 'constant', value: 1 },
          },
          simple: {
            complexity: { kind: 'constant', value: 0 },
            promptTokens: { kind: 'constant', value: 1 },
          },
        },
      },
      1,
      3000,
    );
    const run = computeStats(simulatePooled({ models, requests, seed: 1 }), models);
    expect(run.series.buckets.length).toBeLessThanOrEqual(61);
    expect([1, 2, 5].some((f) => Math.log10(run.series.bucketMs / f) % 1 === 0)).toBe(true);
    expect(run.cdf).toHaveLength(100);
    expect(run.ok).toBe(3000);
  });

  it('lists unknown models after the fleet and rejects bad options', () => {
    const r = computeStats([outcome({ id: 0, t: 0, start: 0, end: 10, model: 'ghost' })], models);
    expect(r.models.map((m) => m.id)).toEqual(['a', 'b', 'ghost']);
    expect(configError(() => computeStats([], models, { bucketMs: 0 })).message).toBe(
      'Invalid computeStats arguments:\n- bucketMs must be a finite number > 0, got 0',
    );
    expect(configError(() => computeStats([], models, { cdfPoints: 0 })).message).toMatch(
      /cdfPoints/,
    );
    expect(configError(() => computeStats([], models, { durationMs: -1 })).message).toMatch(
      /durationMs/,
    );
  });

  it('rejects unknown keys and lists every problem at once', () => {
    const error = configError(() =>
      computeStats([], models, {
        bucketms: 5,
        cdfPoints: 1e12,
        durationMs: Number.NaN,
        busyMs: { a: -1 },
      } as never),
    );
    expect(error.problems).toEqual([
      'unknown option `bucketms` (did you mean `bucketMs`?) (known: bucketMs, cdfPoints, durationMs, busyMs)',
      'cdfPoints must be an integer from 1 to 100000, got 1000000000000',
      'durationMs must be a finite number >= 0, got NaN',
      'busyMs.a must be a finite number >= 0, got -1',
    ]);
  });

  it('refuses a bucketMs that would allocate millions of buckets', () => {
    const far = outcome({ id: 0, t: 0, start: 0, end: 1e9, model: 'a' });
    expect(configError(() => computeStats([far], models, { bucketMs: 1e-3 })).message).toMatch(
      /bucketMs 0\.001 would make more than 1000000 buckets over the run's 1000000000 ms: use at least 1000/,
    );
  });
});

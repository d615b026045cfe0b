import { Counter, Gauge, type Metric } from 'prom-client';
import type { ExperimentArmSnapshot, RouterSnapshot } from '../../index.js';

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

/**
 * The live A/B metrics, read from `snapshot().experiments` at each scrape (nothing on the request
 * path), labelled by `arm`: arm names are configuration (at most 100), so the label stays bounded.
 * A router without experiments exports no samples.
 */
export function experimentMetrics(prefix: string, snap: () => RouterSnapshot): Metric[] {
  const arms = (): readonly ExperimentArmSnapshot[] => snap().experiments ?? [];
  const counter = (name: string, help: string, read: (a: ExperimentArmSnapshot) => number) => {
    const c: Counter<'arm'> = new Counter<'arm'>({
      name: prefix + name,
      help,
      labelNames: ['arm'],
      registers: [],
      collect: () => {
        c.reset();
        for (const a of arms()) c.inc({ arm: a.name }, read(a));
      },
    });
    return c;
  };
  const errors: Counter<'arm' | 'code'> = new Counter<'arm' | 'code'>({
    name: `${prefix}experiment_errors_total`,
    help: 'Failed requests of each experiment arm, by ZetaError code.',
    labelNames: ['arm', 'code'],
    registers: [],
    collect: () => {
      errors.reset();
      for (const a of arms())
        for (const [code, n] of Object.entries(a.errors)) errors.inc({ arm: a.name, code }, n);
    },
  });
  const latency: Gauge<'arm' | 'quantile'> = new Gauge<'arm' | 'quantile'>({
    name: `${prefix}experiment_latency_seconds`,
    help: 'End-to-end latency quantiles of each experiment arm over the last 10 minutes, in seconds.',
    labelNames: ['arm', 'quantile'],
    registers: [],
    collect: () => {
      latency.reset();
      for (const a of arms()) {
        if (a.latency.count === 0) continue;
        for (const [quantile, key] of QUANTILES)
          latency.set({ arm: a.name, quantile }, a.latency[key] / 1000);
      }
    },
  });
  const quality: Gauge<'arm'> = new Gauge<'arm'>({
    name: `${prefix}experiment_quality_ratio`,
    help: 'Mean reportQuality() value attributed to each experiment arm, 0..1.',
    labelNames: ['arm'],
    registers: [],
    collect: () => {
      quality.reset();
      for (const a of arms()) if (!Number.isNaN(a.quality)) quality.set({ arm: a.name }, a.quality);
    },
  });
  return [
    counter(
      'experiment_requests_total',
      'Requests given to each experiment arm (control included).',
      (a) => a.requests,
    ),
    counter(
      'experiment_completed_total',
      'Requests of each experiment arm that completed.',
      (a) => a.completed,
    ),
    errors,
    latency,
    quality,
  ];
}

// zeta-router/prometheus: the router's metrics on a prom-client registry (prom-client 15 is an
// optional peer dependency; the core never imports this subpath).

// Registration
export { registerPrometheusMetrics } from './registerPrometheusMetrics.js';
export type { PrometheusMetrics } from './options.js';
export type { ObservedRouter } from '../internal/ObservedRouter.js';

// Options
export { defaultBuckets } from './options.js';
export type { PrometheusBuckets, PrometheusMetricsOptions } from './options.js';

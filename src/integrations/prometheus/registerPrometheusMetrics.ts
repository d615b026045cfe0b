import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';
import type {
  CompleteEvent,
  DispatchEvent,
  FailEvent,
  HealthEvent,
  HungEvent,
  ModelStateSnapshot,
  RejectEvent,
  RouterSnapshot,
  TaskType,
  UsageEvent,
} from '../../index.js';
import type { ServerLoad } from '../../probe/ModelProbe.js';
import { configInvalid, describeValue } from '../../utils/options.js';
import { type ObservedRouter, subscribe } from '../internal/ObservedRouter.js';
import { healthCode, TaskLabels } from '../internal/TaskLabels.js';
import { experimentMetrics } from './experimentMetrics.js';
import {
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
  type ResolvedPrometheusOptions,
  readPrometheusOptions,
} from './options.js';

/** Router probe readings and the names they take in `probe_reading{reading}`. */
const SERVER_READINGS: ReadonlyArray<readonly [keyof ServerLoad, string]> = [
  ['running', 'requests_running'],
  ['waiting', 'requests_waiting'],
  ['kvCacheUsage', 'kv_cache_usage_ratio'],
  ['memoryUsage', 'memory_usage_ratio'],
  ['cpuCores', 'cpu_cores'],
];

/** Registrations per registry and prefix: registering one router twice returns the first handle. */
const registrations = new WeakMap<
  Registry,
  Map<string, { router: ObservedRouter; handle: PrometheusMetrics }>
>();

type Pair = 'model' | 'task';

/**
 * Registers the router's metrics on `options.registry` (prefix `zeta_router_`): counters fed by its
 * events, histograms of durations in seconds, and gauges read from `snapshot()` at each scrape
 * (pull: nothing is updated per request for them). Unregisters them when the router closes.
 *
 * Registering the same router again on the same registry and prefix returns the first handle; a
 * name already taken there by anything else is a `CONFIG_INVALID` error.
 *
 * @example
 * const registry = new Registry();
 * registerPrometheusMetrics(router, { registry });
 * http.createServer(async (_, res) => res.end(await registry.metrics())).listen(9464);
 * @throws {ZetaError} `CONFIG_INVALID` for bad options or a metric name already registered.
 */
export function registerPrometheusMetrics(
  router: ObservedRouter,
  options: PrometheusMetricsOptions,
): PrometheusMetrics {
  if (
    typeof router !== 'object' ||
    router === null ||
    typeof router.on !== 'function' ||
    typeof router.snapshot !== 'function'
  ) {
    throw configInvalid('Prometheus metrics options', [
      `\`router\` must be a ZetaDynamicRouter, got ${describeValue(router)}`,
    ]);
  }
  const o = readPrometheusOptions(options);
  const byPrefix = registrations.get(o.registry);
  const existing = byPrefix?.get(o.prefix);
  if (existing?.handle.registered) {
    if (existing.router === router) return existing.handle;
  }
  const handle = new Registration(router, o);
  const map = byPrefix ?? new Map();
  map.set(o.prefix, { router, handle });
  registrations.set(o.registry, map);
  return handle;
}

class Registration implements PrometheusMetrics {
  readonly registry: Registry;
  readonly names: readonly string[];
  readonly #router: ObservedRouter;
  readonly #tasks: TaskLabels;
  readonly #maxProbeReadings: number;
  readonly #metrics: Metric[] = [];
  readonly #unsubscribe: Array<() => void> = [];
  /** The model each pending request was last dispatched to, for the `model` label of a rejection. */
  readonly #lastModel = new Map<number, string>();
  readonly #probes = new Map<string, Map<string, number>>();
  #snapshot: RouterSnapshot | undefined;
  #registered = true;

  readonly #requests: Counter<'model' | 'task' | 'outcome'>;
  readonly #dispatches: Counter<Pair>;
  readonly #spills: Counter<Pair>;
  readonly #retries: Counter<Pair>;
  readonly #callErrors: Counter<Pair>;
  readonly #rejections: Counter<'task' | 'code'>;
  readonly #cooldowns: Counter<'model'>;
  readonly #hung: Counter<'model'>;
  readonly #tokens: Counter<'model' | 'task' | 'kind'>;
  readonly #duration: Histogram<Pair>;
  readonly #callDuration: Histogram<Pair>;
  readonly #queueWait: Histogram<Pair>;
  readonly #ttft: Histogram<Pair>;

  constructor(router: ObservedRouter, o: ResolvedPrometheusOptions) {
    this.#router = router;
    this.registry = o.registry;
    this.#tasks = new TaskLabels(o.maxTaskTypes);
    this.#maxProbeReadings = o.maxProbeReadings;
    const p = o.prefix;
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      this.#add(new Counter<L>({ name: p + name, help, labelNames, registers: [] }));
    const histogram = (name: string, help: string, buckets: readonly number[]) =>
      this.#add(
        new Histogram<Pair>({
          name: p + name,
          help,
          labelNames: ['model', 'task'],
          buckets: [...buckets],
          registers: [],
        }),
      );
    this.#requests = counter(
      'requests_total',
      'Requests settled, by the model that served (or was last tried) and outcome (success or error).',
      ['model', 'task', 'outcome'],
    );
    this.#dispatches = counter('dispatches_total', 'Model calls started (retries included).', [
      'model',
      'task',
    ]);
    this.#spills = counter(
      'spills_total',
      'Model calls started on a model that is not a home model of the task type.',
      ['model', 'task'],
    );
    this.#retries = counter(
      'retries_total',
      'Failed model calls whose request is retried on another model, by the failed model.',
      ['model', 'task'],
    );
    this.#callErrors = counter('call_errors_total', 'Model calls that threw.', ['model', 'task']);
    this.#rejections = counter(
      'rejections_total',
      'Requests the router rejected (shed), by ZetaError code.',
      ['task', 'code'],
    );
    this.#cooldowns = counter(
      'cooldowns_total',
      'Times a model opened (taken out of rotation to cool down).',
      ['model'],
    );
    this.#hung = counter(
      'hung_calls_total',
      'Calls released after ignoring their abort past the grace period.',
      ['model'],
    );
    this.#tokens = counter(
      'tokens_total',
      'Tokens the model calls reported using (kind: prompt or completion), streams included.',
      ['model', 'task', 'kind'],
    );
    this.#duration = histogram(
      'request_duration_seconds',
      'Successful requests from run() to the result (waiting, retries and the call), in seconds.',
      o.buckets.requestDuration,
    );
    this.#callDuration = histogram(
      'call_duration_seconds',
      'The successful model call of each request, in seconds.',
      o.buckets.callDuration,
    );
    this.#queueWait = histogram(
      'queue_wait_seconds',
      'Time successful requests waited for a slot (all attempts), in seconds.',
      o.buckets.queueWait,
    );
    this.#ttft = histogram(
      'time_to_first_token_seconds',
      'Time to first token of streamed calls, in seconds (fed by the client or a firstToken event).',
      o.buckets.timeToFirstToken,
    );
    this.#gauges(p);
    for (const metric of experimentMetrics(p, () => this.#snap())) this.#add(metric);
    this.names = this.#metrics.map((m) => (m as unknown as { name: string }).name);
    this.#register();
    this.#listen();
  }

  get registered(): boolean {
    return this.#registered;
  }

  observeTimeToFirstToken(model: string, task: TaskType, seconds: number): void {
    if (!this.#registered || typeof model !== 'string') return;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return;
    this.#ttft.observe({ model, task: this.#tasks.label(task) }, seconds);
  }

  setProbeReading(model: string, reading: string, value: number): void {
    if (!this.#registered || typeof model !== 'string' || typeof reading !== 'string') return;
    if (typeof value !== 'number' || Number.isNaN(value)) return;
    let readings = this.#probes.get(model);
    if (readings === undefined) {
      // Only models the router knows: the map cannot grow with made-up ids.
      if (!this.#snap().models.some((m) => m.id === model)) return;
      readings = new Map();
      this.#probes.set(model, readings);
    }
    if (readings.has(reading) || readings.size < this.#maxProbeReadings)
      readings.set(reading, value);
  }

  unregister(): void {
    if (!this.#registered) return;
    this.#registered = false;
    for (const undo of this.#unsubscribe) undo();
    for (const name of this.names) {
      if (this.registry.getSingleMetric(name) !== undefined) this.registry.removeSingleMetric(name);
    }
    this.#lastModel.clear();
    this.#probes.clear();
  }

  #add<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }

  #register(): void {
    const taken = this.names.filter((name) => this.registry.getSingleMetric(name) !== undefined);
    if (taken.length > 0) {
      throw configInvalid('Prometheus metrics options', [
        `the registry already holds ${taken.length > 3 ? `${taken.slice(0, 3).join(', ')} and ${taken.length - 3} more` : taken.join(', ')}` +
          ' (registered by another router or by the app): give each router its own registry, or another `prefix`',
      ]);
    }
    for (const metric of this.#metrics) this.registry.registerMetric(metric);
  }

  /** One snapshot per scrape: every gauge's collect() of one scrape reads the same copy. */
  #snap(): RouterSnapshot {
    if (this.#snapshot === undefined) {
      this.#snapshot = this.#router.snapshot();
      queueMicrotask(() => {
        this.#snapshot = undefined;
      });
    }
    return this.#snapshot;
  }

  #gauges(p: string): void {
    const perModel = (
      name: string,
      help: string,
      read: (m: ModelStateSnapshot) => number | undefined,
    ): void => {
      const gauge: Gauge<'model'> = this.#add(
        new Gauge<'model'>({
          name: p + name,
          help,
          labelNames: ['model'],
          registers: [],
          collect: () => {
            gauge.reset();
            for (const m of this.#snap().models) {
              const value = read(m);
              if (value !== undefined && !Number.isNaN(value)) gauge.set({ model: m.id }, value);
            }
          },
        }),
      );
    };
    perModel('in_flight_requests', 'Calls running on the model now.', (m) => m.inFlight);
    perModel(
      'queued_requests',
      "Requests bound to the model's own queue, not started.",
      (m) => m.queued,
    );
    perModel(
      'waiting_requests',
      'Requests in the admission queue whose best candidate is the model.',
      (m) => m.waiting,
    );
    perModel(
      'tokens_in_flight',
      'Estimated tokens of the calls running or queued on the model.',
      (m) => m.tokensInFlight,
    );
    perModel(
      'concurrency_limit',
      'Calls the model may run at once (its capacity).',
      (m) => m.concurrency,
    );
    perModel('max_tokens', 'Token budget of the model (absent when it has none).', (m) =>
      Number.isFinite(m.maxTokens) ? m.maxTokens : undefined,
    );
    perModel('queue_limit', "Waiting room of the model's own queue.", (m) => m.maxQueue);
    perModel('utilization_ratio', 'In-flight calls over the concurrency limit, 0..1.', (m) =>
      m.concurrency > 0 ? m.inFlight / m.concurrency : undefined,
    );
    perModel('model_health_state', 'Model health: 0 healthy, 1 degraded, 2 open.', (m) =>
      healthCode(m.health),
    );
    perModel('model_error_ratio', 'Recent error rate of the model, 0..1.', (m) => m.errorRate);
    const router = (name: string, help: string, read: (s: RouterSnapshot) => number): void => {
      const gauge: Gauge = this.#add(
        new Gauge({
          name: p + name,
          help,
          registers: [],
          collect: () => gauge.set(read(this.#snap())),
        }),
      );
    };
    router('admission_waiting_requests', 'Requests in the admission queue.', (s) => s.waiting);
    router('pending_requests', 'Requests accepted and not settled yet.', (s) => s.pending);
    this.#arrivalMetrics(p);
    const probe: Gauge<'model' | 'reading'> = this.#add(
      new Gauge<'model' | 'reading'>({
        name: `${p}probe_reading`,
        help: 'Readings model servers report of themselves (empty until fed).',
        labelNames: ['model', 'reading'],
        registers: [],
        collect: () => {
          probe.reset();
          const models = this.#snap().models;
          const live = new Set(models.map((m) => m.id));
          for (const [model, readings] of this.#probes) {
            if (!live.has(model)) {
              this.#probes.delete(model);
              continue;
            }
            for (const [reading, value] of readings) probe.set({ model, reading }, value);
          }
          // What the models' own load probes last read (`probe` in their config), in base units.
          for (const m of models) {
            const load = m.server?.load;
            if (load === undefined) continue;
            for (const [key, reading] of SERVER_READINGS) {
              const value = load[key];
              if (typeof value === 'number') probe.set({ model: m.id, reading }, value);
            }
          }
        },
      }),
    );
  }

  #arrivalMetrics(p: string): void {
    /** Arrival figures summed per task label (folded types add up under `other`). */
    const byLabel = (read: (a: RouterSnapshot['arrivals'][number]) => number) => {
      const sums = new Map<string, number>();
      for (const a of this.#snap().arrivals) {
        const label = this.#tasks.label(a.task);
        sums.set(label, (sums.get(label) ?? 0) + read(a));
      }
      return sums;
    };
    const arrivals: Counter<'task'> = this.#add(
      new Counter<'task'>({
        name: `${p}arrivals_total`,
        help: 'Requests that arrived, by task type (read from the router at each scrape).',
        labelNames: ['task'],
        registers: [],
        collect: () => {
          arrivals.reset();
          for (const [task, total] of byLabel((a) => a.total)) arrivals.inc({ task }, total);
        },
      }),
    );
    const gauge = (
      name: string,
      help: string,
      read: (a: RouterSnapshot['arrivals'][number]) => number,
    ) => {
      const g: Gauge<'task'> = this.#add(
        new Gauge<'task'>({
          name: p + name,
          help,
          labelNames: ['task'],
          registers: [],
          collect: () => {
            g.reset();
            for (const [task, value] of byLabel(read))
              if (Number.isFinite(value)) g.set({ task }, value);
          },
        }),
      );
    };
    gauge('arrival_rate', 'Recent arrivals per second, by task type.', (a) => a.rate);
    gauge(
      'arrival_forecast_rate',
      "The tracker's forecast of arrivals per second, its horizon ahead, by task type.",
      (a) => a.forecast,
    );
  }

  /** (model, task) label pairs whose counters were initialised (bounded by models x task labels). */
  readonly #seenPairs = new Set<string>();

  #on(event: string, fn: (payload: never) => void): void {
    this.#unsubscribe.push(subscribe(this.#router, event, fn));
  }

  #listen(): void {
    const task = (t: { type: string } | undefined): string => this.#tasks.label(t?.type ?? 'none');
    this.#on('dispatch', (e: DispatchEvent) => {
      const labels = { model: e.model, task: task(e.task) };
      // Initialise the error counters of a (model, task) at 0 when it is first seen, so their
      // series exist (and rate() answers 0) before the first error, as Prometheus advises.
      const key = `${labels.model}\u0000${labels.task}`;
      if (!this.#seenPairs.has(key)) {
        this.#seenPairs.add(key);
        this.#retries.inc(labels, 0);
        this.#callErrors.inc(labels, 0);
        this.#spills.inc(labels, 0);
        this.#cooldowns.inc({ model: labels.model }, 0);
        this.#hung.inc({ model: labels.model }, 0);
        this.#tokens.inc({ ...labels, kind: 'prompt' }, 0);
        this.#tokens.inc({ ...labels, kind: 'completion' }, 0);
      }
      this.#dispatches.inc(labels);
      if (e.spilled) this.#spills.inc(labels);
      this.#lastModel.set(e.requestId, e.model);
    });
    this.#on('complete', (e: CompleteEvent) => {
      this.#lastModel.delete(e.requestId);
      const labels = { model: e.model, task: task(e.task) };
      this.#requests.inc({ ...labels, outcome: 'success' });
      this.#duration.observe(labels, e.totalMs / 1000);
      this.#callDuration.observe(labels, e.latencyMs / 1000);
      this.#queueWait.observe(labels, e.queuedMs / 1000);
    });
    this.#on('fail', (e: FailEvent) => {
      const labels = { model: e.model, task: task(e.task) };
      this.#callErrors.inc(labels);
      if (e.willRetry) this.#retries.inc(labels);
    });
    this.#on('reject', (e: RejectEvent) => {
      const model = this.#lastModel.get(e.requestId) ?? 'none';
      this.#lastModel.delete(e.requestId);
      const t = task(e.task);
      this.#requests.inc({ model, task: t, outcome: 'error' });
      this.#rejections.inc({ task: t, code: String(e.error?.code ?? 'UNKNOWN') });
    });
    this.#on('health', (e: HealthEvent) => {
      if (e.to === 'open') this.#cooldowns.inc({ model: e.model });
    });
    this.#on('hung', (e: HungEvent) => this.#hung.inc({ model: e.model }));
    this.#on('usage', ({ model, task: t, usage }: UsageEvent) => {
      const labels = { model, task: task(t) };
      this.#tokens.inc({ ...labels, kind: 'prompt' }, usage.promptTokens);
      this.#tokens.inc({ ...labels, kind: 'completion' }, usage.completionTokens);
    });
    this.#on('close', () => this.unregister());
    // Events a later router emits (time to first token, model-server probes), read by shape.
    this.#on('firstToken', (e: { model?: unknown; task?: unknown; ttftMs?: unknown }) => {
      const type = typeof e?.task === 'string' ? e.task : (e?.task as { type?: unknown })?.type;
      if (typeof e?.ttftMs === 'number' && typeof type === 'string') {
        this.observeTimeToFirstToken(e.model as string, type, e.ttftMs / 1000);
      }
    });
    this.#on('probe', (e: { model?: unknown; readings?: unknown }) => {
      if (typeof e?.readings !== 'object' || e.readings === null) return;
      for (const [reading, value] of Object.entries(e.readings)) {
        this.setProbeReading(e.model as string, reading, value as number);
      }
    });
  }
}

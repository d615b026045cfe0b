import type { ModelProbe, ServerLoad, SpillAt } from './ModelProbe.js';
import { parsePrometheusText } from './prometheusText.js';

/** What every built-in probe takes besides its server's address. */
export interface HttpProbeOptions {
  /** How often to read, in milliseconds. @default 5000 */
  readonly intervalMs?: number;
  /** How long a read may take, in milliseconds. @default 1000 */
  readonly timeoutMs?: number;
  /** From which readings the model counts as busy. */
  readonly spillAt?: SpillAt;
  /** The fetch to use (inject one in tests). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Headers sent with each read (e.g. an API key). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Which metric gives which reading, for {@link prometheusProbe}. */
export interface PrometheusMetricNames {
  readonly running?: string;
  readonly waiting?: string;
  /** A 0..1 gauge (or 0..100 with `kvCacheUsageScale: 0.01`). */
  readonly kvCacheUsage?: string;
  /** Resident memory in bytes; with `memoryLimitBytes` it becomes `memoryUsage`. */
  readonly residentMemoryBytes?: string;
  /** A CPU-seconds counter; its rate between reads becomes `cpuCores`. */
  readonly cpuSecondsTotal?: string;
}

function options(o: HttpProbeOptions): Omit<ModelProbe, 'read'> {
  return {
    ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.spillAt !== undefined ? { spillAt: o.spillAt } : {}),
  };
}

async function get(url: string, o: HttpProbeOptions, signal: AbortSignal): Promise<string> {
  const response = await (o.fetch ?? fetch)(url, {
    signal,
    ...(o.headers ? { headers: { ...o.headers } } : {}),
  });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * A probe that reads a Prometheus text endpoint and maps metrics to a {@link ServerLoad}. Memory
 * usage needs `memoryLimitBytes`; CPU cores are the rate of a CPU-seconds counter between reads.
 */
export function prometheusProbe(
  o: HttpProbeOptions & {
    readonly url: string;
    readonly metrics: PrometheusMetricNames;
    readonly kvCacheUsageScale?: number;
    readonly memoryLimitBytes?: number;
  },
): ModelProbe {
  let lastCpu: { seconds: number; at: number } | undefined;
  return {
    ...options(o),
    read: async (signal) => {
      const m = parsePrometheusText(await get(o.url, o, signal));
      const pick = (name: string | undefined): number | undefined =>
        name === undefined ? undefined : m.get(name);
      const load: { -readonly [K in keyof ServerLoad]: ServerLoad[K] } = {};
      const running = pick(o.metrics.running);
      const waiting = pick(o.metrics.waiting);
      const kv = pick(o.metrics.kvCacheUsage);
      const rss = pick(o.metrics.residentMemoryBytes);
      const cpu = pick(o.metrics.cpuSecondsTotal);
      if (running !== undefined) load.running = running;
      if (waiting !== undefined) load.waiting = waiting;
      if (kv !== undefined) load.kvCacheUsage = kv * (o.kvCacheUsageScale ?? 1);
      if (rss !== undefined && o.memoryLimitBytes !== undefined && o.memoryLimitBytes > 0)
        load.memoryUsage = rss / o.memoryLimitBytes;
      if (cpu !== undefined) {
        const at = performance.now();
        if (lastCpu !== undefined && at > lastCpu.at && cpu >= lastCpu.seconds)
          load.cpuCores = (cpu - lastCpu.seconds) / ((at - lastCpu.at) / 1000);
        lastCpu = { seconds: cpu, at };
      }
      return load;
    },
  };
}

/**
 * vLLM's `/metrics`: `vllm:num_requests_running`, `vllm:num_requests_waiting`,
 * `vllm:kv_cache_usage_perc` (`vllm:gpu_cache_usage_perc` on older servers), and the process's
 * resident memory and CPU seconds.
 *
 * @example
 * probe: vllmProbe({ baseURL: 'http://gpu-1:8000', spillAt: { waiting: 8, kvCacheUsage: 0.95 } })
 */
export function vllmProbe(
  o: HttpProbeOptions & { readonly baseURL: string; readonly memoryLimitBytes?: number },
): ModelProbe {
  const inner = (kvMetric: string): ModelProbe =>
    prometheusProbe({
      ...o,
      url: `${trimSlash(o.baseURL)}/metrics`,
      metrics: {
        running: 'vllm:num_requests_running',
        waiting: 'vllm:num_requests_waiting',
        kvCacheUsage: kvMetric,
        residentMemoryBytes: 'process_resident_memory_bytes',
        cpuSecondsTotal: 'process_cpu_seconds_total',
      },
    });
  const current = inner('vllm:kv_cache_usage_perc');
  const legacy = inner('vllm:gpu_cache_usage_perc');
  return {
    ...options(o),
    read: async (signal) => {
      const load = await current.read(signal);
      return load.kvCacheUsage !== undefined ? load : { ...load, ...(await legacy.read(signal)) };
    },
  };
}

/**
 * llama.cpp's server: `/slots` (running = slots processing; needs `--slots`) and, when it answers,
 * `/metrics` (`llamacpp:requests_deferred` as waiting, `llamacpp:kv_cache_usage_ratio`; needs
 * `--metrics`).
 */
export function llamaCppProbe(o: HttpProbeOptions & { readonly baseURL: string }): ModelProbe {
  const base = trimSlash(o.baseURL);
  return {
    ...options(o),
    read: async (signal) => {
      const load: { -readonly [K in keyof ServerLoad]: ServerLoad[K] } = {};
      const slots: unknown = JSON.parse(await get(`${base}/slots`, o, signal));
      if (Array.isArray(slots)) {
        load.running = slots.filter(
          (s) =>
            typeof s === 'object' &&
            s !== null &&
            ((s as { is_processing?: unknown }).is_processing === true ||
              (s as { state?: unknown }).state === 1),
        ).length;
      }
      try {
        const m = parsePrometheusText(await get(`${base}/metrics`, o, signal));
        const deferred = m.get('llamacpp:requests_deferred');
        const kv = m.get('llamacpp:kv_cache_usage_ratio');
        if (deferred !== undefined) load.waiting = deferred;
        if (kv !== undefined) load.kvCacheUsage = kv;
      } catch {
        // A server started without --metrics: the slots are enough.
      }
      return load;
    },
  };
}

/** A JSON endpoint of your own, mapped to a {@link ServerLoad} by `map`. */
export function jsonProbe(
  o: HttpProbeOptions & { readonly url: string; readonly map: (json: unknown) => ServerLoad },
): ModelProbe {
  return { ...options(o), read: async (signal) => o.map(JSON.parse(await get(o.url, o, signal))) };
}

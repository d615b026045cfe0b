/**
 * What a model's server reports of its own load. Every field is optional: a probe fills in what
 * its server exposes (vLLM's `/metrics`, llama.cpp's `/slots`, a JSON endpoint of your own).
 */
export interface ServerLoad {
  /** Requests running on the server now (all its clients, not only this router's). */
  readonly running?: number;
  /** Requests queued on the server now. */
  readonly waiting?: number;
  /** KV-cache usage, 0..1. */
  readonly kvCacheUsage?: number;
  /** Memory usage, 0..1 (resident memory over its limit). */
  readonly memoryUsage?: number;
  /** CPU busy, in cores (e.g. the rate of `process_cpu_seconds_total`). */
  readonly cpuCores?: number;
}

/** From which server readings a model counts as busy (any one reached is enough). */
export interface SpillAt {
  /** Requests queued on the server. */
  readonly waiting?: number;
  /** KV-cache usage, 0..1. */
  readonly kvCacheUsage?: number;
  /** Memory usage, 0..1. */
  readonly memoryUsage?: number;
}

/**
 * A model's load probe: `read()` is polled every `intervalMs` on the router's clock. A reading that
 * reaches a `spillAt` threshold makes the model count as busy (not free) even when the router
 * itself sent it little, as happens when other clients share the server: new requests go to other
 * models, and requests waiting for it bind to it again once a reading is under the thresholds. A
 * read that throws, rejects, returns garbage or outlasts `timeoutMs` counts as unknown (the model
 * is judged by the router's own counts) and never blocks routing.
 *
 * @example
 * { read: async (signal) => ({ waiting: await queueDepth(signal) }), intervalMs: 2000, spillAt: { waiting: 8 } }
 */
export interface ModelProbe {
  /** Reads the server's load; `signal` aborts when the read outlasts `timeoutMs`. */
  readonly read: (signal: AbortSignal) => ServerLoad | Promise<ServerLoad>;
  /**
   * How often to read, in milliseconds (>= 10).
   * @default 5000
   */
  readonly intervalMs?: number;
  /**
   * How long a read may take, in milliseconds (>= 1); past it, the load is unknown.
   * @default 1000
   */
  readonly timeoutMs?: number;
  /**
   * From which readings the model counts as busy. Without it, readings are shown in
   * `snapshot()` and `explain()` but do not change routing.
   */
  readonly spillAt?: SpillAt;
}

/** The last probe reading of a model, as the router holds it. */
export interface ProbeReading {
  /** What the server reported; `undefined` when the last read failed or none came yet. */
  readonly load: ServerLoad | undefined;
  /** When the reading was taken, in ms on the router's clock (NaN before the first). */
  readonly at: number;
  /** Why the last read gave no load (a thrown error, a timeout, a bad value). */
  readonly error: string | undefined;
  /** Whether the reading reaches a `spillAt` threshold. */
  readonly busy: boolean;
}

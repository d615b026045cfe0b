/**
 * Plain data shared by the simulator's parts: the requests a workload or trace produces, the
 * responses a simulated model gives, and the per-request outcomes reports are computed from.
 * All times are virtual milliseconds.
 */

/** One simulated request: its arrival time and the task profile the router will see. */
export interface SimRequest {
  /** Unique id; workloads and traces number requests 0, 1, 2… in arrival order. */
  readonly id: number;
  /** Arrival time in milliseconds from the start of the run. */
  readonly t: number;
  /** Task type, e.g. `'code'`. */
  readonly type: string;
  /** Complexity from 0 (trivial) to 1 (hardest). */
  readonly complexity: number;
  /** Tokens, prompt plus output (what the router counts against token budgets). */
  readonly tokens: number;
  /** Output (generated) tokens, part of `tokens`, when known. */
  readonly outputTokens?: number;
  /** Admission priority: higher runs first among waiting requests. */
  readonly priority: number;
}

/** What a simulated model call resolves with. */
export interface SimResponse {
  /** The request id. */
  readonly id: number;
  /** The model that served it. */
  readonly model: string;
  /** Virtual time the call started, in milliseconds. */
  readonly start: number;
  /** Virtual time the call ended, in milliseconds. */
  readonly end: number;
  /** Service time (`end - start`), in milliseconds. */
  readonly serviceMs: number;
}

/** What happened to one request in a simulation run (pooled reference or router). */
export interface SimOutcome {
  /** The request id. */
  readonly id: number;
  /** The task type. */
  readonly type: string;
  /** Arrival time in milliseconds. */
  readonly t: number;
  /** The model that served it last, or `null` when no model ever ran it. */
  readonly model: string | null;
  /** Time its (last) call started, in milliseconds (the arrival time when it never ran). */
  readonly start: number;
  /** Time it settled, in milliseconds. */
  readonly end: number;
  /** `end - t`, in milliseconds. */
  readonly latency: number;
  /** `start - t`: time spent waiting before the call started, in milliseconds. */
  readonly queued: number;
  /** Whether it succeeded. */
  readonly ok: boolean;
  /** Why it failed (an error code such as `'MODEL_FAILED'` or `'NO_CAPABLE_MODEL'`), when `!ok`. */
  readonly error?: string;
}

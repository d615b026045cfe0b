import { healthOptionProblems } from '../../health/HealthMonitor.js';
import type { ModelProbe, SpillAt } from '../../probe/ModelProbe.js';
import type { TaskProfile, TaskType } from '../../types.js';
import { describeValue, unknownKeyProblems } from '../../utils/options.js';
import type { ModelConfig, StreamOptions, ZetaRouterOptions } from '../options.js';

/** A model config with every default applied. */
export interface NormalizedModel<Req, Res> {
  readonly id: string;
  readonly call: ModelConfig<Req, Res>['call'];
  readonly tasks: ReadonlySet<TaskType>;
  readonly home: ReadonlySet<TaskType>;
  readonly maxComplexity: number;
  readonly concurrency: number;
  readonly maxTokens: number;
  readonly maxQueue: number;
  readonly cost: number;
  readonly rateLimit: { readonly requests: number; readonly intervalMs: number } | undefined;
  readonly latencyPriorMs: number | Readonly<Partial<Record<TaskType, number>>> | undefined;
  readonly probe: NormalizedProbe | undefined;
  readonly stream: ModelConfig<Req, Res>['stream'];
  readonly usage: ((result: unknown) => unknown) | undefined;
}

/** A model's probe with its defaults applied (read once). */
export interface NormalizedProbe {
  readonly read: ModelProbe['read'];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly spillAt: SpillAt | undefined;
}

export const modelKeys = new Set<string>([
  'id',
  'call',
  'tasks',
  'home',
  'maxComplexity',
  'concurrency',
  'maxTokens',
  'maxQueue',
  'cost',
  'rateLimit',
  'latencyPriorMs',
  'probe',
  'stream',
  'usage',
] satisfies (keyof ModelConfig<unknown, unknown>)[]);

export const routerKeys = new Set<string>([
  'models',
  'classifier',
  'strategy',
  'tracker',
  'capacity',
  'maxWaiting',
  'maxAttempts',
  'timeoutMs',
  'abortGraceMs',
  'sampleSize',
  'health',
  'clock',
  'random',
  'experiments',
] satisfies (keyof ZetaRouterOptions<unknown, unknown>)[]);

/** Timers longer than this (2^31 - 1 ms, about 24.8 days) fire at once in Node: refuse them. */
export const MAX_TIMEOUT_MS = 2_147_483_647;
const isTimeout = (v: unknown): v is number =>
  typeof v === 'number' && v >= 1 && v <= MAX_TIMEOUT_MS;
export const runKeys = new Set<string>([
  'task',
  'signal',
  'timeoutMs',
  'priority',
  'experimentKey',
  'experiment',
  'callIfNoStream',
] satisfies (keyof StreamOptions)[]);

const isPosInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isNonNegInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isUnit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
const isTaskList = (v: unknown): v is readonly string[] =>
  Array.isArray(v) && v.every((t) => typeof t === 'string' && t.length > 0);

/** Problems with one model config; empty when valid. `where` names it in messages. */
export function modelProblems(cfg: unknown, where: string): string[] {
  if (typeof cfg !== 'object' || cfg === null)
    return [`${where} must be an object, got ${describeValue(cfg)}`];
  const m = cfg as Record<string, unknown>;
  const p: string[] = [];
  for (const key of Object.keys(m)) {
    if (!modelKeys.has(key))
      p.push(`${where} has unknown option \`${key}\` (known: ${[...modelKeys].join(', ')})`);
  }
  if (typeof m.id !== 'string' || m.id.length === 0)
    p.push(`${where}.id must be a non-empty string, got ${describeValue(m.id)}`);
  if (typeof m.call !== 'function')
    p.push(
      `${where}.call must be a function (req, ctx) => Promise<result>, got ${describeValue(m.call)}`,
    );
  if (!isTaskList(m.tasks) || m.tasks.length === 0) {
    p.push(
      `${where}.tasks must be a non-empty array of task type strings, e.g. ['simple', 'code'], got ${describeValue(m.tasks)}`,
    );
  }
  if (m.home !== undefined) {
    if (!isTaskList(m.home))
      p.push(`${where}.home must be an array of task type strings, got ${describeValue(m.home)}`);
    else if (isTaskList(m.tasks)) {
      for (const h of m.home) {
        if (!m.tasks.includes(h))
          p.push(
            `${where}.home lists '${h}', which is not in its tasks: add it to tasks or remove it from home`,
          );
      }
    }
  }
  if (m.maxComplexity !== undefined && !isUnit(m.maxComplexity)) {
    p.push(
      `${where}.maxComplexity must be a number from 0 to 1, got ${describeValue(m.maxComplexity)}`,
    );
  }
  if (m.concurrency !== undefined && !isPosInt(m.concurrency)) {
    p.push(`${where}.concurrency must be an integer >= 1, got ${describeValue(m.concurrency)}`);
  }
  if (m.maxTokens !== undefined && !(typeof m.maxTokens === 'number' && m.maxTokens > 0)) {
    p.push(
      `${where}.maxTokens must be a number > 0 (omit it for no token budget), got ${describeValue(m.maxTokens)}`,
    );
  }
  if (m.maxQueue !== undefined && !isNonNegInt(m.maxQueue)) {
    p.push(`${where}.maxQueue must be an integer >= 0, got ${describeValue(m.maxQueue)}`);
  }
  if (
    m.cost !== undefined &&
    !(typeof m.cost === 'number' && m.cost >= 0 && Number.isFinite(m.cost))
  ) {
    p.push(`${where}.cost must be a finite number >= 0, got ${describeValue(m.cost)}`);
  }
  if (m.rateLimit !== undefined) {
    const r = m.rateLimit as Record<string, unknown> | null;
    if (
      typeof r !== 'object' ||
      r === null ||
      !isPosInt(r.requests) ||
      !(typeof r.intervalMs === 'number' && r.intervalMs > 0 && Number.isFinite(r.intervalMs))
    ) {
      p.push(
        `${where}.rateLimit must be { requests: integer >= 1, intervalMs: finite number > 0 }, e.g. { requests: 60, intervalMs: 60000 }, got ${describeValue(m.rateLimit)}`,
      );
    }
  }
  const prior = m.latencyPriorMs;
  const okPrior = (v: unknown): boolean => typeof v === 'number' && v > 0 && Number.isFinite(v);
  if (prior !== undefined) {
    const ok =
      okPrior(prior) ||
      (typeof prior === 'object' &&
        prior !== null &&
        !Array.isArray(prior) &&
        Object.values(prior).every(okPrior));
    if (!ok)
      p.push(
        `${where}.latencyPriorMs must be a finite number > 0 or an object of them per task type, got ${describeValue(prior)}`,
      );
  }
  if (m.probe !== undefined) p.push(...probeProblems(m.probe, `${where}.probe`));
  if (m.stream !== undefined && typeof m.stream !== 'function')
    p.push(
      `${where}.stream must be a function (req, ctx) => AsyncIterable<chunk>, got ${describeValue(m.stream)}`,
    );
  if (m.usage !== undefined && typeof m.usage !== 'function')
    p.push(
      `${where}.usage must be a function (result) => ({ promptTokens, completionTokens }) or undefined, got ${describeValue(m.usage)}`,
    );
  return p;
}

const probeKeys = ['read', 'intervalMs', 'timeoutMs', 'spillAt'];
const spillKeys = ['waiting', 'kvCacheUsage', 'memoryUsage'];

/** Problems with a model's `probe`; empty when valid. */
function probeProblems(value: unknown, where: string): string[] {
  if (typeof value !== 'object' || value === null)
    return [
      `${where} must be { read(signal), intervalMs?, timeoutMs?, spillAt? }, got ${describeValue(value)}`,
    ];
  const o = value as Record<string, unknown>;
  const p = unknownKeyProblems(o, probeKeys, `${where}.`);
  if (typeof o['read'] !== 'function')
    p.push(
      `${where}.read must be a function (signal) => ServerLoad, got ${describeValue(o['read'])}`,
    );
  const interval = o['intervalMs'];
  if (
    interval !== undefined &&
    !(typeof interval === 'number' && interval >= 10 && interval <= MAX_TIMEOUT_MS)
  )
    p.push(
      `${where}.intervalMs must be a number from 10 to ${MAX_TIMEOUT_MS}, got ${describeValue(interval)}`,
    );
  const timeout = o['timeoutMs'];
  if (timeout !== undefined && !isTimeout(timeout))
    p.push(
      `${where}.timeoutMs must be a number from 1 to ${MAX_TIMEOUT_MS}, got ${describeValue(timeout)}`,
    );
  const spill = o['spillAt'];
  if (spill !== undefined) {
    if (typeof spill !== 'object' || spill === null) {
      p.push(
        `${where}.spillAt must be { waiting?, kvCacheUsage?, memoryUsage? }, got ${describeValue(spill)}`,
      );
    } else {
      const s = spill as Record<string, unknown>;
      p.push(...unknownKeyProblems(s, spillKeys, `${where}.spillAt.`));
      if (s['waiting'] !== undefined && !(typeof s['waiting'] === 'number' && s['waiting'] >= 0))
        p.push(
          `${where}.spillAt.waiting must be a number >= 0, got ${describeValue(s['waiting'])}`,
        );
      for (const key of ['kvCacheUsage', 'memoryUsage']) {
        const v = s[key];
        if (v !== undefined && !isUnit(v))
          p.push(`${where}.spillAt.${key} must be a number from 0 to 1, got ${describeValue(v)}`);
      }
    }
  }
  return p;
}

function normalizeProbe(probe: ModelProbe): NormalizedProbe {
  const spill = probe.spillAt;
  return {
    read: probe.read,
    intervalMs: probe.intervalMs ?? 5000,
    timeoutMs: probe.timeoutMs ?? 1000,
    spillAt: spill === undefined ? undefined : Object.freeze({ ...spill }),
  };
}

/** Applies a model's defaults; call after {@link modelProblems} found nothing. */
export function normalizeModel<Req, Res>(cfg: ModelConfig<Req, Res>): NormalizedModel<Req, Res> {
  const concurrency = cfg.concurrency ?? 1;
  return {
    id: cfg.id,
    call: cfg.call,
    tasks: new Set(cfg.tasks),
    home: new Set(cfg.home ?? []),
    maxComplexity: cfg.maxComplexity ?? 1,
    concurrency,
    maxTokens: cfg.maxTokens ?? Number.POSITIVE_INFINITY,
    maxQueue: cfg.maxQueue ?? 4 * concurrency,
    cost: cfg.cost ?? 1,
    rateLimit: cfg.rateLimit,
    latencyPriorMs: cfg.latencyPriorMs,
    probe: cfg.probe === undefined ? undefined : normalizeProbe(cfg.probe),
    stream: cfg.stream,
    usage: cfg.usage as ((result: unknown) => unknown) | undefined,
  };
}

/** Problems with the router options (models included); empty when valid. */
export function routerProblems(options: unknown): string[] {
  if (typeof options !== 'object' || options === null) {
    return [`options must be an object with a \`models\` array, got ${describeValue(options)}`];
  }
  const o = options as Record<string, unknown>;
  const p: string[] = [];
  for (const key of Object.keys(o)) {
    if (!routerKeys.has(key))
      p.push(`unknown option \`${key}\` (known: ${[...routerKeys].join(', ')})`);
  }
  if (!Array.isArray(o.models) || o.models.length === 0) {
    p.push(`\`models\` must be a non-empty array of model configs, got ${describeValue(o.models)}`);
  } else {
    const seen = new Set<string>();
    o.models.forEach((m: unknown, i: number) => {
      const id = (m as { id?: unknown } | null)?.id;
      p.push(...modelProblems(m, `models[${i}]${typeof id === 'string' ? ` ('${id}')` : ''}`));
      if (typeof id === 'string') {
        if (seen.has(id)) p.push(`models[${i}].id '${id}' is used twice: model ids must be unique`);
        seen.add(id);
      }
    });
  }
  if (o.classifier !== undefined && typeof o.classifier !== 'function') {
    p.push(
      `\`classifier\` must be a function (req) => TaskProfile, got ${describeValue(o.classifier)}`,
    );
  }
  if (o.strategy !== undefined) p.push(...strategyProblems(o.strategy, '`strategy`'));
  const t = o.tracker as Record<string, unknown> | undefined;
  if (t !== undefined) {
    const methods = [
      'recordArrival',
      'recordStart',
      'recordFinish',
      'latency',
      'modelStats',
      'arrivals',
      'snapshot',
      'removeModel',
    ];
    const missing = methods.filter((name) => typeof t?.[name] !== 'function');
    if (missing.length > 0)
      p.push(`\`tracker\` must implement LoadTracker; missing: ${missing.join(', ')}`);
  }
  const cap = o.capacity as Record<string, unknown> | undefined;
  if (cap !== undefined) {
    const missing = ['acquire', 'release', 'isFull', 'watch'].filter(
      (name) => typeof cap?.[name] !== 'function',
    );
    if (missing.length > 0)
      p.push(`\`capacity\` must implement CapacityCoordinator; missing: ${missing.join(', ')}`);
  }
  if (o.maxWaiting !== undefined && !isNonNegInt(o.maxWaiting))
    p.push(`\`maxWaiting\` must be an integer >= 0, got ${describeValue(o.maxWaiting)}`);
  if (o.maxAttempts !== undefined && !isPosInt(o.maxAttempts))
    p.push(`\`maxAttempts\` must be an integer >= 1, got ${describeValue(o.maxAttempts)}`);
  if (o.timeoutMs !== undefined && !isTimeout(o.timeoutMs)) {
    p.push(
      `\`timeoutMs\` must be a number from 1 to ${MAX_TIMEOUT_MS} (omit it for no timeout), got ${describeValue(o.timeoutMs)}`,
    );
  }
  if (
    o.abortGraceMs !== undefined &&
    !(typeof o.abortGraceMs === 'number' && o.abortGraceMs >= 0 && o.abortGraceMs <= 60_000)
  ) {
    p.push(
      `\`abortGraceMs\` must be a number from 0 to 60000, got ${describeValue(o.abortGraceMs)}`,
    );
  }
  if (o.sampleSize !== undefined && !(isPosInt(o.sampleSize) && o.sampleSize >= 2)) {
    p.push(`\`sampleSize\` must be an integer >= 2, got ${describeValue(o.sampleSize)}`);
  }
  if (o.health !== undefined && o.health !== false) {
    if (typeof o.health !== 'object' || o.health === null)
      p.push(`\`health\` must be an options object or false, got ${describeValue(o.health)}`);
    else p.push(...healthOptionProblems(o.health));
  }
  const c = o.clock as Record<string, unknown> | undefined;
  if (
    c !== undefined &&
    !(
      typeof c?.now === 'function' &&
      typeof c.setTimeout === 'function' &&
      typeof c.clearTimeout === 'function'
    )
  ) {
    p.push('`clock` must have now(), setTimeout(fn, ms) and clearTimeout(handle)');
  }
  if (o.random !== undefined && typeof o.random !== 'function')
    p.push(
      `\`random\` must be a function returning numbers in [0, 1), got ${describeValue(o.random)}`,
    );
  return p;
}

/** Problems with a `strategy` option (the router's or an experiment's); empty when valid. */
export function strategyProblems(s: unknown, where: string): string[] {
  if (s === 'static' || s === 'least-loaded' || s === 'adaptive') return [];
  if (typeof s === 'object' && s !== null && typeof (s as { rank?: unknown }).rank === 'function')
    return [];
  return [
    `${where} must be 'static', 'least-loaded', 'adaptive' or an object with a rank(input) method, got ${describeValue(s)}`,
  ];
}

/** Problems with a task profile from a classifier or a per-call `task`; empty when valid. */
export function taskProblems(value: unknown, where: string): string[] {
  if (typeof value !== 'object' || value === null)
    return [
      `${where} must be a task profile { type, complexity, tokens?, priority? }, got ${describeValue(value)}`,
    ];
  const t = value as Record<string, unknown>;
  const p: string[] = [];
  if (typeof t.type !== 'string' || t.type.length === 0)
    p.push(`${where}.type must be a non-empty string, got ${describeValue(t.type)}`);
  if (!(typeof t.complexity === 'number' && t.complexity >= 0 && t.complexity <= 1)) {
    p.push(`${where}.complexity must be a number from 0 to 1, got ${describeValue(t.complexity)}`);
  }
  if (
    t.tokens !== undefined &&
    !(typeof t.tokens === 'number' && t.tokens >= 0 && Number.isFinite(t.tokens))
  ) {
    p.push(`${where}.tokens must be a finite number >= 0, got ${describeValue(t.tokens)}`);
  }
  if (
    t.priority !== undefined &&
    !(typeof t.priority === 'number' && Number.isFinite(t.priority))
  ) {
    p.push(`${where}.priority must be a finite number, got ${describeValue(t.priority)}`);
  }
  return p;
}

/**
 * Problems with per-call options; empty when valid. `callIfNoStream` is an option of `stream()`
 * only (`forStream`).
 */
export function runOptionProblems(opts: StreamOptions | undefined, forStream = false): string[] {
  if (opts === undefined) return [];
  if (typeof opts !== 'object' || opts === null)
    return [`run options must be an object, got ${describeValue(opts)}`];
  const p: string[] = [];
  if (opts.task !== undefined && typeof opts.task !== 'string')
    p.push(...taskProblems(opts.task, 'options.task'));
  if (typeof opts.task === 'string' && opts.task.length === 0)
    p.push('options.task must be a non-empty task type');
  if (opts.timeoutMs !== undefined && !isTimeout(opts.timeoutMs)) {
    p.push(
      `options.timeoutMs must be a number from 1 to ${MAX_TIMEOUT_MS} (omit it for no timeout), got ${describeValue(opts.timeoutMs)}`,
    );
  }
  for (const key of Object.keys(opts)) {
    if (!runKeys.has(key)) {
      const known = forStream ? [...runKeys] : [...runKeys].filter((k) => k !== 'callIfNoStream');
      p.push(`unknown run option \`${key}\` (known: ${known.join(', ')})`);
    }
  }
  if (!forStream && opts.callIfNoStream !== undefined)
    p.push('options.callIfNoStream is an option of router.stream() only: remove it here');
  if (
    opts.priority !== undefined &&
    !(typeof opts.priority === 'number' && Number.isFinite(opts.priority))
  ) {
    p.push(`options.priority must be a finite number, got ${describeValue(opts.priority)}`);
  }
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal))
    p.push(`options.signal must be an AbortSignal, got ${describeValue(opts.signal)}`);
  if (opts.experimentKey !== undefined && typeof opts.experimentKey !== 'string')
    p.push(
      `options.experimentKey must be a string (e.g. a user or session id), got ${describeValue(opts.experimentKey)}`,
    );
  if (
    opts.experiment !== undefined &&
    !(typeof opts.experiment === 'string' && opts.experiment.length > 0)
  )
    p.push(
      `options.experiment must be the name of an arm ('control' or an experiment's name), got ${describeValue(opts.experiment)}`,
    );
  if (forStream && opts.callIfNoStream !== undefined && typeof opts.callIfNoStream !== 'boolean')
    p.push(`options.callIfNoStream must be a boolean, got ${describeValue(opts.callIfNoStream)}`);
  return p;
}

/** Turns a per-call `task` type into a profile: complexity 0 (no model excluded for difficulty), no token estimate. */
export function profileFromType(type: TaskType): TaskProfile {
  let profile = typeProfiles.get(type);
  if (profile === undefined) {
    profile = Object.freeze({ type, complexity: 0 });
    if (typeProfiles.size < 1000) typeProfiles.set(type, profile);
  }
  return profile;
}

/** Frozen profiles of per-call task types, shared (bounded: task types are caller-chosen). */
const typeProfiles = new Map<TaskType, TaskProfile>();

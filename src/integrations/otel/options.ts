import type { Meter, Tracer } from '@opentelemetry/api';
import type { TaskProfile, TokenUsage } from '../../index.js';
import { describeValue, throwIfProblems, unknownKeyProblems } from '../../utils/options.js';

/** Options of {@link createOtelTracing} and {@link instrumentRouter}. */
export interface OtelOptions {
  /**
   * The tracer spans are made with.
   * @default `trace.getTracer('zeta-router')` (the global tracer provider; a no-op until the app registers one)
   */
  readonly tracer?: Tracer;
  /**
   * The meter the GenAI duration and token usage histograms are made with.
   * @default `metrics.getMeter('zeta-router')` (the global meter provider)
   */
  readonly meter?: Meter;
  /**
   * `gen_ai.provider.name` on every span and measurement, e.g. `'openai'` or `'vllm'`. Omit when
   * the models are of several providers.
   */
  readonly providerName?: string;
  /**
   * `gen_ai.operation.name` of a request, by its task profile.
   * @default `'embeddings'` for the task type `embedding`, `'chat'` otherwise
   */
  readonly operationName?: string | ((task: TaskProfile) => string);
  /**
   * Reads the token usage from a model call's result, for `gen_ai.usage.*` and the token usage
   * histogram; used by {@link OtelTracing.wrapCall}. Not needed for models that report their usage
   * to the router (a model's `usage`, `ctx.reportUsage`: `openaiModel` and `aiSdkModel` do), whose
   * figures are used and win. Without either, usage stays unset: the router never guesses.
   * @example (res) => {
   *   const u = (res as { usage?: { prompt_tokens: number; completion_tokens: number } }).usage;
   *   return u && { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
   * }
   */
  readonly usage?: (result: unknown) => Partial<TokenUsage> | undefined;
}

/** {@link OtelOptions} as read: each read once, the operation name a function. */
export interface ResolvedOtelOptions {
  readonly tracer: Tracer | undefined;
  readonly meter: Meter | undefined;
  readonly providerName: string | undefined;
  readonly operationName: (task: TaskProfile) => string;
  readonly usage: ((result: unknown) => Partial<TokenUsage> | undefined) | undefined;
}

const keys = [
  'tracer',
  'meter',
  'providerName',
  'operationName',
  'usage',
] as const satisfies readonly (keyof OtelOptions)[];

const defaultOperationName = (task: TaskProfile): string =>
  task.type === 'embedding' ? 'embeddings' : 'chat';

/** Reads and checks the options; throws `ZetaError` `CONFIG_INVALID` listing every problem. */
export function readOtelOptions(options: unknown): ResolvedOtelOptions {
  const subject = 'OpenTelemetry options';
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) {
    throwIfProblems(subject, [
      `options must be an object or undefined, got ${describeValue(options)}`,
    ]);
  }
  const o = options as Record<string, unknown>;
  const problems = unknownKeyProblems(o, keys);
  const tracer = o['tracer'];
  const meter = o['meter'];
  const providerName = o['providerName'];
  const operationName = o['operationName'];
  const usage = o['usage'];
  const has = (value: unknown, method: string): boolean =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[method] === 'function';
  if (tracer !== undefined && !has(tracer, 'startSpan')) {
    problems.push(`\`tracer\` must be an OpenTelemetry Tracer, got ${describeValue(tracer)}`);
  }
  if (meter !== undefined && !has(meter, 'createHistogram')) {
    problems.push(`\`meter\` must be an OpenTelemetry Meter, got ${describeValue(meter)}`);
  }
  if (providerName !== undefined && (typeof providerName !== 'string' || providerName === '')) {
    problems.push(
      `\`providerName\` must be a non-empty string, got ${describeValue(providerName)}`,
    );
  }
  if (
    operationName !== undefined &&
    typeof operationName !== 'function' &&
    (typeof operationName !== 'string' || operationName === '')
  ) {
    problems.push(
      `\`operationName\` must be a non-empty string or a function of the task profile, got ${describeValue(operationName)}`,
    );
  }
  if (usage !== undefined && typeof usage !== 'function') {
    problems.push(`\`usage\` must be a function of a call's result, got ${describeValue(usage)}`);
  }
  throwIfProblems(subject, problems);
  let name: (task: TaskProfile) => string = defaultOperationName;
  if (typeof operationName === 'string') name = () => operationName;
  else if (typeof operationName === 'function') {
    const fn = operationName as (task: TaskProfile) => unknown;
    // A throwing or non-string answer falls back to the default: tracing never breaks routing.
    name = (task) => {
      try {
        const value = fn(task);
        return typeof value === 'string' && value !== '' ? value : defaultOperationName(task);
      } catch {
        return defaultOperationName(task);
      }
    };
  }
  return {
    tracer: tracer as Tracer | undefined,
    meter: meter as Meter | undefined,
    providerName: providerName as string | undefined,
    operationName: name,
    usage: usage as ResolvedOtelOptions['usage'],
  };
}

import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type {
  CallContext,
  CompleteEvent,
  DecisionEvent,
  DispatchEvent,
  FailEvent,
  RejectEvent,
  TaskProfile,
  TokenUsage,
  UsageEvent,
} from '../../index.js';
import { configInvalid, describeValue } from '../../utils/options.js';
import { type ObservedRouter, subscribe } from '../internal/ObservedRouter.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  DURATION_BUCKETS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  TOKEN_BUCKETS,
  ZETA,
} from './conventions.js';
import { type OtelOptions, type ResolvedOtelOptions, readOtelOptions } from './options.js';

/** The instrumentation scope of the spans and instruments. */
export const INSTRUMENTATION_NAME = 'zeta-router';

/** A model client function, as `ModelConfig.call` takes it. */
export type ModelCall<Req, Res> = (req: Req, ctx: CallContext) => Promise<Res> | Res;

/** Tracing and GenAI metrics for one router; made by {@link createOtelTracing}. */
export interface OtelTracing {
  /**
   * Starts tracing `router`: one CLIENT span per `run()` and a child span per attempt, from the
   * router's events. One router per tracing.
   * @throws {ZetaError} `CONFIG_INVALID` when it already traces another router or `router` is not one.
   */
  instrument(router: ObservedRouter): this;
  /**
   * Wraps a model client so that it runs inside its attempt's span (the spans your HTTP or SDK
   * instrumentation makes become its children) and, with the `usage` option, reports the tokens
   * the model used (the usage the router gets from the model itself, e.g. an `openaiModel`'s,
   * is reported without it). Use it on `ModelConfig.call`; calls of requests this tracing does not know
   * run unchanged.
   * @example { id: 'coder-7b', call: tracing.wrapCall(callCoder), tasks: ['code'] }
   */
  wrapCall<Req, Res>(call: ModelCall<Req, Res>): (req: Req, ctx: CallContext) => Promise<Res>;
  /** Stops listening and ends the spans still open (as errors `zeta.detached`). Idempotent; also on the router's `close`. */
  detach(): void;
}

/** Token counts known of an attempt (a field left out when unknown). */
type Usage = Partial<TokenUsage>;

interface AttemptState {
  readonly span: Span;
  readonly n: number;
  usage?: Usage;
}

interface RunState {
  readonly span: Span;
  readonly ctx: Context;
  readonly started: number;
  readonly operation: string;
  requestModel?: string;
  attempt?: AttemptState | undefined;
}

/**
 * Makes a tracing whose `wrapCall` you can use while you build the router's models; then
 * `instrument(router)`. With no `tracer` or `meter`, the global providers are used.
 *
 * @example
 * const tracing = createOtelTracing({ providerName: 'vllm' });
 * const router = new ZetaDynamicRouter({ models: [{ id: 'coder-7b', call: tracing.wrapCall(callCoder), tasks: ['code'] }] });
 * tracing.instrument(router);
 * @throws {ZetaError} `CONFIG_INVALID` listing every problem with the options.
 */
export function createOtelTracing(options?: OtelOptions): OtelTracing {
  return new Tracing(readOtelOptions(options));
}

/**
 * Traces `router` with spans per run and attempt and the GenAI metrics: `createOtelTracing(options).instrument(router)`.
 * @throws {ZetaError} `CONFIG_INVALID` for bad options or a value that is not a router.
 */
export function instrumentRouter(router: ObservedRouter, options?: OtelOptions): OtelTracing {
  return createOtelTracing(options).instrument(router);
}

/** `error.type` of a thrown value: a ZetaError's code, an Error's name, else `_OTHER`. */
export function errorType(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      const e = error as { name?: unknown; code?: unknown };
      if (e.name === 'ZetaError' && typeof e.code === 'string') return e.code;
      if (error instanceof Error && typeof e.name === 'string' && e.name !== '') return e.name;
    }
  } catch {}
  return '_OTHER';
}

class Tracing implements OtelTracing {
  readonly #o: ResolvedOtelOptions;
  readonly #runs = new Map<number, RunState>();
  readonly #unsubscribe: Array<() => void> = [];
  #router: ObservedRouter | undefined;
  #tracer: Tracer | undefined;
  #duration: Histogram | undefined;
  #tokens: Histogram | undefined;

  constructor(o: ResolvedOtelOptions) {
    this.#o = o;
  }

  instrument(router: ObservedRouter): this {
    if (
      typeof router !== 'object' ||
      router === null ||
      typeof router.on !== 'function' ||
      typeof router.off !== 'function'
    ) {
      throw configInvalid('OpenTelemetry options', [
        `\`router\` must be a ZetaDynamicRouter, got ${describeValue(router)}`,
      ]);
    }
    if (this.#router === router) return this;
    if (this.#router !== undefined) {
      throw configInvalid('OpenTelemetry options', [
        'this tracing already traces another router (request ids would mix): make one per router',
      ]);
    }
    this.#router = router;
    this.#tracer = this.#o.tracer ?? trace.getTracer(INSTRUMENTATION_NAME);
    const meter = this.#o.meter ?? metrics.getMeter(INSTRUMENTATION_NAME);
    this.#duration = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration: one routed request, retries included.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.#tokens = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used, as the model reported them.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    const on = (event: string, fn: (payload: never) => void): void => {
      this.#unsubscribe.push(subscribe(router, event, fn));
    };
    on('decision', (e: DecisionEvent) => this.#onDecision(e));
    on('dispatch', (e: DispatchEvent) => this.#onDispatch(e));
    on('complete', (e: CompleteEvent) => this.#onComplete(e));
    on('fail', (e: FailEvent) => this.#onFail(e));
    on('reject', (e: RejectEvent) => this.#onReject(e));
    on('usage', (e: UsageEvent) => this.#onUsage(e));
    on('close', () => this.detach());
    return this;
  }

  wrapCall<Req, Res>(call: ModelCall<Req, Res>): (req: Req, ctx: CallContext) => Promise<Res> {
    if (typeof call !== 'function') {
      throw configInvalid('OpenTelemetry options', [
        `wrapCall needs a model call function, got ${describeValue(call)}`,
      ]);
    }
    return async (req, ctx) => {
      const run = this.#runs.get(ctx.requestId);
      const attempt = run?.attempt;
      const span = attempt?.span ?? run?.span;
      if (span === undefined) return call(req, ctx);
      const result = await context.with(trace.setSpan(context.active(), span), () =>
        call(req, ctx),
      );
      if (this.#o.usage !== undefined && attempt !== undefined) {
        const usage = this.#readUsage(result);
        if (usage !== undefined) {
          attempt.usage = usage;
          attempt.span.setAttributes(usageAttributes(usage));
        }
      }
      return result;
    };
  }

  detach(): void {
    for (const undo of this.#unsubscribe.splice(0)) undo();
    for (const run of this.#runs.values()) {
      this.#endAttempt(run, 'zeta.detached');
      run.span.setAttribute(ATTR_ERROR_TYPE, 'zeta.detached');
      run.span.setStatus({ code: SpanStatusCode.ERROR, message: 'tracing detached' });
      run.span.end();
    }
    this.#runs.clear();
  }

  #common(operation: string): Attributes {
    const a: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: operation };
    if (this.#o.providerName !== undefined) a[ATTR_GEN_AI_PROVIDER_NAME] = this.#o.providerName;
    return a;
  }

  #start(requestId: number, task: TaskProfile | undefined): RunState {
    const operation = task ? this.#o.operationName(task) : 'chat';
    const attributes: Attributes = { ...this.#common(operation), [ZETA.requestId]: requestId };
    if (task) {
      attributes[ZETA.taskType] = task.type;
      attributes[ZETA.complexity] = task.complexity;
      if (task.tokens !== undefined) attributes[ZETA.tokensEstimate] = task.tokens;
    }
    const parent = context.active();
    const span = this.#tracer!.startSpan(
      `${operation} zeta-router`,
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    const run: RunState = {
      span,
      ctx: trace.setSpan(parent, span),
      started: performance.now(),
      operation,
    };
    this.#runs.set(requestId, run);
    return run;
  }

  #onDecision(e: DecisionEvent): void {
    if (e.attempt !== 1 || this.#runs.has(e.requestId)) return;
    const run = this.#start(e.requestId, e.decision.task);
    run.span.setAttributes({
      [ZETA.strategy]: e.decision.strategy,
      [ZETA.binding]: e.decision.binding,
      [ZETA.ranking]: e.decision.ranking.map((c) => c.id),
    });
    const arm = e.decision.experiment;
    if (arm !== undefined) run.span.setAttribute(ZETA.experiment, arm);
  }

  #onDispatch(e: DispatchEvent): void {
    const run = this.#runs.get(e.requestId) ?? this.#start(e.requestId, e.task);
    this.#endAttempt(run, 'zeta.superseded');
    if (run.requestModel === undefined) {
      run.requestModel = e.model;
      run.span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, e.model);
    }
    run.span.setAttribute(ZETA.spilled, e.spilled);
    const span = this.#tracer!.startSpan(
      `${run.operation} ${e.model}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          ...this.#common(run.operation),
          [ATTR_GEN_AI_REQUEST_MODEL]: e.model,
          [ZETA.attempt]: e.attempt,
          [ZETA.spilled]: e.spilled,
          [ZETA.queueWaitMs]: e.queuedMs,
          [ZETA.binding]: e.decision.binding,
        },
      },
      run.ctx,
    );
    run.attempt = { span, n: e.attempt };
  }

  #onComplete(e: CompleteEvent): void {
    const run = this.#runs.get(e.requestId);
    if (run === undefined) return;
    this.#runs.delete(e.requestId);
    const usage = run.attempt?.n === e.attempts ? run.attempt.usage : undefined;
    if (run.attempt !== undefined) {
      run.attempt.span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, e.model);
      run.attempt.span.end();
      run.attempt = undefined;
    }
    run.span.setAttributes({
      [ATTR_GEN_AI_RESPONSE_MODEL]: e.model,
      [ZETA.attempts]: e.attempts,
      [ZETA.queueWaitMs]: e.queuedMs,
      [ZETA.latencyMs]: e.latencyMs,
      ...(usage ? usageAttributes(usage) : {}),
      ...(e.stream === undefined
        ? {}
        : { [ZETA.ttftMs]: e.stream.ttftMs, [ZETA.streamCancelled]: e.stream.cancelled }),
    });
    run.span.end();
    const attributes: Attributes = {
      ...this.#common(run.operation),
      [ATTR_GEN_AI_REQUEST_MODEL]: run.requestModel ?? e.model,
      [ATTR_GEN_AI_RESPONSE_MODEL]: e.model,
    };
    this.#duration!.record(e.totalMs / 1000, attributes);
    if (usage?.promptTokens !== undefined) {
      this.#tokens!.record(usage.promptTokens, {
        ...attributes,
        [ATTR_GEN_AI_TOKEN_TYPE]: 'input',
      });
    }
    if (usage?.completionTokens !== undefined) {
      this.#tokens!.record(usage.completionTokens, {
        ...attributes,
        [ATTR_GEN_AI_TOKEN_TYPE]: 'output',
      });
    }
  }

  /** The router's usage (a model's `usage` or `ctx.reportUsage`) wins over the `usage` option's reading. */
  #onUsage(e: UsageEvent): void {
    const attempt = this.#runs.get(e.requestId)?.attempt;
    if (attempt === undefined || attempt.n !== e.attempt) return;
    attempt.usage = e.usage;
    attempt.span.setAttributes(usageAttributes(attempt.usage));
  }

  #onFail(e: FailEvent): void {
    const run = this.#runs.get(e.requestId);
    const attempt = run?.attempt;
    if (run === undefined || attempt === undefined || attempt.n !== e.attempt) return;
    const type = errorType(e.error);
    attempt.span.setAttributes({ [ATTR_ERROR_TYPE]: type, [ZETA.willRetry]: e.willRetry });
    if (e.error instanceof Error) attempt.span.recordException(e.error);
    attempt.span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessage(e.error) });
    attempt.span.end();
    run.attempt = undefined;
  }

  #onReject(e: RejectEvent): void {
    const run = this.#runs.get(e.requestId) ?? this.#start(e.requestId, e.task);
    this.#runs.delete(e.requestId);
    const code = typeof e.error?.code === 'string' ? e.error.code : '_OTHER';
    this.#endAttempt(run, code);
    run.span.setAttribute(ATTR_ERROR_TYPE, code);
    run.span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessage(e.error) });
    run.span.end();
    const attributes: Attributes = { ...this.#common(run.operation), [ATTR_ERROR_TYPE]: code };
    if (run.requestModel !== undefined) attributes[ATTR_GEN_AI_REQUEST_MODEL] = run.requestModel;
    this.#duration!.record((performance.now() - run.started) / 1000, attributes);
  }

  /** Ends an attempt span the router will say nothing more of (its request settled or moved on). */
  #endAttempt(run: RunState, type: string): void {
    const attempt = run.attempt;
    if (attempt === undefined) return;
    attempt.span.setAttribute(ATTR_ERROR_TYPE, type);
    attempt.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    attempt.span.end();
    run.attempt = undefined;
  }

  #readUsage(result: unknown): Usage | undefined {
    try {
      const u = this.#o.usage!(result);
      if (typeof u !== 'object' || u === null) return undefined;
      const count = (v: unknown): number | undefined =>
        typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
      const promptTokens = count(u.promptTokens);
      const completionTokens = count(u.completionTokens);
      if (promptTokens === undefined && completionTokens === undefined) return undefined;
      return {
        ...(promptTokens === undefined ? {} : { promptTokens }),
        ...(completionTokens === undefined ? {} : { completionTokens }),
      };
    } catch {
      return undefined; // a throwing usage reader loses the usage, never the result
    }
  }
}

function usageAttributes(usage: Usage): Attributes {
  const a: Attributes = {};
  if (usage.promptTokens !== undefined) a[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.promptTokens;
  if (usage.completionTokens !== undefined)
    a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.completionTokens;
  return a;
}

/** A short message for a span status, never throwing. */
function statusMessage(error: unknown): string {
  try {
    if (error instanceof Error) return error.message.slice(0, 300);
    return describeValue(error);
  } catch {
    return 'an unreadable error';
  }
}

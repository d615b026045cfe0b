/**
 * Names from the OpenTelemetry semantic conventions for generative AI (gen_ai.*, status
 * "development") and the general `error.type`, copied here rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`, whose development names may change in any
 * release. Checked against `@opentelemetry/semantic-conventions` 1.45.0 (its incubating entry).
 */

/** The operation: `chat`, `text_completion`, `embeddings`, `generate_content`... */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** The provider, e.g. `openai`, when the app names it. */
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** The model a request was sent to. */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
/** The model that answered. */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
/** Tokens in the prompt, as the model reported them. */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** Tokens in the answer, as the model reported them. */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** `input` or `output`, on the token usage metric. */
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
/** The class of error an operation ended with (stable, low cardinality). */
export const ATTR_ERROR_TYPE = 'error.type';

/** Histogram of operation durations, in seconds. */
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** Histogram of tokens used per operation, split by `gen_ai.token.type`. */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';

/** The conventions' advised bucket boundaries of the duration histogram, in seconds. */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** The conventions' advised bucket boundaries of the token usage histogram. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** The router's own attributes, under `zeta.`. */
export const ZETA = {
  taskType: 'zeta.task.type',
  complexity: 'zeta.task.complexity',
  /** The task profile's token estimate (the classifier's guess, not a count). */
  tokensEstimate: 'zeta.task.tokens_estimate',
  strategy: 'zeta.decision.strategy',
  binding: 'zeta.decision.binding',
  /** Model ids as ranked by the strategy, best first. */
  ranking: 'zeta.decision.ranking',
  spilled: 'zeta.spilled',
  /** The live A/B arm of the request (with the router option `experiments`). */
  experiment: 'zeta.experiment',
  attempt: 'zeta.attempt',
  attempts: 'zeta.attempts',
  willRetry: 'zeta.will_retry',
  queueWaitMs: 'zeta.queue_wait_ms',
  latencyMs: 'zeta.latency_ms',
  requestId: 'zeta.request_id',
  /** A stream's time to its first chunk, in milliseconds (its span ends with the stream). */
  ttftMs: 'zeta.stream.ttft_ms',
  /** Whether a stream's consumer stopped it before its last chunk. */
  streamCancelled: 'zeta.stream.cancelled',
} as const;

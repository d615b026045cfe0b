// zeta-router/otel: OpenTelemetry spans per run and attempt, and the GenAI client metrics
// (@opentelemetry/api 1.x is an optional peer dependency; the core never imports this subpath).

// Tracing
export {
  createOtelTracing,
  errorType,
  INSTRUMENTATION_NAME,
  instrumentRouter,
} from './OtelTracing.js';
export type { ModelCall, OtelTracing } from './OtelTracing.js';
export type { ObservedRouter } from '../internal/ObservedRouter.js';

// Options
export type { OtelOptions } from './options.js';

// Semantic convention names (GenAI conventions are in development: copied, not imported)
export {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  ZETA,
} from './conventions.js';

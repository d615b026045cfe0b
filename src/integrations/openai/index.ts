// zeta-router/openai: models behind OpenAI-compatible servers (OpenAI, vLLM, llama.cpp, Ollama)
// through the official `openai` client (openai 7 is an optional peer dependency; the core never
// imports this subpath).

// Models
export { openaiModel } from './openaiModel.js';
export type { OpenAIChatModel, OpenAIEmbeddingModel } from './openaiModel.js';

// Options and request shapes
export type {
  OpenAIChatModelOptions,
  OpenAIChatParams,
  OpenAIChatRequest,
  OpenAIEmbeddingModelOptions,
  OpenAIEmbeddingParams,
  OpenAIEmbeddingRequest,
  OpenAIModelBaseOptions,
  OpenAIModelOptions,
  OpenAIRoutingOptions,
} from './options.js';

// Failures
export { parseRetryAfter, toModelCallError } from './callError.js';

// Not exported: readOpenAIModelOptions (the validation behind openaiModel). ModelCallError and
// isModelCallError come from 'zeta-router' (the entry points share one copy of the class).

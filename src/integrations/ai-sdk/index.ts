// zeta-router/ai-sdk: the router as an AI SDK model (`generateText`, `streamText`, `embedMany`
// from `ai`), over the AI SDK models the app already has. `@ai-sdk/provider` 4 is an optional peer
// dependency used for its types only; the core never imports this subpath.

import { installRouterMethods } from './methods.js';

// router.languageModel() and router.embeddingModel(): installed on ZetaDynamicRouter when this
// subpath loads (package.json lists its files under sideEffects, so bundlers keep a bare import).
installRouterMethods();
export type { AiSdkRouterMethods } from './methods.js';

// The router as an AI SDK model
export { embeddingModel, languageModel } from './routerModels.js';
export type { EmbeddingRouter, LanguageRouter, ZetaProviderMetadata } from './routerModels.js';

// AI SDK models as router models
export { aiSdkEmbeddingModel, aiSdkModel } from './aiSdkModel.js';
export type { AiSdkEmbeddingModelConfig, AiSdkLanguageModelConfig } from './aiSdkModel.js';

// Options and request shapes
export type {
  AiSdkEmbeddingModelOptions,
  AiSdkEmbeddingRequest,
  AiSdkLanguageRequest,
  AiSdkModelOptions,
  AiSdkRoutingOptions,
  RouterModelOptions,
  ZetaProviderOptions,
} from './options.js';

// Failures
export { fromAiSdkError, toAiSdkError } from './callError.js';

// Not exported: readAiSdkModelOptions, readRouterModelOptions (the validation behind the
// factories) and the stream replay of internal/. ModelCallError and isModelCallError come from
// 'zeta-router'.

import type { EmbeddingModelV4, LanguageModelV4 } from '@ai-sdk/provider';
import type { AnyModelConfig, ModelConfig } from '../../router/options.js';
import { ZetaDynamicRouter } from '../../router/ZetaDynamicRouter.js';
import type { RouterModelOptions } from './options.js';
import {
  type EmbeddingRouter,
  embeddingModel,
  type LanguageRouter,
  languageModel,
} from './routerModels.js';

/**
 * The methods `zeta-router/ai-sdk` adds to every `ZetaDynamicRouter` when it loads:
 * `generateText({ model: router.languageModel() })`, `embedMany({ model: router.embeddingModel() })`.
 * A router whose models do not take AI SDK requests (e.g. made by `aiSdkModel`) does not type-check
 * as `this`.
 */
export interface AiSdkRouterMethods {
  /**
   * The router as an AI SDK `LanguageModelV4`; the same as `languageModel(router, options)`.
   * @throws ZetaError `CONFIG_INVALID` listing every problem with `options`.
   */
  languageModel(this: LanguageRouter, options?: RouterModelOptions): LanguageModelV4;
  /**
   * The router as an AI SDK `EmbeddingModelV4`; the same as `embeddingModel(router, options)`.
   * @throws ZetaError `CONFIG_INVALID` listing every problem with `options`.
   */
  embeddingModel(this: EmbeddingRouter, options?: RouterModelOptions): EmbeddingModelV4;
}

// The package's own name, so the built types augment the class apps import (the d.ts keeps the
// string as written); tsconfig.json maps it to src/index.ts for the repository's own checks.
declare module 'zeta-router' {
  interface ZetaDynamicRouter<
    Req = unknown,
    Res = unknown,
    M extends AnyModelConfig = ModelConfig<Req, Res>,
  > extends AiSdkRouterMethods {}
}

const methods: AiSdkRouterMethods = {
  languageModel(options) {
    return languageModel(this, options);
  },
  embeddingModel(options) {
    return embeddingModel(this, options);
  },
};

/**
 * Installs {@link AiSdkRouterMethods} on `ZetaDynamicRouter.prototype` (the package's one class:
 * its entry points share it, as the build splits shared code into chunks), not enumerable.
 * Idempotent; the `zeta-router/ai-sdk` entry calls it when it loads.
 */
export function installRouterMethods(): void {
  for (const [name, value] of Object.entries(methods))
    Object.defineProperty(ZetaDynamicRouter.prototype, name, {
      value,
      writable: true,
      configurable: true,
    });
}

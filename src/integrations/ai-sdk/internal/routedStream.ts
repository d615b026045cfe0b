import type {
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import type { RouterStream, StreamInfo } from '../../../router/results.js';

/** Throws when a served model's chunk is not an AI SDK stream part (a fleet mixing kinds under one task). */
function expectPart(chunk: unknown, model: string): LanguageModelV4StreamPart {
  if (
    typeof chunk !== 'object' ||
    chunk === null ||
    typeof (chunk as { type?: unknown }).type !== 'string'
  ) {
    throw new TypeError(
      `zeta-router: model '${model}' streamed a chunk that is not an AI SDK stream part; give AI SDK models and others different task types`,
    );
  }
  return chunk as LanguageModelV4StreamPart;
}

/**
 * The AI SDK stream of a started router stream (its first chunk already read): each part as the
 * served model sends it, the served model in the response metadata (`modelId`, when the model
 * gave none) and `providerMetadata.zeta` on the `finish` part; a router stream that fails (or
 * a chunk that is not a stream part) ends it with an `error` part. Cancelling it stops the router
 * stream, which frees the model's slot at once.
 */
export function routedStream(
  stream: RouterStream<unknown>,
  first: IteratorResult<unknown>,
  zeta: (info: StreamInfo) => SharedV4ProviderMetadata[string],
): LanguageModelV4StreamResult {
  const info = stream.info;
  const model = info?.model ?? 'zeta-router';
  let metadata = false;
  const emit = (
    controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>,
    chunk: unknown,
  ): void => {
    let part = expectPart(chunk, model);
    if (part.type === 'response-metadata') {
      metadata = true;
      if (part.modelId === undefined) part = { ...part, modelId: model };
    } else if (!metadata && part.type !== 'stream-start') {
      metadata = true;
      controller.enqueue({ type: 'response-metadata', modelId: model });
    }
    if (part.type === 'finish' && info !== undefined)
      part = { ...part, providerMetadata: { ...part.providerMetadata, zeta: zeta(info) } };
    controller.enqueue(part);
  };
  /** Ends the AI SDK stream with an `error` part, as providers do (the router stream has ended). */
  const end = (
    controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>,
    error: unknown,
  ): void => {
    controller.enqueue({ type: 'error', error });
    controller.close();
  };
  const fail = (
    controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>,
    error: unknown,
  ): void => {
    // A part it cannot pass on: stop the router stream too (its slot is freed).
    void Promise.resolve(stream.return?.()).catch(() => undefined);
    end(controller, error);
  };
  return {
    stream: new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        try {
          if (first.done) controller.close();
          else emit(controller, first.value);
        } catch (error) {
          fail(controller, error);
        }
      },
      async pull(controller) {
        let step: IteratorResult<unknown>;
        try {
          step = await stream.next();
        } catch (error) {
          end(controller, error); // the router stream has ended (MODEL_FAILED, ABORTED)
          return;
        }
        try {
          if (step.done) controller.close();
          else emit(controller, step.value);
        } catch (error) {
          fail(controller, error);
        }
      },
      async cancel() {
        await stream.return?.();
      },
    }),
  };
}

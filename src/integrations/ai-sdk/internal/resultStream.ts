import type { LanguageModelV4GenerateResult, LanguageModelV4StreamPart } from '@ai-sdk/provider';

/**
 * The parts of a stream that replays a finished generate result: `stream-start`, the response
 * metadata, each content part (text and reasoning as start / one delta / end), then `finish`.
 * Not incremental: everything arrives at once, after the whole answer is generated.
 */
export function resultParts(result: LanguageModelV4GenerateResult): LanguageModelV4StreamPart[] {
  const parts: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings: result.warnings }];
  const response = result.response;
  if (response !== undefined) {
    parts.push({
      type: 'response-metadata',
      ...(response.id === undefined ? {} : { id: response.id }),
      ...(response.timestamp === undefined ? {} : { timestamp: response.timestamp }),
      ...(response.modelId === undefined ? {} : { modelId: response.modelId }),
    });
  }
  result.content.forEach((part, index) => {
    const id = String(index);
    const meta =
      part.providerMetadata === undefined ? {} : { providerMetadata: part.providerMetadata };
    if (part.type === 'text') {
      parts.push({ type: 'text-start', id, ...meta });
      parts.push({ type: 'text-delta', id, delta: part.text });
      parts.push({
        type: 'text-end',
        id,
        ...(part.citations === undefined ? {} : { citations: part.citations }),
        ...meta,
      });
    } else if (part.type === 'reasoning') {
      parts.push({ type: 'reasoning-start', id, ...meta });
      parts.push({ type: 'reasoning-delta', id, delta: part.text });
      parts.push({ type: 'reasoning-end', id, ...meta });
    } else {
      parts.push(part);
    }
  });
  parts.push({
    type: 'finish',
    usage: result.usage,
    finishReason: result.finishReason,
    ...(result.providerMetadata === undefined ? {} : { providerMetadata: result.providerMetadata }),
  });
  return parts;
}

/** A stream of {@link resultParts}. */
export function resultStream(
  result: LanguageModelV4GenerateResult,
): ReadableStream<LanguageModelV4StreamPart> {
  const parts = resultParts(result);
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

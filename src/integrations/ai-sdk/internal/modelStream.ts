import type { LanguageModelV4StreamPart, LanguageModelV4StreamResult } from '@ai-sdk/provider';
import type { CallContext } from '../../../router/options.js';
import { fromAiSdkError } from '../callError.js';
import { languageUsage } from './usage.js';

/**
 * Parts a model sends before its first token. They are held back until the first other part, so
 * the router's first chunk is the first token: until then the call may still fail over, and the
 * time to first token is what it says.
 */
const BEFORE_FIRST_TOKEN = new Set<LanguageModelV4StreamPart['type']>([
  'stream-start',
  'response-metadata',
  'text-start',
  'reasoning-start',
  'tool-input-start',
  'ping',
  'raw',
]);

/**
 * The parts of an AI SDK model's `doStream` result as a router stream: an `error` part or a
 * broken stream is thrown (as `fromAiSdkError` reads it, so the router fails over before the first
 * token and ends the stream with `MODEL_FAILED` after it), the `finish` part's usage goes to
 * `ctx.reportUsage`, and the response metadata carries `modelId` when the model gave none (as
 * `aiSdkModel`'s call does). Stopping early cancels the model's stream.
 */
export async function* modelStreamParts(
  result: LanguageModelV4StreamResult,
  ctx: CallContext,
  id: string,
  modelId: string,
): AsyncGenerator<LanguageModelV4StreamPart> {
  const reader = result.stream.getReader();
  let held: LanguageModelV4StreamPart[] | undefined = [];
  let metadata = false;
  /** The held parts, with the model's id in response metadata if none came (as for a call). */
  const release = (parts: LanguageModelV4StreamPart[]): LanguageModelV4StreamPart[] => {
    if (metadata) return parts;
    const at = parts[0]?.type === 'stream-start' ? 1 : 0;
    return [...parts.slice(0, at), { type: 'response-metadata', modelId }, ...parts.slice(at)];
  };
  try {
    for (;;) {
      let step: ReadableStreamReadResult<LanguageModelV4StreamPart>;
      try {
        step = await reader.read();
      } catch (error) {
        throw fromAiSdkError(error, ctx.signal, id);
      }
      if (step.done) break;
      let part = step.value;
      if (part.type === 'error') throw fromAiSdkError(part.error, ctx.signal, id);
      if (part.type === 'response-metadata') {
        metadata = true;
        if (part.modelId === undefined) part = { ...part, modelId };
      }
      if (part.type === 'finish') {
        const usage = languageUsage(part.usage);
        if (usage !== undefined) ctx.reportUsage(usage);
      }
      if (held === undefined) yield part;
      else {
        held.push(part);
        if (BEFORE_FIRST_TOKEN.has(part.type)) continue;
        const parts = release(held);
        held = undefined;
        for (const p of parts) yield p;
      }
    }
    if (held !== undefined) for (const p of release(held)) yield p;
  } finally {
    // Ended early (the consumer stopped, or it failed): stop reading the model's stream.
    reader.cancel().catch(() => undefined);
  }
}

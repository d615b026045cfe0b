import { describeError } from '../../errors/describeError.js';
import { ZetaError } from '../../errors/ZetaError.js';
import type { StreamInfo } from '../results.js';

/**
 * A stream's own abort, for a consumer that stops it before it started, combined with the
 * caller's `signal` (options left as they are when that is not a signal: the intake refuses it).
 */
export function withOwnAbort<O extends { readonly signal?: AbortSignal | undefined }>(
  options: O | undefined,
): { stop: AbortController; opts: O | undefined } {
  const stop = new AbortController();
  const own = options?.signal as unknown;
  if (own !== undefined && !(own instanceof AbortSignal)) return { stop, opts: options };
  const signal = own === undefined ? stop.signal : AbortSignal.any([own, stop.signal]);
  return { stop, opts: { ...options, signal } as O };
}

/** The error a stream that broke after its first chunk throws to its consumer. */
export function streamBroke(model: string, error: unknown, requestId: number): ZetaError {
  return new ZetaError(
    'MODEL_FAILED',
    `The stream from ${model} broke after it started: ${describeError(error)}`,
    { requestId },
    { cause: error },
  );
}

/** How a stream ended, for the attempt that holds its slot. */
export type StreamEnd =
  | { readonly ok: true; readonly cancelled: boolean }
  | { readonly ok: false; readonly error: unknown };

/**
 * The consumer's side of a started stream: the first chunk (already read, to know the stream
 * started), then the model's own iterator, pulled one chunk per `next()`. Ending it in any way
 * (done, an error, `return()` on `break`, the caller's signal) ends the model's call and frees its
 * slot at once.
 */
export class StreamHandle<C> implements AsyncIterator<C> {
  #first: { value: C } | undefined;
  #ended = false;
  readonly #upstream: AsyncIterator<unknown>;
  readonly #onEnd: (end: StreamEnd) => void;
  readonly #requestId: number;
  readonly #cleanup: () => void;
  /** How the stream is served. */
  readonly info: StreamInfo;

  constructor(
    first: C,
    upstream: AsyncIterator<unknown>,
    info: StreamInfo,
    requestId: number,
    signal: AbortSignal | undefined,
    onEnd: (end: StreamEnd) => void,
  ) {
    this.#first = { value: first };
    this.#upstream = upstream;
    this.info = info;
    this.#requestId = requestId;
    this.#onEnd = onEnd;
    if (signal === undefined) this.#cleanup = () => undefined;
    else {
      const onAbort = (): void => {
        void this.#stop(
          new ZetaError('ABORTED', 'The stream was aborted by its signal.', { requestId }),
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#cleanup = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /** The model serving the stream. */
  get model(): string {
    return this.info.model;
  }

  async next(): Promise<IteratorResult<C>> {
    const first = this.#first;
    if (first !== undefined) {
      this.#first = undefined;
      return { value: first.value, done: false };
    }
    if (this.#ended) return this.#finished();
    let step: IteratorResult<unknown>;
    try {
      step = await this.#upstream.next();
    } catch (error) {
      if (this.#ended) return { value: undefined, done: true };
      this.#end({ ok: false, error });
      throw streamBroke(this.info.model, error, this.#requestId);
    }
    if (this.#ended) return this.#finished();
    if (step.done) {
      this.#end({ ok: true, cancelled: false });
      return { value: undefined, done: true };
    }
    return { value: step.value as C, done: false };
  }

  /** The consumer stopped (`break`, `return`): the model's call is aborted and its slot freed. */
  async return(): Promise<IteratorResult<C>> {
    await this.#stop(undefined);
    return { value: undefined, done: true };
  }

  async #stop(reason: ZetaError | undefined): Promise<void> {
    if (this.#ended) return;
    this.#end({ ok: true, cancelled: true }, reason);
    try {
      // Do not wait long on a model that ignores it: the slot is already free.
      void Promise.resolve(this.#upstream.return?.()).catch(() => undefined);
    } catch {
      // A hostile iterator: nothing more to do.
    }
  }

  #end(end: StreamEnd, reason?: ZetaError): void {
    this.#ended = true;
    this.#first = undefined;
    if (reason !== undefined) this.#abortReason = reason;
    this.#cleanup();
    this.#onEnd(end);
  }

  #abortReason: ZetaError | undefined;

  /** After the end: the abort that stopped it, once (so the consumer learns why), then done. */
  #finished(): IteratorResult<C> {
    const reason = this.#abortReason;
    if (reason !== undefined) {
      this.#abortReason = undefined;
      throw reason;
    }
    return { value: undefined, done: true };
  }
}

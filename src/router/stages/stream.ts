import { describeError } from '../../errors/describeError.js';
import { ZetaError } from '../../errors/ZetaError.js';
import type { StreamOptions } from '../options.js';
import type { RouterStream, RunInfo, StreamInfo } from '../results.js';

type Handle<C> = AsyncIterator<C> & { readonly info?: StreamInfo | undefined };

/**
 * The caller's side of `router.stream()`. Routing starts at once (`start`, given the options with
 * the stream's own abort); errors surface on the first `next()`. Stopped before it started, the
 * request is aborted; after, the model's call. A request served whole (`callIfNoStream`) settles
 * with its RunInfo: the call's result is then the only item.
 */
export function routerStream<C>(
  start: (options: StreamOptions | undefined) => Promise<unknown>,
  options: StreamOptions | undefined,
): RouterStream<C> {
  const { stop, opts } = withOwnAbort(options);
  const started = start(opts).then((h) =>
    typeof (h as Partial<Handle<C>>).next === 'function'
      ? (h as Handle<C>)
      : servedWhole(h as RunInfo<C>, opts?.signal),
  );
  let handle: Handle<C> | undefined;
  // Errors surface on the first next(); a stream nobody iterates must not be an unhandled rejection.
  const ignore = (): undefined => undefined;
  started.then((h) => {
    handle = h;
  }, ignore);
  let closed = false;
  const iterator: RouterStream<C> = {
    get info() {
      return handle?.info;
    },
    next: async () => {
      if (closed) return { value: undefined, done: true };
      handle = await started;
      return handle.next();
    },
    return: async () => {
      closed = true;
      // Started: stop it now (its slot is free when this resolves). Not yet: abort the request.
      if (handle !== undefined) await handle.return?.();
      else {
        stop.abort();
        started.then((h) => h.return?.(), ignore); // in case it started meanwhile
      }
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * A stream of one item: the whole result of the call that served it (`info.whole`). Like any
 * stream, it ends with `ABORTED` when its signal aborts before the item was taken.
 */
function servedWhole<C>(run: RunInfo<C>, signal: AbortSignal | undefined): Handle<C> {
  let given = false;
  return {
    info: {
      model: run.model,
      task: run.task,
      attempts: run.attempts,
      queuedMs: run.queuedMs,
      ttftMs: run.latencyMs,
      whole: true,
    },
    next: async () => {
      if (given) return { value: undefined, done: true };
      given = true;
      if (signal?.aborted === true)
        throw new ZetaError('ABORTED', 'The stream was aborted by its signal.', {
          requestId: run.id,
        });
      return { value: run.result, done: false };
    },
    return: async () => {
      given = true;
      return { value: undefined, done: true };
    },
  };
}

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

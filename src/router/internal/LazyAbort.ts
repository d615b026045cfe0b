/**
 * An abort controller made only when its signal is first read. Most model calls finish without
 * anyone aborting them, and many clients never read the signal; an AbortController per call costs
 * more than the rest of a routing decision.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** The signal; created on first read, already aborted if {@link LazyAbort.abort} came first. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Whether {@link LazyAbort.abort} was called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The reason given to {@link LazyAbort.abort}. */
  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts (once); the signal, if made, fires `abort`. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

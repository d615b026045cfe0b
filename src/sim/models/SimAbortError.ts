/**
 * Thrown (as a rejection) by a simulated model call whose signal aborts. Named `AbortError` like
 * the DOM's, with the signal's reason as `cause`.
 */
export class SimAbortError extends Error {
  constructor(model: string, requestId: number, reason: unknown) {
    super(`model ${model}: request ${requestId} aborted`, { cause: reason });
    this.name = 'AbortError';
  }
}

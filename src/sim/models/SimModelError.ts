/** Error code of a simulated model failure. */
export type SimModelErrorCode =
  /** The call failed (failure probability hit) at the end of its service time. */
  | 'MODEL_ERROR'
  /** The model cannot serve the request (task type, complexity or tokens): a routing bug. */
  | 'INCAPABLE';

/**
 * Thrown (as a rejection) by a simulated model call that fails: at the end of its service time
 * when the model's failure probability hits (`MODEL_ERROR`), or at once when the model cannot
 * serve the request (`INCAPABLE`).
 */
export class SimModelError extends Error {
  /** Why the call failed. */
  readonly code: SimModelErrorCode;
  /** The model id. */
  readonly model: string;
  /** The request id. */
  readonly requestId: number;

  constructor(code: SimModelErrorCode, model: string, requestId: number, message: string) {
    super(message);
    this.name = 'SimModelError';
    this.code = code;
    this.model = model;
    this.requestId = requestId;
  }
}

import type { EventEmitter } from 'eventemitter3';
import type { RouterEvents, RouterSnapshot } from '../../index.js';

/**
 * What an integration needs of a router: its public events and `snapshot()`. Any
 * `ZetaDynamicRouter`, whatever its request and result types, is one.
 */
export interface ObservedRouter extends Pick<EventEmitter<RouterEvents>, 'on' | 'off'> {
  snapshot(): RouterSnapshot;
}

/** Subscribes `listener` to `event` (also to events a later router may emit) and returns the undo. */
export function subscribe(
  router: ObservedRouter,
  event: string,
  listener: (payload: never) => void,
): () => void {
  const r = router as unknown as {
    on(event: string, fn: unknown): unknown;
    off(event: string, fn: unknown): unknown;
  };
  r.on(event, listener);
  return () => {
    r.off(event, listener);
  };
}

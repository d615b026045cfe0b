import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import type { ManualClock } from './manualClock.js';

/** How the one model of {@link streamingRouter} streams. */
export interface StreamScript {
  /** Time to its first chunk, 'one', in ms. */
  readonly ttftMs: number;
  /** Time from the first chunk to the end, in ms. */
  readonly restMs: number;
  /** Awaited after the first chunk, before the rest (the test says when the stream goes on). */
  readonly gate?: Promise<void>;
  /** Asked at the end: true ends the stream with an error instead of its last chunk, 'two'. */
  readonly breaks?: () => boolean;
}

/** A router (on `clock`) with one streaming model, 'a', serving 'simple'. */
export function streamingRouter(
  clock: ManualClock,
  script: StreamScript,
): ZetaDynamicRouter<string, string> {
  return new ZetaDynamicRouter<string, string>({
    clock,
    models: [
      {
        id: 'a',
        tasks: ['simple'],
        concurrency: 1,
        call: async (req) => req,
        stream: async function* () {
          await clock.advance(script.ttftMs);
          yield 'one';
          await script.gate;
          await clock.advance(script.restMs);
          if (script.breaks?.() === true) throw new Error('connection reset');
          yield 'two';
        },
      },
    ],
  });
}

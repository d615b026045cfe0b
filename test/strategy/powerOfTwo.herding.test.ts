import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { VirtualClock } from '../../src/sim/VirtualClock.js';
import { powerOfTwoChoices } from '../../src/strategy/powerOfTwo.js';
import type { Strategy } from '../../src/strategy/Strategy.js';
import type { RoutingInput, ScoredCandidate } from '../../src/types.js';
import { seededRandom } from '../../src/utils/random.js';

const MODELS = 16;
const ROUTERS = 6;
/** The shared view every router reads is refreshed this often: a few ms stale. */
const VIEW_DELAY_MS = 10;
const REQUESTS = 3000;

interface Outcome {
  /** The most calls any one model ran at once. */
  readonly maxConcentration: number;
  /** 99th percentile of the calls already running on the chosen model when a call started. */
  readonly p99Concentration: number;
  /** 99th percentile of the request latency, in ms. */
  readonly p99LatencyMs: number;
}

const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;

/**
 * N routers on a virtual clock share a load view (every model's calls in flight, over all the
 * routers) that is refreshed every few ms, as a view cached from Redis is. Each model server slows
 * down with its own concurrency (10 ms plus 1 ms per call already running).
 */
async function simulate(pick: (view: ReadonlyMap<string, number>) => Strategy): Promise<Outcome> {
  const clock = new VirtualClock();
  const random = seededRandom(11);
  const running = new Map<string, number>();
  const view = new Map<string, number>();
  const atStart: number[] = [];
  const latencies: number[] = [];
  let maxConcentration = 0;
  const models: ModelConfig<number, string>[] = Array.from({ length: MODELS }, (_, i) => {
    const id = `m${i}`;
    running.set(id, 0);
    view.set(id, 0);
    return {
      id,
      tasks: ['simple'],
      concurrency: 1000,
      call: () => {
        const before = running.get(id)!;
        atStart.push(before);
        running.set(id, before + 1);
        maxConcentration = Math.max(maxConcentration, before + 1);
        return new Promise<string>((resolve) =>
          clock.setTimeout(() => {
            running.set(id, running.get(id)! - 1);
            resolve(id);
          }, 10 + before),
        );
      },
    };
  });
  const refresh = (): void => {
    for (const [id, n] of running) view.set(id, n);
    if (done < REQUESTS) clock.setTimeout(refresh, VIEW_DELAY_MS);
  };
  let done = 0;
  refresh();
  const routers = Array.from(
    { length: ROUTERS },
    (_, i) =>
      new ZetaDynamicRouter<number, string>({
        models,
        strategy: pick(view),
        clock,
        random: seededRandom(100 + i),
        // Every decision sees the whole fleet (no power-of-d sample of the router's own).
        sampleSize: MODELS,
        health: false,
      }),
  );
  const runs: Promise<void>[] = [];
  // About 3 arrivals per ms over all routers, Poisson.
  let at = 0;
  for (let n = 0; n < REQUESTS; n++) {
    at += -Math.log(1 - random()) / 3;
    const router = routers[n % ROUTERS]!;
    clock.setTimeout(() => {
      const start = clock.now();
      runs.push(
        router.run(n, { task: 'simple' }).then(() => {
          latencies.push(clock.now() - start);
          done++;
        }),
      );
    }, at);
  }
  await clock.run();
  await Promise.all(runs);
  return {
    maxConcentration,
    p99Concentration: p99(atStart),
    p99LatencyMs: p99(latencies),
  };
}

/** The single best by the shared view: fewest calls in flight over all routers. */
const staleLeastLoaded = (view: ReadonlyMap<string, number>): Strategy => ({
  name: 'shared-least-loaded',
  rank: ({ candidates }: RoutingInput): readonly ScoredCandidate[] =>
    candidates
      .map((c) => ({ id: c.id, score: view.get(c.id) ?? 0, components: {}, reasons: [] }))
      .sort((a, b) => a.score - b.score),
});

describe('herding on a shared, slightly stale load view (simulated)', () => {
  it('two random choices spread the work where the single best herds it onto one model at a time', async () => {
    const best = await simulate(staleLeastLoaded);
    const p2c = await simulate((view) => powerOfTwoChoices(staleLeastLoaded(view)));
    console.log(
      `[herding] ${ROUTERS} routers, ${MODELS} models, view ${VIEW_DELAY_MS} ms stale: best-only max ${best.maxConcentration} / p99 ${best.p99Concentration} calls on one model, p99 latency ${best.p99LatencyMs} ms; p2c max ${p2c.maxConcentration} / p99 ${p2c.p99Concentration}, p99 latency ${p2c.p99LatencyMs} ms`,
    );
    expect(p2c.maxConcentration).toBeLessThan(best.maxConcentration * 0.7);
    expect(p2c.p99Concentration).toBeLessThan(best.p99Concentration * 0.7);
    expect(p2c.p99LatencyMs).toBeLessThan(best.p99LatencyMs * 0.8);
  });
});

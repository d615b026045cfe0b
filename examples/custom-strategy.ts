/**
 * `npx tsx examples/custom-strategy.ts`: write your own routing policy.
 *
 * A `Strategy` is a name plus a pure `rank(input)` function: it sees a snapshot of the capable
 * models (`RoutingInput`) and returns them best first. This file exports one,
 * `cheapestWithinSlo`: the lowest-cost model whose expected latency fits a latency target (SLO),
 * else the fastest. Importing the file only defines the strategy; running it also shows the
 * strategy in a router. `test/examples/custom-strategy.test.ts` unit-tests it on hand-made inputs,
 * with no router and no clock.
 */
import { pathToFileURL } from 'node:url';
import {
  type CallContext,
  type CandidateState,
  type RoutingInput,
  type ScoredCandidate,
  type Strategy,
  seededRandom,
  ZetaDynamicRouter,
} from '../src/index.js';

/** Options of {@link cheapestWithinSlo}. */
export interface CheapestWithinSloOptions {
  /** The latency target, in milliseconds: expected wait plus expected latency must not exceed it. */
  readonly sloMs: number;
  /**
   * Samples a (model, task) latency window needs before its p95 is trusted over the model's prior.
   * @default 5
   */
  readonly minSamples?: number;
  /**
   * Expected latency, in milliseconds, of a model with neither enough samples nor a prior.
   * @default 1000
   */
  readonly defaultPriorMs?: number;
}

/** Score offset of candidates outside the SLO, so every one of them ranks after every fitting one. */
export const OUTSIDE_SLO = 1e9;

/**
 * Cheapest within SLO: among the candidates whose expected completion fits `sloMs`, the lowest
 * `cost` first (equal costs: the faster first); the candidates that do not fit follow, fastest
 * first. Exact ties are broken by the input's seeded `random`.
 *
 * Expected latency is the window's p95 once it holds `minSamples` samples, else the model's
 * `latencyPriorMs`, else `defaultPriorMs`. A busy model adds the wait for the work ahead of the
 * request: `max(0, inFlight + queued + waiting - concurrency + 1) * latency / concurrency`.
 *
 * Score: the cost for a fitting candidate, `OUTSIDE_SLO + expectedMs` for the others; lower is
 * better, as for every strategy. Every candidate is ranked (none left out).
 *
 * @throws RangeError when an option is out of range.
 */
export function cheapestWithinSlo(options: CheapestWithinSloOptions): Strategy {
  const { sloMs, minSamples = 5, defaultPriorMs = 1000 } = options;
  if (!(sloMs > 0 && Number.isFinite(sloMs)))
    throw new RangeError(`sloMs must be a finite number > 0, got ${sloMs}`);
  if (!(Number.isInteger(minSamples) && minSamples >= 1))
    throw new RangeError(`minSamples must be an integer >= 1, got ${minSamples}`);
  if (!(defaultPriorMs > 0 && Number.isFinite(defaultPriorMs)))
    throw new RangeError(`defaultPriorMs must be a finite number > 0, got ${defaultPriorMs}`);

  const estimate = (c: CandidateState) => {
    const sampled = c.latency.count >= minSamples && Number.isFinite(c.latency.p95);
    const latencyMs = sampled ? c.latency.p95 : (c.priorLatencyMs ?? defaultPriorMs);
    const ahead = Math.max(0, c.inFlight + c.queued + c.waiting - c.concurrency + 1);
    const waitMs = c.free ? 0 : (ahead * latencyMs) / c.concurrency;
    return { latencyMs, waitMs, expectedMs: waitMs + latencyMs, sampled, ahead };
  };

  return {
    name: 'cheapest-within-slo',
    rank(input: RoutingInput): readonly ScoredCandidate[] {
      const rows = input.candidates.map((c) => {
        const e = estimate(c);
        const fits = e.expectedMs <= sloMs;
        const reasons = [
          e.sampled
            ? `p95 ${Math.round(e.latencyMs)}ms from ${c.latency.count} samples`
            : `prior ${Math.round(e.latencyMs)}ms`,
          ...(e.waitMs > 0 ? [`${e.ahead} ahead on ${c.concurrency} slots`] : []),
          fits
            ? `fits the ${sloMs}ms SLO at cost ${c.cost}`
            : `misses the ${sloMs}ms SLO (${Math.round(e.expectedMs)}ms)`,
        ];
        return {
          fits,
          cost: c.cost,
          expectedMs: e.expectedMs,
          tie: input.random(),
          scored: {
            id: c.id,
            score: fits ? c.cost : OUTSIDE_SLO + e.expectedMs,
            components: {
              cost: c.cost,
              latencyMs: e.latencyMs,
              waitMs: e.waitMs,
              expectedMs: e.expectedMs,
            },
            reasons,
          },
        };
      });
      rows.sort((a, b) => {
        if (a.fits !== b.fits) return a.fits ? -1 : 1;
        if (a.fits && a.cost !== b.cost) return a.cost - b.cost;
        if (a.expectedMs !== b.expectedMs) return a.expectedMs - b.expectedMs;
        return a.tie - b.tie;
      });
      return rows.map((r) => r.scored);
    },
  };
}

// ── Demo: only when run directly, not when imported by the test ──────────────────────────────

async function main(): Promise<void> {
  const answer =
    (id: string, ms: number) =>
    (_req: string, ctx: CallContext): Promise<string> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(id), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      });
  const router = new ZetaDynamicRouter<string, string>({
    strategy: cheapestWithinSlo({ sloMs: 200 }),
    random: seededRandom(3),
    models: [
      {
        id: 'embedder-4b',
        call: answer('embedder-4b', 150),
        tasks: ['embedding', 'simple'],
        home: ['embedding'],
        concurrency: 2,
        cost: 0.2,
        latencyPriorMs: 150,
      },
      {
        id: 'coder-7b',
        call: answer('coder-7b', 60),
        tasks: ['simple', 'code'],
        home: ['simple', 'code'],
        concurrency: 2,
        cost: 1,
        latencyPriorMs: 60,
      },
      {
        id: 'reasoner-14b',
        call: answer('reasoner-14b', 120),
        tasks: ['simple', 'code', 'reasoning'],
        home: ['reasoning'],
        concurrency: 2,
        cost: 4,
        latencyPriorMs: 120,
      },
    ],
  });
  const simple = { type: 'simple', complexity: 0.1 } as const;
  const show = (title: string): void => {
    console.log(title);
    for (const r of router.explain(simple).ranking) {
      const score = r.score >= OUTSIDE_SLO ? `OUTSIDE_SLO + ${r.score - OUTSIDE_SLO}` : r.score;
      console.log(`  ${r.id.padEnd(13)} score ${score}: ${r.reasons.join(', ')}`);
    }
  };

  console.log('cheapest-within-slo, SLO 200ms');
  show('\nIdle fleet: explain() ranks the cheapest model that fits first');
  const burst = Array.from({ length: 14 }, (_, i) =>
    router.runWithInfo(`Give me a synonym for word ${i}`, { task: 'simple' }),
  );
  show(
    '\nAfter a burst of 14 simple requests: nothing fits, so the fastest expected completion first',
  );
  const served: Record<string, number> = {};
  for (const info of await Promise.all(burst)) served[info.model] = (served[info.model] ?? 0) + 1;
  console.log(
    `\nburst served by: ${Object.entries(served)
      .map(([id, n]) => `${id} ${n}`)
      .join(', ')}`,
  );
  await router.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}

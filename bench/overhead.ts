/**
 * Router overhead: the same immediate-resolving model calls made directly, through a bare p-queue
 * (the least any capacity-enforcing wrapper pays), and through ZetaDynamicRouter with 3 and 1,000
 * models. The variants run interleaved in rounds and each figure is the median round, so drift of
 * the machine's speed hits them alike. Figures are printed side by side, never asserted.
 */
import PQueue from 'p-queue';
import { type LoadTracker, type Strategy, ZetaDynamicRouter } from '../dist/index.js';
import { target } from './targets.js';

const N = Number(process.env.BENCH_REQUESTS ?? 200_000);
const ROUNDS = 10;
const BATCH = 32;
const CONCURRENCY = 64;
const call = async (req: number): Promise<number> => req;
const prompts = [
  'What is the capital of France?',
  'Write a function in TypeScript that sorts a list',
];

export type Submit = (i: number) => Promise<unknown>;

/** ns per request of `n` requests submitted in batches of BATCH. */
export async function round(submit: Submit, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += BATCH) {
    const batch: Promise<unknown>[] = [];
    for (let j = 0; j < BATCH; j++) batch.push(submit(i + j));
    await Promise.all(batch);
  }
  return Number(process.hrtime.bigint() - start) / n;
}

const EMPTY = { count: 0, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN };
const ZERO = { inFlight: 0, errorRate: 0, throughput: 0, completed: 0, failed: 0 };
/** A tracker that records nothing: what the router costs without latency tracking. */
const noopTracker: LoadTracker = {
  recordArrival() {},
  recordStart() {},
  recordFinish() {},
  latency: () => EMPTY,
  modelStats: () => ZERO,
  arrivals: () => ({ rate: 0, forecast: 0, trend: 0, horizonMs: 0 }),
  snapshot: (now) => ({ at: now, windowMs: 0, models: [], arrivals: [] }),
  removeModel() {},
};
/** A strategy that takes the first candidate: what the router costs without scoring. */
const firstCandidate: Strategy = {
  name: 'first',
  rank: ({ candidates }) => [{ id: candidates[0]!.id, score: 0, components: {}, reasons: [] }],
};

function router(models: number, extra: { tracker?: LoadTracker; strategy?: Strategy } = {}) {
  return new ZetaDynamicRouter<number, number>({
    ...extra,
    models: Array.from({ length: models }, (_, i) => ({
      id: `m${i}`,
      call,
      tasks: ['simple', 'code'],
      home: i === 0 ? ['simple'] : [],
      // Every model could take a whole batch: the comparison is of decision cost, not of queueing.
      concurrency: CONCURRENCY,
    })),
    health: false,
  });
}

export async function overheadBench(): Promise<void> {
  console.log(
    `\n## Router overhead (${N.toLocaleString()} requests each, batches of ${BATCH}, immediate models, median of ${ROUNDS} interleaved rounds)\n`,
  );
  const queue = new PQueue({ concurrency: CONCURRENCY });
  const r3 = router(3);
  const r1000 = router(1000);
  const classified = router(3);
  const bare = router(3, { tracker: noopTracker, strategy: firstCandidate });
  const variants: Array<[string, Submit]> = [
    ['direct call', (i) => call(i)],
    ['bare p-queue', (i) => queue.add(() => call(i))],
    ['router, 3 models', (i) => r3.run(i, { task: 'simple' })],
    ['router, 1,000 models', (i) => r1000.run(i, { task: 'simple' })],
    ['router, 3 models, classifier', (i) => classified.run(prompts[i % 2] as unknown as number)],
    ['router, no tracking, no scoring', (i) => bare.run(i, { task: 'simple' })],
  ];
  for (const [, submit] of variants) await round(submit, 10_000); // warm-up
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, submit] of variants) samples.get(name)!.push(await round(submit, N / ROUNDS));
  }
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ns = new Map([...samples].map(([name, xs]) => [name, median(xs)]));
  for (const [name, v] of ns)
    console.log(`${name.padEnd(34)}${v.toFixed(0).padStart(8)} ns/request`);
  const get = (name: string): number => ns.get(name)!;
  console.log('');
  console.log(
    `router (3) / bare p-queue        ${target('overhead: router (3 models) / bare p-queue', get('router, 3 models') / get('bare p-queue'), '<=', 2.5)}`,
  );
  console.log(
    `router (1,000) / router (3)      ${target('overhead: router (1,000 models) / router (3)', get('router, 1,000 models') / get('router, 3 models'), '<=', 1.4)}`,
  );
  console.log(
    `bare p-queue / direct call       ${(get('bare p-queue') / get('direct call')).toFixed(2)}x`,
  );
  console.log(
    `classifier adds                  ${(get('router, 3 models, classifier') - get('router, 3 models')).toFixed(0)} ns/request`,
  );
  console.log(
    `tracking + adaptive scoring add  ${(get('router, 3 models') - get('router, no tracking, no scoring')).toFixed(0)} ns/request (the rest is the request path itself)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await overheadBench();

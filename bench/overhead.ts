/**
 * Router overhead: the same immediate-resolving model calls made directly, through a bare p-queue
 * (the least any capacity-enforcing wrapper pays), and through ZetaDynamicRouter with 3 and 1,000
 * models. Figures are printed side by side from one run, never asserted.
 */
import PQueue from 'p-queue';
import { ZetaDynamicRouter } from '../src/index.js';

const N = Number(process.env.BENCH_REQUESTS ?? 200_000);
const BATCH = 32;
const CONCURRENCY = 64;
const call = async (req: number): Promise<number> => req;
const prompts = [
  'What is the capital of France?',
  'Write a function in TypeScript that sorts a list',
];

async function timeIt(name: string, submit: (i: number) => Promise<unknown>): Promise<number> {
  // warm-up, then the measured run
  for (const n of [Math.min(N, 20_000), N]) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i += BATCH) {
      const batch: Promise<unknown>[] = [];
      for (let j = 0; j < BATCH; j++) batch.push(submit(i + j));
      await Promise.all(batch);
    }
    const ns = Number(process.hrtime.bigint() - start) / n;
    if (n === N) {
      console.log(`${name.padEnd(34)}${ns.toFixed(0).padStart(8)} ns/request`);
      return ns;
    }
  }
  return Number.NaN;
}

function router(models: number) {
  return new ZetaDynamicRouter<number, number>({
    models: Array.from({ length: models }, (_, i) => ({
      id: `m${i}`,
      call,
      tasks: ['simple', 'code'],
      home: i === 0 ? ['simple'] : [],
      concurrency: Math.max(1, Math.ceil(CONCURRENCY / models)),
    })),
    health: false,
  });
}

export async function overheadBench(): Promise<void> {
  console.log(
    `\n## Router overhead (${N.toLocaleString()} requests, batches of ${BATCH}, immediate models)\n`,
  );
  const direct = await timeIt('direct call', (i) => call(i));
  const queue = new PQueue({ concurrency: CONCURRENCY });
  const bare = await timeIt('bare p-queue', (i) => queue.add(() => call(i)));
  const r3 = router(3);
  const three = await timeIt('router, 3 models', (i) => r3.run(i, { task: 'simple' }));
  const r1000 = router(1000);
  const thousand = await timeIt('router, 1,000 models', (i) => r1000.run(i, { task: 'simple' }));
  const classified = router(3);
  const withClassifier = await timeIt('router, 3 models, classifier', (i) =>
    classified.run(prompts[i % 2] as unknown as number),
  );
  console.log('');
  console.log(`router (3) / bare p-queue        ${(three / bare).toFixed(2)}x   (target <= 2x)`);
  console.log(
    `router (1,000) / router (3)      ${(thousand / three).toFixed(2)}x   (target <= 1.3x)`,
  );
  console.log(`bare p-queue / direct call       ${(bare / direct).toFixed(2)}x`);
  console.log(`classifier adds                  ${(withClassifier - three).toFixed(0)} ns/request`);
}

if (import.meta.url === `file://${process.argv[1]}`) await overheadBench();

/**
 * Throughput under a backlog: 20,000 requests waiting on 1,000 slots (100 models x 10), served by
 * the router against bare p-queues on the same slots (each request sent to a fixed queue, as a
 * static table would). Models answer at once, so the figure is what routing costs per event while
 * a crowd waits. Rounds interleave; each figure is the median round.
 */
import PQueue from 'p-queue';
import { ZetaDynamicRouter } from '../dist/index.js';
import { target } from './targets.js';

const MODELS = 100;
const SLOTS = 10;
const WAITING = 20_000;
const TOTAL = WAITING + MODELS * SLOTS;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const call = async (req: number): Promise<number> => req;

function router(): ZetaDynamicRouter<number, number> {
  return new ZetaDynamicRouter<number, number>({
    models: Array.from({ length: MODELS }, (_, i) => ({
      id: `m${i}`,
      call,
      tasks: ['simple'],
      home: i < 4 ? ['simple'] : [],
      concurrency: SLOTS,
      maxQueue: TOTAL,
    })),
    maxWaiting: TOTAL,
    health: false,
  });
}

async function timeRouter(): Promise<number> {
  const r = router();
  const start = performance.now();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < TOTAL; i++) all.push(r.run(i, { task: 'simple' }));
  const peakWaiting = r.waiting;
  await Promise.all(all);
  const ms = performance.now() - start;
  if (peakWaiting < WAITING / 2) throw new Error(`backlog bench: only ${peakWaiting} waited`);
  return (TOTAL / ms) * 1000;
}

async function timeQueues(): Promise<number> {
  const queues = Array.from({ length: MODELS }, () => new PQueue({ concurrency: SLOTS }));
  const start = performance.now();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < TOTAL; i++) all.push(queues[i % MODELS]!.add(() => call(i)));
  await Promise.all(all);
  return (TOTAL / (performance.now() - start)) * 1000;
}

export async function backlogBench(): Promise<void> {
  console.log(
    `\n## Throughput under a backlog (${WAITING.toLocaleString()} waiting on ${MODELS * SLOTS} slots: ${MODELS} models x ${SLOTS}; median of ${ROUNDS} interleaved rounds)\n`,
  );
  await timeRouter();
  await timeQueues();
  const router: number[] = [];
  const queues: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    router.push(await timeRouter());
    queues.push(await timeQueues());
  }
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const r = median(router);
  const q = median(queues);
  console.log(`bare p-queues          ${Math.round(q).toLocaleString().padStart(9)} requests/s`);
  console.log(`router                 ${Math.round(r).toLocaleString().padStart(9)} requests/s`);
  console.log(
    `router / bare p-queues ${target('backlog throughput: router / bare p-queues', r / q, '>=', 0.8)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await backlogBench();

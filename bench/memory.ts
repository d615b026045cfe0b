/**
 * Bounded memory: heap after 10k requests against after 1M requests across 3 models x 4 task
 * types, on a virtual clock so latency windows rotate as they would over hours of traffic.
 * Run with `node --expose-gc` (npm run bench does) so the heap is measured after a full GC.
 */
import { type Clock, seededRandom, ZetaDynamicRouter } from '../dist/index.js';
import { target } from './targets.js';

const TYPES = ['simple', 'code', 'embedding', 'reasoning'] as const;

/** A clock that only moves when told: every request advances it by 1 ms. */
class SteppingClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  setTimeout(): unknown {
    throw new Error('the memory bench uses no timeouts');
  }
  clearTimeout(): void {}
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export async function memoryBench(
  total = Number(process.env.BENCH_MEMORY_REQUESTS ?? 1_000_000),
): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc)
    console.log('(run with node --expose-gc for exact figures)');
  const clock = new SteppingClock();
  const random = seededRandom(7);
  const latency = (base: number) => base * (0.5 + random());
  const router = new ZetaDynamicRouter<number, number>({
    models: ['a', 'b', 'c'].map((id) => ({
      id,
      tasks: [...TYPES],
      concurrency: 64,
      call: async (req: number) => req,
    })),
    clock,
    random,
    health: false,
  });
  console.log(`\n## Memory (3 models x 4 task types, 1 ms of virtual time per request)\n`);
  const marks = new Map<number, number>();
  const checkpoints = [10_000, 100_000, total];
  let done = 0;
  while (done < total) {
    const batch: Promise<unknown>[] = [];
    for (let j = 0; j < 32; j++) {
      clock.t += 1;
      batch.push(
        router.run(done + j, {
          task: { type: TYPES[(done + j) % 4]!, complexity: 0.5, tokens: Math.round(latency(500)) },
        }),
      );
    }
    await Promise.all(batch);
    done += 32;
    for (const c of checkpoints)
      if (done === c || (done > c && done - 32 < c)) marks.set(c, heapMb());
  }
  for (const [n, mb] of marks)
    console.log(`${n.toLocaleString().padStart(10)} requests   heap ${mb.toFixed(2)} MB`);
  const small = marks.get(10_000)!;
  const large = marks.get(total)!;
  console.log(
    `\nheap after ${total.toLocaleString()} / after 10,000: ${target('memory: heap after 1M / after 10k requests', large / small, '<=', 1.1)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await memoryBench();

/**
 * The added cost of zeta-router/openai over loopback: one OpenAI-compatible server answering at once
 * (examples/support/openaiServer.ts, on a worker thread), and the same chat requests sent through
 * the `openai` client directly (without and with an AbortSignal, which the adapter always passes),
 * through `openaiModel(...).call` directly (the adapter alone: request shaping, the signal, error
 * translation), and through a router with that one `openaiModel`. All share one client, so the
 * differences are the adapter's and the router's. Interleaved rounds, median round, as in
 * overhead.ts; each added cost is the median of the rounds' paired differences. Printed, never
 * asserted: loopback HTTP costs far more than the adapter, so the added cost is a small difference
 * of large, noisy figures.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { OpenAI } from 'openai';
import { ZetaDynamicRouter } from '../dist/index.js';
import { openaiModel } from '../dist/openai/index.js';
import { round, type Submit } from './overhead.js';

const N = Number(process.env['BENCH_OPENAI_REQUESTS'] ?? 16_000);
const ROUNDS = 20;
const SLOTS = 64;

export async function openaiAdapterBench(): Promise<void> {
  console.log(
    `\n## zeta-router/openai over loopback (${N.toLocaleString()} chat requests each, batches of 32, a server answering at once, median of ${ROUNDS} interleaved rounds)\n`,
  );
  // The server answers on a worker thread (examples/support/openaiServer.ts, immediate answers).
  const worker = new Worker(new URL('./openaiServerWorker.ts', import.meta.url), {
    workerData: { name: 'bench', concurrency: SLOTS, outputTokens: 4 },
  });
  const [{ baseURL }] = (await once(worker, 'message')) as [{ baseURL: string }];
  try {
    const client = new OpenAI({
      baseURL,
      apiKey: 'EMPTY',
      organization: null,
      project: null,
      maxRetries: 0,
    });
    const model = openaiModel({
      id: 'bench',
      client,
      model: 'bench',
      tasks: ['simple'],
      concurrency: SLOTS,
    });
    const router = new ZetaDynamicRouter({ models: [model], health: false });
    // A fresh signal per call, as the router gives each call its own.
    const ctx = () => ({
      signal: new AbortController().signal,
      model: 'bench',
      task: { type: 'simple', complexity: 0, priority: 0 },
      attempt: 1,
      requestId: 0,
      reportUsage: () => undefined,
    });
    const content = 'What is the capital of France?';
    const variants: Array<[string, Submit]> = [
      [
        'openai client directly',
        () =>
          client.chat.completions.create(
            { model: 'bench', messages: [{ role: 'user', content }] },
            { maxRetries: 0 },
          ),
      ],
      [
        'openai client, with a signal',
        () =>
          client.chat.completions.create(
            { model: 'bench', messages: [{ role: 'user', content }] },
            { maxRetries: 0, signal: new AbortController().signal },
          ),
      ],
      ['openaiModel(...).call directly', async () => model.call(content, ctx())],
      ['router with one openaiModel', () => router.run(content, { task: 'simple' })],
    ];
    for (const [, submit] of variants) await round(submit, 1_000); // warm-up: connections, JIT
    const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // Each round starts with the next variant, so none is always first after a pause.
      for (let k = 0; k < variants.length; k++) {
        const [name, submit] = variants[(r + k) % variants.length]!;
        samples.get(name)!.push(await round(submit, N / ROUNDS));
      }
    }
    const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
    const median = (xs: number[]): number => sorted(xs)[Math.floor(xs.length / 2)]!;
    const us = (ns: number): string => `${(ns / 1000).toFixed(1)} µs`;
    for (const [name, xs] of samples) {
      const s = sorted(xs);
      console.log(
        `${name.padEnd(34)}${us(median(xs)).padStart(10)}/request   (rounds ${us(s[0]!)} to ${us(s[s.length - 1]!)})`,
      );
    }
    // The added cost is the median of each round's difference: rounds are paired, so a slow
    // stretch of the machine that hits one round hits both figures of its difference.
    const direct = samples.get('openai client directly')!;
    const added = (name: string): number =>
      median(samples.get(name)!.map((ns, r) => ns - direct[r]!));
    const signed = (ns: number): string => `${ns >= 0 ? '+' : ''}${us(ns)}`;
    const share = (ns: number): string => `${((ns / median(direct)) * 100).toFixed(1)}%`;
    const adapter = added('openaiModel(...).call directly');
    const routed = added('router with one openaiModel');
    console.log('');
    console.log(
      `adapter adds                      ${signed(adapter)}/request (${share(adapter)} of a direct call; median of paired rounds)`,
    );
    console.log(`adapter + router add              ${signed(routed)}/request (${share(routed)})`);
    const signal = added('openai client, with a signal');
    console.log(
      `a signal alone adds              ${signed(signal)}/request (${share(signal)}; the client with an AbortSignal, no adapter)`,
    );
    await router.close();
  } finally {
    worker.postMessage('close');
    const [{ served }] = (await once(worker, 'message')) as [{ served: number }];
    console.log(`server answered                   ${served.toLocaleString()} requests`);
    await worker.terminate();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await openaiAdapterBench();

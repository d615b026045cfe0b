/**
 * `npm run demo -- --http`: the demo over real HTTP. Three OpenAI-compatible servers start on free
 * loopback ports (examples/support/openaiServer.ts: bounded concurrency, a queue, 503 when it is
 * full), each with its own speed; three `openaiModel`s (the official `openai` client) point at
 * them; the same burst goes through a static-table router, then through an adaptive one. The table
 * shows where requests went, their latencies, errors, and the 503s that made the router cool a
 * model down. The servers stop at the end. `--fast` halves the burst.
 */
import { isModelCallError, ZetaDynamicRouter } from '../src/index.js';
import { openaiModel } from '../src/integrations/openai/index.js';
import { type OpenAIServer, startOpenAIServer } from './support/openaiServer.js';

type Strategy = 'static' | 'adaptive';
type TaskType = 'code' | 'simple' | 'embedding' | 'reasoning';

/** Each server's speed and capacity: what `vllm serve --max-num-seqs` and the GPU would set. */
const servers = {
  // 4 generating + 2 queued; a 7th request at once is answered 503 (Retry-After 0.1 s).
  'coder-7b': { concurrency: 4, maxQueue: 2, retryAfter: '0.1', overheadMs: 20, msPerToken: 10 },
  'embedder-4b': { concurrency: 4, maxQueue: 4, overheadMs: 10, msPerToken: 0 },
  'reasoner-14b': { concurrency: 4, maxQueue: 4, overheadMs: 40, msPerToken: 20 },
} as const;
type ModelId = keyof typeof servers;
const ids = Object.keys(servers) as ModelId[];

const prompts: Record<TaskType, string[]> = {
  code: [
    'Write a TypeScript debounce.',
    'Fix: const x = arr.map(a => a.id',
    'Refactor to a class.',
  ],
  simple: ['What is the capital of Portugal?', 'A synonym for "quick"?'],
  embedding: ['zeta-router routes requests', 'adaptive load balancing'],
  reasoning: ['Prove that the square root of 2 is irrational.', 'Why does M/M/1 wait grow?'],
};
const mix: Array<[TaskType, number]> = [
  ['code', 0.7],
  ['simple', 0.1],
  ['embedding', 0.1],
  ['reasoning', 0.1],
];

function pickType(): TaskType {
  let r = Math.random();
  for (const [type, share] of mix) {
    r -= share;
    if (r < 0) return type;
  }
  return 'simple';
}

function makeRouter(strategy: Strategy, running: Record<ModelId, OpenAIServer>) {
  return new ZetaDynamicRouter({
    strategy,
    models: [
      openaiModel({
        id: 'coder-7b',
        baseURL: running['coder-7b'].baseURL,
        model: 'coder-7b',
        tasks: ['simple', 'code', 'reasoning'],
        home: ['code', 'simple'],
        maxComplexity: 0.7,
        // One more than its server holds (4 + 2 queued): its 503s show the cool-down at work.
        concurrency: 7,
        maxQueue: 200,
        params: { max_tokens: 8 },
      }),
      openaiModel({
        id: 'embedder-4b',
        kind: 'embedding',
        baseURL: running['embedder-4b'].baseURL,
        model: 'embedder-4b',
        tasks: ['embedding'],
        home: ['embedding'],
        concurrency: 8,
        maxQueue: 200,
      }),
      openaiModel({
        id: 'reasoner-14b',
        baseURL: running['reasoner-14b'].baseURL,
        model: 'reasoner-14b',
        tasks: ['simple', 'code', 'reasoning'],
        home: ['reasoning'],
        concurrency: 8,
        maxQueue: 200,
        params: { max_tokens: 8 },
      }),
    ],
  });
}

interface Run {
  served: Record<string, number[]>;
  all: number[];
  spills: number;
  errors: number;
  overloads: Record<string, number>;
  full: Record<string, number>;
  seconds: number;
}

function p(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Sends the burst through one router over HTTP; resolves once every request has settled. */
async function burstThrough(
  strategy: Strategy,
  running: Record<ModelId, OpenAIServer>,
  burst: number,
  spreadMs: number,
): Promise<Run> {
  const router = makeRouter(strategy, running);
  const run: Run = {
    served: {},
    all: [],
    spills: 0,
    errors: 0,
    overloads: {},
    full: {},
    seconds: 0,
  };
  const before = Object.fromEntries(ids.map((id) => [id, running[id].requests.length]));
  router.on('fail', (e) => {
    if (isModelCallError(e.error) && e.error.kind === 'overloaded')
      run.overloads[e.model] = (run.overloads[e.model] ?? 0) + 1;
  });
  const started = performance.now();
  const runs: Promise<void>[] = [];
  for (let i = 0; i < burst; i++) {
    const type = pickType();
    const pool = prompts[type];
    const text = pool[i % pool.length]!;
    const req = type === 'embedding' ? { input: text } : text;
    runs.push(
      router.runWithInfo(req, { task: type }).then(
        (info) => {
          const lat = run.served[info.model] ?? [];
          run.served[info.model] = lat;
          lat.push(info.totalMs);
          run.all.push(info.totalMs);
          if (info.decision.spilled) run.spills++;
        },
        (error: unknown) => {
          run.errors++;
          if (run.errors === 1) console.error(`${strategy}: ${String(error)}`);
        },
      ),
    );
    await new Promise((r) => setTimeout(r, spreadMs / burst));
  }
  await Promise.all(runs);
  run.seconds = (performance.now() - started) / 1000;
  await router.close();
  for (const id of ids) {
    const mine = running[id].requests.slice(before[id]);
    run.full[id] = mine.filter((r) => r.outcome === 'full').length;
  }
  return run;
}

const fmt = (v: number): string => (Number.isNaN(v) ? '-' : Math.round(v).toString()).padStart(9);

function table(runs: Record<Strategy, Run>): string[] {
  const lines = [
    `${'strategy'.padEnd(10)}${'model'.padEnd(14)}${'served'.padStart(8)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'503s'.padStart(7)}${'cool-downs'.padStart(12)}`,
  ];
  for (const [name, run] of Object.entries(runs)) {
    for (const id of ids) {
      const lat = run.served[id] ?? [];
      lines.push(
        `${name.padEnd(10)}${id.padEnd(14)}${String(lat.length).padStart(8)}${fmt(p(lat, 0.5))}${fmt(p(lat, 0.95))}${String(run.full[id] ?? 0).padStart(7)}${String(run.overloads[id] ?? 0).padStart(12)}`,
      );
    }
    lines.push(
      `${''.padEnd(10)}${'all'.padEnd(14)}${String(run.all.length).padStart(8)}${fmt(p(run.all, 0.5))}${fmt(p(run.all, 0.95))}   spills ${run.spills}, errors ${run.errors}, ${run.seconds.toFixed(1)} s`,
      '',
    );
  }
  return lines;
}

/** The `--http` demo: starts the servers, runs the burst through both routers, stops them. */
export async function httpDemo(fast: boolean): Promise<void> {
  const burst = fast ? 60 : 120;
  const spreadMs = fast ? 1000 : 2000;
  const started = await Promise.all(
    ids.map((id) => startOpenAIServer({ name: id, outputTokens: 8, ...servers[id] })),
  );
  const running = Object.fromEntries(ids.map((id, i) => [id, started[i]!])) as Record<
    ModelId,
    OpenAIServer
  >;
  try {
    console.log(
      `zeta-router demo over HTTP: ${ids.map((id) => `${id} at ${running[id].url}`).join(', ')}`,
    );
    console.log(
      `${burst} mixed requests (70% code) in a ${spreadMs / 1000} s burst, static table first, then adaptive\n`,
    );
    const runs = {
      static: await burstThrough('static', running, burst, spreadMs),
      adaptive: await burstThrough('adaptive', running, burst, spreadMs),
    };
    console.log(table(runs).join('\n'));
    console.log(
      '503s: answered 503 by the server (its queue was full); cool-downs: the router read them as overloaded, cooled the model down and sent the request elsewhere.',
    );
    const ratio = p(runs.static.all, 0.95) / p(runs.adaptive.all, 0.95);
    console.log(
      `adaptive p95 is ${ratio.toFixed(1)}x ${ratio >= 1 ? 'lower' : 'higher'} than static over HTTP: it spilled ${runs.adaptive.spills} requests (static: ${runs.static.spills}).`,
    );
  } finally {
    await Promise.all(started.map((s) => s.close()));
    console.log('servers stopped.');
  }
}

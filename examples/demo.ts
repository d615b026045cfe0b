/**
 * `npm run demo`: three simulated models (a 7B coder, a 4B embedder, a 14B reasoner) behind two
 * routers fed the same burst of mixed requests: the old static table and zeta-router's adaptive
 * strategy. A live table shows where requests went and their latencies; the burst of code requests
 * saturates the coder, and the adaptive router spills it to the reasoner and keeps latency down.
 *
 * Runs on the real clock for about ten seconds. Try `npm run demo -- --fast` for a shorter burst,
 * and `npm run demo -- --live` for the live view: per model a load bar against capacity, p95,
 * health, and the spills (redrawn every 250 ms on a terminal; a plain frame a second otherwise).
 * `npm run demo -- --http` runs the burst over real HTTP instead (see demo-http.ts).
 */
import { type CallContext, ZetaDynamicRouter, type ZetaError } from '../src/index.js';
import { httpDemo } from './demo-http.js';
import { renderLiveView } from './live-view.js';

type Req = string | { input: string };

/** Median service time in ms per model and task type: the models' "speed". */
const speed: Record<string, Record<string, number>> = {
  'coder-7b': { code: 260, simple: 120, reasoning: 700 },
  'embedder-4b': { embedding: 35, simple: 150 },
  'reasoner-14b': { code: 380, simple: 220, reasoning: 520 },
};

/** A stand-in for a real model client: answers after a jittered delay, honours the abort signal. */
function simulatedModel(id: string) {
  return (req: Req, ctx: CallContext): Promise<string> =>
    new Promise((resolve, reject) => {
      const median = speed[id]?.[ctx.task.type] ?? 300;
      const ms = median * Math.exp(0.3 * gaussian());
      const timer = setTimeout(
        () => resolve(`${id} answered ${JSON.stringify(req).slice(0, 20)}`),
        ms,
      );
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      });
    });
}

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

function makeRouter(strategy: 'static' | 'adaptive') {
  return new ZetaDynamicRouter<Req, string>({
    strategy,
    models: [
      {
        id: 'coder-7b',
        call: simulatedModel('coder-7b'),
        tasks: ['simple', 'code', 'reasoning'],
        home: ['code', 'simple'],
        maxComplexity: 0.7,
        concurrency: 4,
        maxQueue: 200,
      },
      {
        id: 'embedder-4b',
        call: simulatedModel('embedder-4b'),
        tasks: ['embedding', 'simple'],
        home: ['embedding'],
        concurrency: 8,
        maxQueue: 200,
      },
      {
        id: 'reasoner-14b',
        call: simulatedModel('reasoner-14b'),
        tasks: ['simple', 'code', 'reasoning'],
        home: ['reasoning'],
        concurrency: 3,
        maxQueue: 200,
      },
    ],
  });
}

const prompts: Record<string, Req[]> = {
  code: [
    'Write a TypeScript function that debounces another function.',
    'Fix this bug:\n```js\nconst x = arr.map(a => a.id\n```',
    'Refactor this Python class to use dataclasses: class Point: def __init__(self, x, y): ...',
  ],
  simple: [
    'What is the capital of Portugal?',
    'Give me a synonym for "quick".',
    'Translate "good morning" to French.',
  ],
  embedding: [{ input: 'zeta-router routes requests' }, { input: 'adaptive load balancing' }],
  reasoning: [
    'Prove step by step that the square root of 2 is irrational.',
    'Derive the expected waiting time of an M/M/1 queue and explain why it grows as utilization approaches 1.',
  ],
};

interface Row {
  count: number;
  latencies: number[];
}

const fast = process.argv.includes('--fast');
const live = process.argv.includes('--live');
const burst = fast ? 90 : 180;
const mix: Array<[string, number]> = [
  ['code', 0.7],
  ['simple', 0.1],
  ['embedding', 0.1],
  ['reasoning', 0.1],
];

function pickType(): string {
  let r = Math.random();
  for (const [type, share] of mix) {
    r -= share;
    if (r < 0) return type;
  }
  return 'simple';
}

function p(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const routers = { static: makeRouter('static'), adaptive: makeRouter('adaptive') };
  const stats: Record<string, Record<string, Row>> = { static: {}, adaptive: {} };
  const all: Record<string, number[]> = { static: [], adaptive: [] };
  const errors: Record<string, number> = { static: 0, adaptive: 0 };
  const spills: Record<string, number> = { static: 0, adaptive: 0 };
  const runs: Promise<void>[] = [];
  const started = performance.now();

  const draw = (final = false): void => {
    const lines: string[] = [];
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    lines.push(
      `zeta-router demo: ${burst} mixed requests (70% code) in a 2 s burst; t=${secs}s${final ? ' (done)' : ''}`,
    );
    lines.push('');
    lines.push(
      `${'strategy'.padEnd(10)}${'model'.padEnd(14)}${'served'.padStart(8)}${'running'.padStart(9)}${'waiting'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}`,
    );
    for (const [name, router] of Object.entries(routers)) {
      const snap = router.snapshot();
      for (const m of snap.models) {
        const row = stats[name]![m.id] ?? { count: 0, latencies: [] };
        lines.push(
          `${name.padEnd(10)}${m.id.padEnd(14)}${String(row.count).padStart(8)}${String(m.inFlight).padStart(9)}${String(m.waiting).padStart(9)}${fmt(p(row.latencies, 0.5))}${fmt(p(row.latencies, 0.95))}`,
        );
      }
      const lat = all[name]!;
      lines.push(
        `${''.padEnd(10)}${'all'.padEnd(14)}${String(lat.length).padStart(8)}${''.padStart(9)}${String(snap.waiting).padStart(9)}${fmt(p(lat, 0.5))}${fmt(p(lat, 0.95))}   errors ${errors[name]}`,
      );
      lines.push('');
    }
    if (process.stdout.isTTY && !final) process.stdout.write(`\x1b[H\x1b[2J${lines.join('\n')}\n`);
    else if (final)
      process.stdout.write(`${process.stdout.isTTY ? '\x1b[H\x1b[2J' : ''}${lines.join('\n')}\n`);
  };
  const fmt = (v: number): string => (Number.isNaN(v) ? '-' : Math.round(v).toString()).padStart(9);

  const tty = process.stdout.isTTY === true;
  const drawLive = (final = false): void => {
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const lines = [
      `zeta-router live: ${burst} mixed requests; t=${secs}s${final ? ' (done)' : ''}`,
      '',
    ];
    for (const [name, router] of Object.entries(routers)) {
      const served = all[name]!.length;
      const counters = { served, spills: spills[name]!, errors: errors[name]! };
      lines.push(...renderLiveView(name, router.snapshot(), counters, tty), '');
    }
    process.stdout.write(`${tty ? '\x1b[H\x1b[2J' : ''}${lines.join('\n')}\n`);
  };

  const ticker = live
    ? setInterval(() => drawLive(), tty ? 250 : 1000)
    : setInterval(() => draw(), 200);
  for (let i = 0; i < burst; i++) {
    const type = pickType();
    const pool = prompts[type]!;
    const req = pool[i % pool.length]!;
    for (const [name, router] of Object.entries(routers)) {
      runs.push(
        router.runWithInfo(req).then(
          (info) => {
            const rows = stats[name]!;
            const row = rows[info.model] ?? { count: 0, latencies: [] };
            rows[info.model] = row;
            row.count++;
            row.latencies.push(info.totalMs);
            all[name]!.push(info.totalMs);
            if (info.decision.spilled) spills[name]!++;
          },
          (error: ZetaError) => {
            errors[name]!++;
            if (errors[name] === 1) console.error(`${name}: ${error.code}: ${error.message}`);
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 2000 / burst));
  }
  await Promise.all(runs);
  clearInterval(ticker);
  if (live) drawLive(true);
  else draw(true);
  const ratio = p(all.static!, 0.95) / p(all.adaptive!, 0.95);
  const spilled = spills.adaptive!;
  console.log(
    `adaptive p95 is ${ratio.toFixed(1)}x lower than static: it spilled ${spilled} requests from busy home models to other capable ones (static: ${spills.static}).`,
  );
  await Promise.all([routers.static.close(), routers.adaptive.close()]);
}

if (process.argv.includes('--http')) await httpDemo(fast);
else await main();

/**
 * Adaptive against the best baseline, per scenario: every built-in scenario and both trace
 * replays (Azure 2023 code + conversation, Mooncake conversation), each run with `static`,
 * `least-loaded`, `adaptive` and every peer policy (`peerStrategyNames`) for seeds 1..N, on the
 * same arrivals per seed. The best baseline of a scenario is the one (among static, least-loaded
 * and the peers) with the lowest mean over the seeds for that percentile; the table prints
 * adaptive's mean, the best baseline's mean, their ratio (the average target: <= 1.00x) and the
 * largest single-seed ratio adaptive / that baseline (target: <= 1.05x), for p50 and p99, then
 * adaptive's p99 against the pooled reference (mean and worst seed; heterogeneous-1000 target:
 * within 1.3x). For heterogeneous-1000 it also runs adaptive warm: with the state a router learned
 * on earlier traffic (another seed's arrivals), carried over by exportLearned / importLearned as
 * `router.exportState()` / `importState()` do across a restart, and prints its p99 against pooled.
 *
 *   npm run compare:peers                        # seeds 1..5, default request counts
 *   npm run compare:peers -- --seeds 3 --requests 5000 --only steady,ramp
 *   npm run compare:peers -- --fleet fleet.json  # every workload and trace on your fleet
 *
 * With `--fleet` (a JSON array of SimModelSpec, or `{ "models": [...] }`, as `zeta-sim --fleet`
 * reads it) every scenario's workload and both traces run on that fleet instead, the traces
 * compressed for it; requests it cannot serve are counted in a note. A scenario's phases belong to
 * its fleet: `slow-model` and `failing-model` are plain traffic on a fleet without `phases`.
 *
 * Traces are read from ZETA_TRACE_DIR (default ../shared/traces/azure-llm-2023) and
 * ZETA_MOONCAKE_DIR (default ../shared/traces/mooncake-conversation); a missing one is skipped
 * with a note. Runs on the sources (tsx): no build needed after tuning a strategy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InMemoryLoadTracker } from '../src/load/index.js';
import {
  type Comparison,
  compareStrategies,
  compressionForUtilization,
  defaultFleet,
  generateWorkload,
  getScenario,
  mergeAzureTraces,
  peerStrategyNames,
  readFleet,
  readMooncakeTrace,
  runSimulation,
  type SimModelSpec,
  type SimRequest,
  scenarioNames,
  summarize,
  unservedByFleet,
} from '../src/sim/index.js';

const AZURE_DIR = process.env['ZETA_TRACE_DIR'] ?? '../shared/traces/azure-llm-2023';
const MOONCAKE_DIR = process.env['ZETA_MOONCAKE_DIR'] ?? '../shared/traces/mooncake-conversation';
const BASELINES = ['static', 'least-loaded', ...peerStrategyNames] as const;
const STRATEGIES = ['static', 'least-loaded', 'adaptive', ...peerStrategyNames] as const;
/** The replays' time compression target, as `zeta-sim` uses by default. */
const UTILIZATION = 0.7;

interface Input {
  readonly name: string;
  readonly models: readonly SimModelSpec[];
  /** The requests of one seed. */
  readonly requests: (seed: number) => SimRequest[];
}

function compressed(raw: SimRequest[], fleet: readonly SimModelSpec[]): SimRequest[] {
  const c = compressionForUtilization(fleet, raw, UTILIZATION);
  const compress = Number.isFinite(c) && c > 0 ? c : 1;
  return raw.map((r) => ({ ...r, t: r.t / compress }));
}

function inputs(
  limit: number | undefined,
  notes: string[],
  fleet: readonly SimModelSpec[] | undefined,
): Input[] {
  const traceFleet = fleet ?? defaultFleet;
  const out: Input[] = scenarioNames.map((name) => {
    const s = getScenario(name);
    return {
      name,
      models: fleet ?? s.models,
      requests: (seed) => generateWorkload(s.workload, seed, limit ?? s.requests),
    };
  });
  const code = join(AZURE_DIR, 'code.csv');
  const conv = join(AZURE_DIR, 'conv.csv');
  if (existsSync(code) && existsSync(conv)) {
    const raw = mergeAzureTraces({
      code: readFileSync(code, 'utf8'),
      conv: readFileSync(conv, 'utf8'),
    }).slice(0, limit);
    const requests = compressed(raw, traceFleet);
    out.push({ name: 'azure-llm-2023', models: traceFleet, requests: () => requests });
  } else notes.push(`azure-llm-2023 skipped: no code.csv + conv.csv in ${AZURE_DIR}`);
  const mooncake = join(MOONCAKE_DIR, 'conversation_trace.jsonl');
  if (existsSync(mooncake)) {
    const text = readFileSync(mooncake, 'utf8');
    out.push({
      name: 'mooncake',
      models: traceFleet,
      requests: (seed) => compressed(readMooncakeTrace(text, { seed }).slice(0, limit), traceFleet),
    });
  } else notes.push(`mooncake skipped: no ${mooncake}`);
  return out;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (v: number): string => Math.round(v).toLocaleString('en-US');
const x = (v: number): string => `${v.toFixed(2)}x`;

/** One percentile's summary over the seeds: adaptive against the best baseline. */
function against(runs: readonly Comparison[], pick: (c: Comparison, name: string) => number) {
  const of = (name: string) => runs.map((c) => pick(c, name));
  let best: string = BASELINES[0];
  for (const b of BASELINES) if (mean(of(b)) < mean(of(best))) best = b;
  const adaptive = of('adaptive');
  const base = of(best);
  return {
    adaptive: mean(adaptive),
    best,
    base: mean(base),
    ratio: mean(adaptive) / mean(base),
    worst: Math.max(...adaptive.map((a, i) => a / base[i]!)),
  };
}

function latency(c: Comparison, name: string, key: 'p50' | 'p99'): number {
  const r = c.results.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name} in ${c.scenario}`);
  return r.report.latency[key];
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r, k) =>
      k === 1
        ? widths.map((w) => '─'.repeat(w)).join('  ')
        : r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
}

/**
 * Adaptive's p99 on `input` for `seed`, warm: its tracker starts with what a router learned on
 * another seed's arrivals (exported at the end of that run, imported at time 0).
 */
async function warmP99(input: Input, seed: number): Promise<number> {
  const before = new InMemoryLoadTracker();
  const earlier = input.requests(seed + 1000);
  const run = await runSimulation({
    models: input.models,
    requests: earlier,
    seed: seed + 1000,
    strategy: 'adaptive',
    router: { tracker: before },
  });
  const end = Math.max(...run.outcomes.map((o) => o.end));
  const after = new InMemoryLoadTracker();
  after.importLearned(JSON.parse(JSON.stringify(before.exportLearned(end))), 0);
  const warm = await runSimulation({
    models: input.models,
    requests: input.requests(seed),
    seed,
    strategy: 'adaptive',
    router: { tracker: after },
  });
  return summarize(warm.outcomes.map((o) => o.latency)).p99;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '5' },
      requests: { type: 'string' },
      only: { type: 'string' },
      fleet: { type: 'string' },
    },
  });
  const seeds = Number(values.seeds);
  const limit = values.requests === undefined ? undefined : Number(values.requests);
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new Error('--seeds must be an integer >= 1');
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    throw new Error('--requests must be an integer >= 1');
  const only = values.only?.split(',').map((s) => s.trim());
  const notes: string[] = [];
  const fleet =
    values.fleet === undefined ? undefined : readFleet(readFileSync(values.fleet, 'utf8'));
  const all = inputs(limit, notes, fleet).filter(
    (i) => only === undefined || only.includes(i.name),
  );
  const header = [
    'scenario',
    'p50 adaptive',
    'best baseline',
    'p50 best',
    'mean',
    'max seed',
    'p99 adaptive',
    'best baseline',
    'p99 best',
    'mean',
    'max seed',
    'p99/pooled',
    'max seed',
    'targets',
  ];
  const rows: string[][] = [header, header];
  for (const input of all) {
    const started = performance.now();
    const runs: Comparison[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const requests = input.requests(seed);
      const unserved = seed === 1 ? unservedByFleet(input.models, requests) : new Map();
      if (unserved.size > 0) {
        notes.push(
          `${input.name}: requests no model of the fleet serves (seed 1, per task type; NO_CAPABLE_MODEL for every strategy): ${[...unserved].map(([t, n]) => `${t} ${n}`).join(', ')}`,
        );
      }
      runs.push(
        await compareStrategies({
          scenario: input.name,
          models: input.models,
          requests,
          strategies: [...STRATEGIES],
          seed,
        }),
      );
    }
    const p50 = against(runs, (c, n) => latency(c, n, 'p50'));
    const p99 = against(runs, (c, n) => latency(c, n, 'p99'));
    const pooled = runs.map((c) => c.results.find((r) => r.name === 'adaptive')!.p99VsPooled);
    const verdict = (p: { ratio: number; worst: number }): string =>
      p.ratio <= 1 && p.worst <= 1.05 ? 'ok' : 'MISS';
    const targets = [`p50 ${verdict(p50)}`, `p99 ${verdict(p99)}`];
    if (input.name === 'heterogeneous-1000') {
      targets.push(`pooled ${mean(pooled) <= 1.3 ? 'ok' : 'MISS'}`);
      const ratios: number[] = [];
      for (const [i, c] of runs.entries()) {
        const adaptive = c.results.find((r) => r.name === 'adaptive')!;
        const pooledP99 = adaptive.report.latency.p99 / adaptive.p99VsPooled;
        ratios.push((await warmP99(input, i + 1)) / pooledP99);
      }
      notes.push(
        `heterogeneous-1000, adaptive warm (state learned on earlier traffic imported): p99/pooled per seed ${ratios.map(x).join(', ')}; mean ${x(mean(ratios))}`,
      );
    }
    rows.push([
      input.name,
      ms(p50.adaptive),
      p50.best,
      ms(p50.base),
      x(p50.ratio),
      x(p50.worst),
      ms(p99.adaptive),
      p99.best,
      ms(p99.base),
      x(p99.ratio),
      x(p99.worst),
      x(mean(pooled)),
      x(Math.max(...pooled)),
      targets.join(', '),
    ]);
    process.stderr.write(
      `${input.name}: ${runs[0]!.requests.toLocaleString('en-US')} requests x ${seeds} seeds x ${STRATEGIES.length} strategies in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
  console.log(
    `adaptive vs the best baseline (${BASELINES.join(', ')}), seeds 1..${seeds}${limit === undefined ? '' : `, at most ${limit} requests`}${values.fleet === undefined ? '' : `, on the fleet of ${values.fleet}`}`,
  );
  console.log('mean: ratio of the means over the seeds (target <= 1.00x); max seed: largest');
  console.log(
    'single-seed ratio (target <= 1.05x); p99/pooled: heterogeneous-1000 target <= 1.3x\n',
  );
  console.log(pad(rows));
  for (const n of notes) console.log(`\n${n}`);
}

await main();

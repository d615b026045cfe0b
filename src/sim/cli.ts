#!/usr/bin/env node
/**
 * `zeta-sim`: compare routing strategies on a built-in scenario or a replayed trace, on virtual
 * time, against the pooled reference. Run `zeta-sim --help`.
 */
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { StrategyName } from '../router/options.js';
import type { Strategy } from '../strategy/Strategy.js';
import type { SimModelSpec } from './models.js';
import { renderCdfSvg, renderHtmlReport } from './report/html.js';
import { compareStrategies } from './runner.js';
import {
  compressionForUtilization,
  defaultFleet,
  getScenario,
  scenarioNames,
  scenarios,
} from './scenarios.js';
import { formatComparison } from './table.js';
import {
  AZURE_REASONING_PROMPT_TOKENS,
  mergeAzureTraces,
  readAzureTrace,
  readJsonlTrace,
} from './traces.js';
import type { SimRequest } from './types.js';
import { generateWorkload } from './workloads.js';

const usage = `Usage: zeta-sim <scenario | trace.jsonl | code.csv [conv.csv] | trace-dir> [options]

Runs the real ZetaDynamicRouter on virtual time with each strategy on the same arrivals, plus the
pooled reference (one shared queue, clairvoyant service times), and prints a table.

Inputs:
  <scenario>            one of: ${scenarioNames.join(', ')}
  <trace.jsonl>         one request per line: { "t": ms, "type", "complexity", "tokens", "priority" }
  <code.csv> [conv.csv] Azure LLM inference trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens);
                        both files are merged (code as 'code', conversation split into 'simple'
                        and 'reasoning' by prompt size); a directory holding both works too
Options:
  --strategies <list>   comma-separated: static, least-loaded, adaptive, or paths to modules
                        exporting a Strategy (default export or 'strategy')  [static,least-loaded,adaptive]
  --seed <n>            seed of arrivals, service times and tie-breaks  [1]
  --requests <n>        number of requests (scenario default, or the whole trace)
  --type <type>         task type of a single Azure CSV  [from the file name: code.csv -> code]
  --utilization <u>     compress a replayed trace in time so the busiest model runs near u  [0.7]
  --compress <x>        divide trace times by x instead of --utilization (1 = real time)
  --json                print the comparison as JSON instead of the table
  --html <file>         write a self-contained HTML report with plots
  --svg <file>          write the latency CDF plot as SVG
  --list                list the scenarios and exit
  -h, --help            show this help`;

class UsageError extends Error {}

function number(
  name: string,
  value: string | undefined,
  check: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!check(n)) throw new UsageError(`--${name} must be ${expected}, got '${value}'`);
  return n;
}

async function loadStrategy(entry: string): Promise<StrategyName | Strategy> {
  if (entry === 'static' || entry === 'least-loaded' || entry === 'adaptive') return entry;
  const path = resolve(entry);
  if (!existsSync(path)) {
    throw new UsageError(
      `unknown strategy '${entry}': use static, least-loaded, adaptive or a path to a module`,
    );
  }
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown; strategy?: unknown };
  const s = (mod.strategy ?? mod.default) as Strategy | undefined;
  if (!s || typeof s.rank !== 'function' || typeof s.name !== 'string') {
    throw new UsageError(
      `${entry} must export a Strategy ({ name, rank(input) }) as default or as 'strategy'`,
    );
  }
  return s;
}

interface Workload {
  readonly name: string;
  readonly models: readonly SimModelSpec[];
  readonly requests: SimRequest[];
  readonly note?: string;
}

function readTrace(
  inputs: readonly string[],
  options: { type?: string; compress?: number; utilization: number; requests?: number },
): Workload {
  let files = inputs;
  if (files.length === 1 && statSync(files[0]!).isDirectory()) {
    const dir = files[0]!;
    files = ['code.csv', 'conv.csv'].map((f) => join(dir, f));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new UsageError(
        `${dir} must hold both code.csv and conv.csv (missing ${missing.map((f) => basename(f)).join(', ')}); to replay one file, give its path`,
      );
    }
  }
  let requests: SimRequest[];
  if (files.length === 1 && files[0]!.endsWith('.jsonl')) {
    requests = readJsonlTrace(readFileSync(files[0]!, 'utf8'));
  } else if (files.length === 2 && files.every((f) => f.endsWith('.csv'))) {
    if (options.type !== undefined)
      throw new UsageError('--type goes with a single CSV file, not two');
    const code = files.find((f) => basename(f).startsWith('code'));
    const conv = files.find((f) => basename(f).startsWith('conv'));
    if (!code || !conv) {
      throw new UsageError(
        `cannot tell which file is code and which conversation: name them code*.csv and conv*.csv (got ${files.map((f) => basename(f)).join(', ')})`,
      );
    }
    requests = mergeAzureTraces({
      code: readFileSync(code, 'utf8'),
      conv: readFileSync(conv, 'utf8'),
    });
  } else if (files.length === 1 && files[0]!.endsWith('.csv')) {
    const file = files[0]!;
    const type = options.type ?? (basename(file).startsWith('code') ? 'code' : undefined);
    const text = readFileSync(file, 'utf8');
    requests = type
      ? readAzureTrace(text, { type })
      : readAzureTrace(text, {
          splitBy: (row) =>
            row.contextTokens > AZURE_REASONING_PROMPT_TOKENS ? 'reasoning' : 'simple',
        });
  } else {
    throw new UsageError(
      `cannot read ${files.join(' ')}: give a scenario, a .jsonl trace, or Azure .csv files`,
    );
  }
  // The first N requests in time (a merged trace is sorted and numbered across both files).
  if (options.requests !== undefined) requests = requests.slice(0, options.requests);
  if (requests.length === 0) throw new UsageError(`${files.join(' ')}: the trace has no requests`);
  const compress =
    options.compress ?? compressionForUtilization(defaultFleet, requests, options.utilization);
  const scaled = requests.map((r) => ({ ...r, t: r.t / compress }));
  return {
    name: files.map((f) => basename(f)).join(' + '),
    models: defaultFleet,
    requests: scaled,
    note: `time compressed ${compress.toFixed(2)}x${options.compress === undefined ? ` (busiest model near ${(options.utilization * 100).toFixed(0)}% utilization)` : ''}`,
  };
}

function progressBar(): (run: number, runs: number, settled: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  return (run, runs, settled, total) => {
    const share = (run + settled / total) / runs;
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(
      `\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  run ${run + 1}/${runs}, ${settled.toLocaleString('en-US')}/${total.toLocaleString('en-US')} requests`,
    );
    if (run === runs - 1 && settled === total) process.stderr.write('\n');
  };
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        strategies: { type: 'string', default: 'static,least-loaded,adaptive' },
        seed: { type: 'string', default: '1' },
        requests: { type: 'string' },
        type: { type: 'string' },
        utilization: { type: 'string', default: '0.7' },
        compress: { type: 'string' },
        json: { type: 'boolean', default: false },
        html: { type: 'string' },
        svg: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`zeta-sim: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.list) {
    for (const name of scenarioNames)
      process.stdout.write(`${name.padEnd(20)}${scenarios[name].description}\n`);
    return 0;
  }
  try {
    if (positionals.length === 0) throw new UsageError('give a scenario or a trace');
    const seed = number('seed', values.seed as string, Number.isInteger, 'an integer')!;
    const requests = number(
      'requests',
      values.requests as string | undefined,
      (n) => Number.isInteger(n) && n >= 1,
      'an integer >= 1',
    );
    const utilization = number(
      'utilization',
      values.utilization as string,
      (n) => n > 0 && n < 10,
      'a number above 0 and below 10 (0.7 is 70%)',
    )!;
    const compress = number(
      'compress',
      values.compress as string | undefined,
      (n) => n > 0 && Number.isFinite(n),
      'a number > 0',
    );
    const strategies = await Promise.all(
      (values.strategies as string)
        .split(',')
        .filter(Boolean)
        .map((s) => loadStrategy(s.trim())),
    );
    if (strategies.length === 0) throw new UsageError('--strategies is empty');
    let workload: Workload;
    const first = positionals[0]!;
    if (positionals.length === 1 && (scenarioNames as readonly string[]).includes(first)) {
      const scenario = getScenario(first);
      workload = {
        name: scenario.name,
        models: scenario.models,
        requests: generateWorkload(scenario.workload, seed, requests ?? scenario.requests),
      };
    } else if (positionals.every((p) => existsSync(p))) {
      workload = readTrace(positionals, {
        ...(values.type !== undefined ? { type: values.type as string } : {}),
        ...(compress !== undefined ? { compress } : {}),
        ...(requests !== undefined ? { requests } : {}),
        utilization,
      });
    } else {
      throw new UsageError(
        `'${positionals.join(' ')}' is neither a scenario (${scenarioNames.join(', ')}) nor an existing file`,
      );
    }
    const comparison = await compareStrategies({
      scenario: workload.name,
      models: workload.models,
      requests: workload.requests,
      strategies,
      seed,
      onProgress: progressBar(),
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
    } else {
      process.stdout.write(
        `${formatComparison(comparison)}${workload.note ? `\n${workload.note}\n` : ''}`,
      );
    }
    if (values.html) {
      writeFileSync(values.html as string, renderHtmlReport(comparison));
      process.stderr.write(`wrote ${values.html}\n`);
    }
    if (values.svg) {
      writeFileSync(values.svg as string, renderCdfSvg(comparison));
      process.stderr.write(`wrote ${values.svg}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`zeta-sim: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    process.stderr.write(`zeta-sim: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const invoked = process.argv[1];
if (
  invoked &&
  existsSync(invoked) &&
  import.meta.url === pathToFileURL(realpathSync(invoked)).href
) {
  process.exitCode = await main(process.argv.slice(2));
}

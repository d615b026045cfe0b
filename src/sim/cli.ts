#!/usr/bin/env node
/**
 * `zeta-sim`: compare routing strategies on a built-in scenario or a replayed trace, on virtual
 * time, against the pooled reference. Run `zeta-sim --help`.
 */
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ZetaError } from '../errors/ZetaError.js';
import type { StrategyName } from '../router/options.js';
import type { Strategy } from '../strategy/Strategy.js';
import { MAX_REQUESTS } from './internal/check.js';
import { readFleet, unservedByFleet } from './models/readFleet.js';
import type { SimModelSpec } from './models/spec.js';
import { isPeerStrategyName, peerStrategies, peerStrategyNames } from './peers/peers.js';
import { renderCdfSvg, renderHtmlReport } from './report/html.js';
import { compareStrategies } from './runner.js';
import { defaultFleet } from './scenarios/fleets.js';
import { compressionForUtilization } from './scenarios/load.js';
import { getScenario, scenarioNames, scenarios } from './scenarios/scenarios.js';
import { formatComparison } from './table.js';
import { MAX_COMPRESS, MIN_COMPRESS } from './traces/azureRequests.js';
import { AZURE_REASONING_PROMPT_TOKENS, mergeAzureTraces } from './traces/mergeAzureTraces.js';
import { readAzureTrace } from './traces/readAzureTrace.js';
import { readJsonlTrace } from './traces/readJsonlTrace.js';
import { readMooncakeTrace } from './traces/readMooncakeTrace.js';
import { TraceError } from './traces/TraceError.js';
import type { SimRequest } from './types.js';
import { generateWorkload } from './workloads/requests.js';

/** Most strategies one command compares (each is a full run). */
const MAX_STRATEGIES = 10;
/** Largest seed: seeds are 32-bit. */
const MAX_SEED = 4_294_967_295;
/** Largest trace file read (a JSONL line is ~80 bytes: 1,000,000 requests is ~80 MB). */
const MAX_TRACE_BYTES = 256 * 1024 * 1024;

const MAX_REQUESTS_TEXT = MAX_REQUESTS.toLocaleString('en-US');
const MAX_COMPRESS_TEXT = MAX_COMPRESS.toLocaleString('en-US');

const usage = `Usage: zeta-sim <scenario | trace.jsonl | code.csv [conv.csv] | trace-dir> [options]

Runs the real ZetaDynamicRouter on virtual time with each strategy on the same arrivals, plus the
pooled reference (one shared queue, clairvoyant service times), and prints a table.

Inputs:
  <scenario>            one of: ${scenarioNames.join(', ')}
  <trace.jsonl>         one request per line: { "t": ms, "type", "complexity", "tokens", "priority" },
                        or the Mooncake (Kimi) trace: { "timestamp", "input_length", "output_length",
                        "hash_ids" } (prompts over 32,768 tokens as 'reasoning', the rest 'simple';
                        a directory holding conversation_trace.jsonl works too)
  <code.csv> [conv.csv] Azure LLM inference trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens);
                        both files are merged (code as 'code', conversation split into 'simple'
                        and 'reasoning' by prompt size); a directory holding both works too
Options:
  --strategies <list>   comma-separated, at most ${MAX_STRATEGIES}: static, least-loaded, adaptive, the
                        peer policies (other routers' strategies, bound at arrival):
                        ${peerStrategyNames.join(', ')},
                        or paths to modules exporting a Strategy (default export or 'strategy')
                        [static,least-loaded,adaptive]
  --seed <n>            seed of arrivals, service times and tie-breaks, 0 to 4294967295  [1]
  --requests <n>        number of requests, 1 to ${MAX_REQUESTS_TEXT} (scenario default, or the whole trace)
  --fleet <file.json>   run on your own fleet instead of the scenario's (or, for a trace, the
                        default one): a JSON array of model specs (id, tasks, home,
                        maxComplexity, maxTokens, concurrency, service...; see SimModelSpec),
                        or { "models": [...] }
  --type <type>         task type of a single Azure CSV  [from the file name: code.csv -> code]
  --utilization <u>     compress a replayed trace in time so the busiest model runs near u,
                        above 0 and below 10  [0.7]
  --compress <x>        divide trace times by x instead of --utilization (1 = real time),
                        ${MIN_COMPRESS} to ${MAX_COMPRESS_TEXT}
  --json                print the comparison as JSON instead of the table
  --html <file>         write a self-contained HTML report with plots
  --svg <file>          write the latency CDF plot as SVG
  --list                list the scenarios and exit
  -h, --help            show this help`;

/** A mistake in the command line: exit code 2, the message and the usage. */
class UsageError extends Error {}

/** Bad input data (a trace file): exit code 2, the one-line message. */
class InputError extends Error {}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Parses a numeric flag: decimal notation only (no '', hex, Infinity), checked against `check`
 * before anything is allocated. The message says the accepted range and echoes the value.
 */
function number(
  name: string,
  value: string | undefined,
  options: { integer: boolean; check: (n: number) => boolean; expected: string },
): number | undefined {
  if (value === undefined) return undefined;
  const n = (options.integer ? INTEGER : DECIMAL).test(value.trim()) ? Number(value) : Number.NaN;
  if (!(Number.isFinite(n) && options.check(n))) {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    throw new UsageError(`--${name} must be ${options.expected}, got '${shown}'`);
  }
  return n;
}

/**
 * Reads a file as text, refusing one over `maxBytes` with `tooLarge(name, size)` (sizes in MiB,
 * rounded); by default a trace, with the advice to cut it.
 */
function readText(
  file: string,
  maxBytes = MAX_TRACE_BYTES,
  tooLarge: (name: string, mib: string) => Error = (name, mib) =>
    new UsageError(
      `${name} is ${mib} MiB; traces up to ${MAX_TRACE_BYTES / 2 ** 20} MiB are read: cut it (e.g. head -n ${MAX_REQUESTS} ${name})`,
    ),
): string {
  const size = statSync(file).size;
  if (size > maxBytes) throw tooLarge(basename(file), (size / 2 ** 20).toFixed(0));
  return readFileSync(file, 'utf8');
}

/** Non-blank lines of `text`, counted without splitting it. */
function countLines(text: string): number {
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text.slice(start, end).trim() !== '') count++;
    start = end + 1;
  }
  return count;
}

/** The Mooncake trace's file name, found in a directory given as the input. */
const MOONCAKE_FILE = 'conversation_trace.jsonl';

/** Whether a JSONL text is in the Mooncake format: its first row has `input_length`. */
function isMooncake(text: string): boolean {
  const first = /^[ \t]*\S.*$/m.exec(text)?.[0];
  try {
    const row: unknown = first === undefined ? undefined : JSON.parse(first);
    return typeof row === 'object' && row !== null && 'input_length' in row;
  } catch {
    return false;
  }
}

/** Refuses a trace with more rows than the simulator holds, before parsing it. */
function assertRowCount(files: readonly string[], texts: readonly string[], headers: number): void {
  const rows = texts.reduce((n, text) => n + countLines(text), 0) - headers;
  if (rows > MAX_REQUESTS) {
    throw new UsageError(
      `${files.map((f) => basename(f)).join(' + ')} holds ${rows.toLocaleString('en-US')} requests; at most ${MAX_REQUESTS_TEXT} are replayed: cut the file (e.g. head -n ${MAX_REQUESTS})`,
    );
  }
}

/** Runs a trace reader, turning a {@link TraceError} into an input error naming the file. */
function parse<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TraceError) throw new InputError(`${file}: ${error.message}`);
    throw error;
  }
}

async function loadStrategy(entry: string): Promise<StrategyName | Strategy> {
  if (entry === 'static' || entry === 'least-loaded' || entry === 'adaptive') return entry;
  if (isPeerStrategyName(entry)) return peerStrategies[entry];
  const path = resolve(entry);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UsageError(
      `unknown strategy '${entry}': use static, least-loaded, adaptive, a peer policy (${peerStrategyNames.join(', ')}) or a path to a module`,
    );
  }
  let mod: { default?: unknown; strategy?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as typeof mod;
  } catch (error) {
    throw new UsageError(
      `cannot load the strategy module ${entry} (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): give a JavaScript module exporting a Strategy`,
    );
  }
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

/** Problems of a fleet file shown on its one line (the rest are counted). */
const SHOWN_FLEET_PROBLEMS = 5;

/** Largest fleet file read: a 10,000-model fleet is about 3 MB. */
const MAX_FLEET_BYTES = 16 * 1024 * 1024;

/** Reads `--fleet`: an input error naming the file and its first problems when it is bad. */
function loadFleet(file: string): readonly SimModelSpec[] {
  if (!existsSync(file)) {
    throw new UsageError(`--fleet ${file}: no such file; give a JSON file of model specs`);
  }
  const stat = statSync(file);
  if (!stat.isFile()) {
    throw new UsageError(
      `--fleet ${file}: ${stat.isDirectory() ? 'is a directory' : 'is not a regular file'}; give a JSON file of model specs`,
    );
  }
  const text = readText(
    file,
    MAX_FLEET_BYTES,
    (name, mib) =>
      new InputError(
        `${name} is ${mib} MiB; fleet files up to ${MAX_FLEET_BYTES / 2 ** 20} MiB are read (10,000 models take about 3 MB)`,
      ),
  );
  try {
    return readFleet(text);
  } catch (error) {
    if (!(error instanceof ZetaError)) throw error;
    const problems = error.problems.length > 0 ? error.problems : [error.message];
    const more = problems.length - SHOWN_FLEET_PROBLEMS;
    throw new InputError(
      `${basename(file)}: ${problems
        .slice(0, SHOWN_FLEET_PROBLEMS)
        .map((p) => p.replace(/\s+/g, ' '))
        .join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`,
    );
  }
}

/** A note for requests the fleet cannot serve: they fail whatever the strategy. */
function unservedNote(workload: Workload): string | undefined {
  const unserved = unservedByFleet(workload.models, workload.requests);
  if (unserved.size === 0) return undefined;
  let total = 0;
  for (const n of unserved.values()) total += n;
  const byType = [...unserved].map(([type, n]) => `'${type}' ${n.toLocaleString('en-US')}`);
  return `${total.toLocaleString('en-US')} requests have no capable model in the fleet (${byType.join(', ')}): they fail with NO_CAPABLE_MODEL whatever the strategy; add a model serving them (tasks, maxComplexity, maxTokens)`;
}

function readTrace(
  inputs: readonly string[],
  options: {
    models: readonly SimModelSpec[];
    type?: string;
    compress?: number;
    utilization: number;
    requests?: number;
    seed: number;
  },
): Workload {
  let files = inputs;
  if (files.length === 1 && statSync(files[0]!).isDirectory()) {
    const dir = files[0]!;
    files = existsSync(join(dir, MOONCAKE_FILE))
      ? [join(dir, MOONCAKE_FILE)]
      : ['code.csv', 'conv.csv'].map((f) => join(dir, f));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new UsageError(
        `${dir} must hold ${MOONCAKE_FILE}, or both code.csv and conv.csv (missing ${missing.map((f) => basename(f)).join(', ')}); to replay one file, give its path`,
      );
    }
  }
  let requests: SimRequest[];
  if (files.length === 1 && files[0]!.endsWith('.jsonl')) {
    const file = files[0]!;
    const text = readText(file);
    assertRowCount(files, [text], 0);
    requests = isMooncake(text)
      ? parse(basename(file), () => readMooncakeTrace(text, { seed: options.seed }))
      : parse(basename(file), () => readJsonlTrace(text));
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
    const texts = { code: readText(code), conv: readText(conv) };
    assertRowCount([code, conv], [texts.code, texts.conv], 2);
    requests = parse(`${basename(code)} + ${basename(conv)}`, () => mergeAzureTraces(texts));
  } else if (files.length === 1 && files[0]!.endsWith('.csv')) {
    const file = files[0]!;
    const type = options.type ?? (basename(file).startsWith('code') ? 'code' : undefined);
    const text = readText(file);
    assertRowCount(files, [text], 1);
    requests = parse(basename(file), () =>
      type
        ? readAzureTrace(text, { type })
        : readAzureTrace(text, {
            splitBy: (row) =>
              row.contextTokens > AZURE_REASONING_PROMPT_TOKENS ? 'reasoning' : 'simple',
          }),
    );
  } else {
    throw new UsageError(
      `cannot read ${files.join(' ')}: give a scenario, a .jsonl trace, or Azure .csv files`,
    );
  }
  // The first N requests in time (a merged trace is sorted and numbered across both files).
  if (options.requests !== undefined) requests = requests.slice(0, options.requests);
  if (requests.length === 0) throw new UsageError(`${files.join(' ')}: the trace has no requests`);
  const estimated =
    options.compress ?? compressionForUtilization(options.models, requests, options.utilization);
  // A trace spanning (almost) no time has no rate to scale: replay it as it is.
  const compress = Number.isFinite(estimated) && estimated > 0 ? estimated : 1;
  const scaled = requests.map((r) => ({ ...r, t: r.t / compress }));
  return {
    name: files.map((f) => basename(f)).join(' + '),
    models: options.models,
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
        fleet: { type: 'string' },
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
    const seed = number('seed', values.seed as string, {
      integer: true,
      check: (n) => n >= 0 && n <= MAX_SEED,
      expected: `an integer from 0 to ${MAX_SEED}`,
    })!;
    const requests = number('requests', values.requests as string | undefined, {
      integer: true,
      check: (n) => n >= 1 && n <= MAX_REQUESTS,
      expected: `an integer from 1 to ${MAX_REQUESTS_TEXT} (every request is held in memory)`,
    });
    const utilization = number('utilization', values.utilization as string, {
      integer: false,
      check: (n) => n > 0 && n < 10,
      expected: 'a number above 0 and below 10 (0.7 is 70%)',
    })!;
    const compress = number('compress', values.compress as string | undefined, {
      integer: false,
      check: (n) => n >= MIN_COMPRESS && n <= MAX_COMPRESS,
      expected: `a number from ${MIN_COMPRESS} to ${MAX_COMPRESS_TEXT} (1 = real time)`,
    });
    if (values.type !== undefined && !/^\S{1,64}$/.test(values.type as string))
      throw new UsageError(
        `--type must be a task type of 1 to 64 characters without spaces, got '${(values.type as string).slice(0, 40)}'`,
      );
    const entries = (values.strategies as string)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (entries.length === 0)
      throw new UsageError('--strategies is empty: give e.g. static,least-loaded,adaptive');
    if (entries.length > MAX_STRATEGIES)
      throw new UsageError(
        `--strategies lists ${entries.length} strategies; at most ${MAX_STRATEGIES} are compared in one run`,
      );
    const strategies = await Promise.all(entries.map((s) => loadStrategy(s)));
    const fleet = values.fleet === undefined ? undefined : loadFleet(values.fleet as string);
    let workload: Workload;
    const first = positionals[0]!;
    if (positionals.length === 1 && (scenarioNames as readonly string[]).includes(first)) {
      const scenario = getScenario(first);
      workload = {
        name: scenario.name,
        models: fleet ?? scenario.models,
        requests: generateWorkload(scenario.workload, seed, requests ?? scenario.requests),
      };
    } else if (positionals.every((p) => existsSync(p))) {
      workload = readTrace(positionals, {
        models: fleet ?? defaultFleet,
        ...(values.type !== undefined ? { type: values.type as string } : {}),
        ...(compress !== undefined ? { compress } : {}),
        ...(requests !== undefined ? { requests } : {}),
        utilization,
        seed,
      });
    } else {
      throw new UsageError(
        `'${positionals.join(' ')}' is neither a scenario (${scenarioNames.join(', ')}) nor an existing file`,
      );
    }
    const notes = [
      ...(workload.note === undefined ? [] : [workload.note]),
      ...(fleet === undefined
        ? []
        : [`fleet: ${basename(values.fleet as string)} (${fleet.length} models)`]),
    ];
    const unserved = unservedNote(workload);
    if (unserved !== undefined) process.stderr.write(`zeta-sim: warning: ${unserved}\n`);
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
        `${formatComparison(comparison)}${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}`,
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
    if (error instanceof InputError) {
      process.stderr.write(`zeta-sim: ${error.message}\n`);
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

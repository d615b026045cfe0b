/**
 * Routing quality: every built-in scenario (and the Azure production trace when it is at hand),
 * static vs least-loaded vs adaptive against the pooled reference, with the targets checked and
 * printed (never asserted). Same command as the README's tables: `npm run bench`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Comparison, compareStrategies } from '../src/sim/runner.js';
import { defaultFleet } from '../src/sim/scenarios/fleets.js';
import { compressionForUtilization } from '../src/sim/scenarios/load.js';
import { getScenario, scenarioNames } from '../src/sim/scenarios/scenarios.js';
import { formatComparison } from '../src/sim/table.js';
import { mergeAzureTraces } from '../src/sim/traces/mergeAzureTraces.js';
import { generateWorkload } from '../src/sim/workloads/requests.js';

const TRACE_DIR = process.env.ZETA_TRACE_DIR ?? '../shared/traces/azure-llm-2023';
const strategies = ['static', 'least-loaded', 'adaptive'] as const;

function result(c: Comparison, name: string) {
  const r = c.results.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name} in ${c.scenario}`);
  return r;
}

const errorsOf = (c: Comparison, name: string): number =>
  Object.values(result(c, name).report.errors).reduce((a, b) => a + b, 0);

export async function scenarioBench(): Promise<void> {
  console.log('\n## Routing quality (seed 1, default request counts)\n');
  const checks: string[] = [];
  const comparisons: Comparison[] = [];
  for (const name of scenarioNames) {
    const scenario = getScenario(name);
    const started = performance.now();
    const requests = generateWorkload(scenario.workload, 1, scenario.requests);
    const c = await compareStrategies({
      scenario: name,
      models: scenario.models,
      requests,
      strategies: [...strategies],
      seed: 1,
    });
    comparisons.push(c);
    console.log(formatComparison(c));
    console.log(
      `(${((performance.now() - started) / 1000).toFixed(1)} s for ${strategies.length + 1} runs)\n`,
    );
  }
  if (existsSync(`${TRACE_DIR}/code.csv`) && existsSync(`${TRACE_DIR}/conv.csv`)) {
    const raw = mergeAzureTraces({
      code: readFileSync(`${TRACE_DIR}/code.csv`, 'utf8'),
      conv: readFileSync(`${TRACE_DIR}/conv.csv`, 'utf8'),
    });
    const compress = compressionForUtilization(defaultFleet, raw, 0.7);
    const requests = raw.map((r) => ({ ...r, t: r.t / compress }));
    const c = await compareStrategies({
      scenario: 'azure-llm-2023 (code + conv)',
      models: defaultFleet,
      requests,
      strategies: [...strategies],
      seed: 1,
    });
    comparisons.push(c);
    console.log(formatComparison(c));
    console.log(`time compressed ${compress.toFixed(2)}x: busiest model near 70% utilization\n`);
  } else {
    console.log(`(Azure trace not found at ${TRACE_DIR}: set ZETA_TRACE_DIR to replay it)\n`);
  }

  for (const c of comparisons) {
    const ad = result(c, 'adaptive');
    const st = result(c, 'static');
    const worseP99 = ad.report.latency.p99 > st.report.latency.p99;
    const worseErrors = errorsOf(c, 'adaptive') > errorsOf(c, 'static');
    checks.push(
      `${c.scenario.padEnd(30)} adaptive p99 ${ad.p99VsPooled.toFixed(2)}x pooled, ${(st.report.latency.p99 / ad.report.latency.p99).toFixed(1)}x better than static; ` +
        `vs static: p99 ${worseP99 ? 'WORSE' : 'ok'}, errors ${worseErrors ? 'WORSE' : 'ok'}`,
    );
  }
  console.log('## Targets\n');
  for (const line of checks) console.log(line);
  const get = (name: string) => comparisons.find((c) => c.scenario === name)!;
  const burst = get('code-burst');
  console.log('');
  console.log(
    `code-burst: adaptive p99 within 1.25x of pooled: ${result(burst, 'adaptive').p99VsPooled <= 1.25 ? 'met' : 'MISSED'} (${result(burst, 'adaptive').p99VsPooled.toFixed(2)}x)`,
  );
  console.log(
    `steady:     adaptive p99 within 1.25x of pooled: ${result(get('steady'), 'adaptive').p99VsPooled <= 1.25 ? 'met' : 'MISSED'} (${result(get('steady'), 'adaptive').p99VsPooled.toFixed(2)}x)`,
  );
  const factor =
    result(burst, 'static').report.latency.p99 / result(burst, 'adaptive').report.latency.p99;
  console.log(
    `code-burst: adaptive p99 at least 3x better than static: ${factor >= 3 ? 'met' : 'MISSED'} (${factor.toFixed(1)}x)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await scenarioBench();

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a snippet in a fresh Node process from the package root, resolving `zeta-router` by its exports map. */
function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

describe('built package (npm test builds it first)', () => {
  it('has been built', () => {
    expect(existsSync(`${root}/dist/index.js`)).toBe(true);
    expect(existsSync(`${root}/dist/index.cjs`)).toBe(true);
  });

  it('loads with import', () => {
    const out = runNode([
      '--input-type=module',
      '-e',
      "import { ZetaDynamicRouter, ZetaError } from 'zeta-router'; console.log(typeof ZetaDynamicRouter, new ZetaError('CLOSED', 'x').code);",
    ]);
    expect(out.trim()).toBe('function CLOSED');
  });

  it('loads with require', () => {
    const out = runNode([
      '-e',
      "const { ZetaDynamicRouter, ZetaError } = require('zeta-router'); console.log(typeof ZetaDynamicRouter, new ZetaError('CLOSED', 'x').code);",
    ]);
    expect(out.trim()).toBe('function CLOSED');
  });
});

describe('built package: the zeta-router/sim subpath and the zeta-sim command', () => {
  it('loads zeta-router/sim with import and require', () => {
    const esm = runNode([
      '--input-type=module',
      '-e',
      "import { compareStrategies, VirtualClock } from 'zeta-router/sim'; console.log(typeof compareStrategies, typeof VirtualClock);",
    ]);
    expect(esm.trim()).toBe('function function');
    const cjs = runNode([
      '-e',
      "const { compareStrategies, scenarioNames } = require('zeta-router/sim'); console.log(typeof compareStrategies, scenarioNames.includes('code-burst'));",
    ]);
    expect(cjs.trim()).toBe('function true');
  });

  it('runs zeta-sim from the build and prints the comparison table', () => {
    const out = runNode([
      'dist/sim/cli.js',
      'steady',
      '--requests',
      '300',
      '--strategies',
      'static,adaptive',
    ]);
    expect(out).toMatch(/steady: 300 requests, seed 1/);
    expect(out).toMatch(/^static\s+[\d,]+/m);
    expect(out).toMatch(/^adaptive\s+[\d,]+/m);
    expect(out).toMatch(/^pooled\s+[\d,]+.*1\.00x/m);
  });
});

describe('built package: the zeta-router/prometheus subpath', () => {
  it('loads with import and require, and the core does not pull prom-client in', () => {
    const esm = runNode([
      '--input-type=module',
      '-e',
      "import { registerPrometheusMetrics, defaultBuckets } from 'zeta-router/prometheus'; console.log(typeof registerPrometheusMetrics, defaultBuckets.timeToFirstToken.at(-1));",
    ]);
    expect(esm.trim()).toBe('function 2560');
    const cjs = runNode([
      '-e',
      "const { registerPrometheusMetrics } = require('zeta-router/prometheus'); console.log(typeof registerPrometheusMetrics);",
    ]);
    expect(cjs.trim()).toBe('function');
    const core = runNode([
      '-e',
      "require('zeta-router'); console.log(Object.keys(require.cache).some((f) => f.includes('prom-client')));",
    ]);
    expect(core.trim()).toBe('false');
  });
});

describe('built package: the zeta-router/otel subpath', () => {
  it('loads with import and require, and the core does not pull @opentelemetry/api in', () => {
    const esm = runNode([
      '--input-type=module',
      '-e',
      "import { instrumentRouter, ATTR_GEN_AI_REQUEST_MODEL } from 'zeta-router/otel'; console.log(typeof instrumentRouter, ATTR_GEN_AI_REQUEST_MODEL);",
    ]);
    expect(esm.trim()).toBe('function gen_ai.request.model');
    const cjs = runNode([
      '-e',
      "const { createOtelTracing } = require('zeta-router/otel'); console.log(typeof createOtelTracing().wrapCall);",
    ]);
    expect(cjs.trim()).toBe('function');
    const core = runNode([
      '-e',
      "require('zeta-router'); console.log(Object.keys(require.cache).some((f) => f.includes('@opentelemetry')));",
    ]);
    expect(core.trim()).toBe('false');
  });
});

describe('built package: the zeta-router/openai subpath', () => {
  it('loads with import and require, and the core does not pull openai in', () => {
    const esm = runNode([
      '--input-type=module',
      '-e',
      "import { openaiModel, parseRetryAfter } from 'zeta-router/openai'; const m = openaiModel({ id: 'x', baseURL: 'http://127.0.0.1:1/v1', model: 'q', tasks: ['simple'] }); console.log(typeof m.call, parseRetryAfter(new Headers({ 'retry-after': '2' })));",
    ]);
    expect(esm.trim()).toBe('function 2000');
    const cjs = runNode([
      '-e',
      "const { toModelCallError } = require('zeta-router/openai'); console.log(toModelCallError({ status: 429 }, undefined, 'x').kind);",
    ]);
    expect(cjs.trim()).toBe('overloaded');
    const core = runNode([
      '-e',
      "require('zeta-router'); console.log(Object.keys(require.cache).some((f) => f.includes('node_modules/openai')));",
    ]);
    expect(core.trim()).toBe('false');
  });
});

describe('built package: the zeta-router/ai-sdk subpath', () => {
  it('loads with import and require without loading @ai-sdk/provider, and the core does not pull it in', () => {
    const esm = runNode([
      '--input-type=module',
      '-e',
      "import { languageModel, embeddingModel, toAiSdkError } from 'zeta-router/ai-sdk'; import { ZetaError } from 'zeta-router';" +
        "const m = languageModel({ runWithInfo: async () => { throw new ZetaError('CAPACITY_EXCEEDED', 'full'); } });" +
        'const e = await m.doGenerate({ prompt: [] }).catch((x) => x);' +
        "console.log(m.specificationVersion, typeof embeddingModel, e.isRetryable, e.responseHeaders['retry-after'], typeof toAiSdkError);",
    ]);
    expect(esm.trim()).toBe('v4 function true 1 function');
    const cjs = runNode([
      '-e',
      "const { aiSdkModel } = require('zeta-router/ai-sdk'); const m = aiSdkModel({ id: 'x', tasks: ['simple'], model: { specificationVersion: 'v4', modelId: 'q', doGenerate: async () => ({}) } }); console.log(typeof m.call, Object.keys(require.cache).some((f) => f.includes('@ai-sdk')));",
    ]);
    expect(cjs.trim()).toBe('function false');
    const core = runNode([
      '-e',
      "require('zeta-router'); console.log(Object.keys(require.cache).some((f) => f.includes('@ai-sdk')));",
    ]);
    expect(core.trim()).toBe('false');
  });
});

describe('built package: the zeta-router/redis subpath', () => {
  it('loads with import and require without loading redis or ioredis, and the core does not pull them in', () => {
    const esm = runNode([
      '--input-type=module',
      '-e',
      "import { RedisCapacityCoordinator, RedisLoadTracker, nodeRedisClient, ioredisClient } from 'zeta-router/redis'; import { InMemoryCapacityCoordinator, powerOfTwoChoices } from 'zeta-router';" +
        'console.log(typeof RedisCapacityCoordinator, typeof RedisLoadTracker, typeof nodeRedisClient, typeof ioredisClient, typeof InMemoryCapacityCoordinator, typeof powerOfTwoChoices);',
    ]);
    expect(esm.trim()).toBe('function function function function function function');
    const cjs = runNode([
      '-e',
      "const { RedisCapacityCoordinator } = require('zeta-router/redis'); console.log(typeof RedisCapacityCoordinator, Object.keys(require.cache).some((f) => /node_modules[\\\\/](redis|ioredis|@redis)[\\\\/]/.test(f)));",
    ]);
    expect(cjs.trim()).toBe('function false');
  });
});

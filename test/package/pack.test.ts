import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Packs the package as `npm pack` would on a fresh clone (the checked-in files only, no `dist/`),
 * installs the tarball into an empty app, and uses it there as a user would.
 */
describe('npm pack on a fresh clone, installed into an empty app', { timeout: 180_000 }, () => {
  let work: string;
  let app: string;
  let packed: PackResult;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'zeta-pack-'));
    const clone = join(work, 'clone');
    // What a clone holds: tracked files plus new ones not ignored (so dist/ is never copied).
    const files = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], root)
      .split('\0')
      .filter((file) => file !== '');
    for (const file of files) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(root, file), join(clone, file), { dereference: false });
    }
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');

    const out = run(npm, ['pack', '--json', '--pack-destination', work], clone);
    // npm prints the prepack build's output before the JSON array.
    const parsed = JSON.parse(out.slice(out.lastIndexOf('\n[') + 1)) as PackResult[];
    packed = parsed[0]!;

    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    run(
      npm,
      ['install', join(work, packed.filename), '--no-audit', '--no-fund', '--prefer-offline'],
      app,
    );
  }, 180_000); // a build, a pack and an install: longer than the default hook timeout

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds on prepack and ships dist, types, the licence and the readme, and no sources', () => {
    const paths = packed.files.map((file) => file.path);
    for (const expected of [
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/sim/index.js',
      'dist/sim/index.cjs',
      'dist/sim/index.d.ts',
      'dist/sim/index.d.cts',
      'dist/sim/cli.js',
      'dist/prometheus/index.js',
      'dist/prometheus/index.cjs',
      'dist/prometheus/index.d.ts',
      'dist/prometheus/index.d.cts',
      'dist/otel/index.js',
      'dist/otel/index.cjs',
      'dist/otel/index.d.ts',
      'dist/otel/index.d.cts',
      'dist/openai/index.js',
      'dist/openai/index.cjs',
      'dist/openai/index.d.ts',
      'dist/openai/index.d.cts',
      'dist/ai-sdk/index.js',
      'dist/ai-sdk/index.cjs',
      'dist/ai-sdk/index.d.ts',
      'dist/ai-sdk/index.d.cts',
      'LICENSE',
      'README.md',
      'package.json',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(paths.filter((path) => /^(src|test|bench|examples)\//.test(path))).toEqual([]);
  });

  it('imports with ESM in the app', () => {
    const out = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { ZetaDynamicRouter } from 'zeta-router'; import { VirtualClock } from 'zeta-router/sim';" +
          "const r = new ZetaDynamicRouter({ models: [{ id: 'm', call: async (q) => q + '!', tasks: ['simple'] }] });" +
          "console.log(await r.run('hi', { task: 'simple' }), typeof VirtualClock); await r.close();",
      ],
      app,
    );
    expect(out.trim()).toBe('hi! function');
  });

  it('requires with CommonJS in the app', () => {
    const out = run(
      process.execPath,
      [
        '-e',
        "const { ZetaDynamicRouter, isZetaError } = require('zeta-router'); const { scenarioNames } = require('zeta-router/sim');" +
          "const r = new ZetaDynamicRouter({ models: [{ id: 'm', call: async (q) => q + '?', tasks: ['simple'] }] });" +
          "r.run('hi', { task: 'simple' }).then((a) => { console.log(a, typeof isZetaError, scenarioNames.includes('steady')); return r.close(); });",
      ],
      app,
    );
    expect(out.trim()).toBe('hi? function true');
  });

  // The entry points share the core's classes (the build splits shared code into chunks): an error
  // thrown by a subpath is an instance of the class 'zeta-router' exports, and importing
  // 'zeta-router/ai-sdk' gives every router languageModel() / embeddingModel().
  const shared = (imports: string, tail: string) =>
    `${imports}
let bad; try { aiSdkModel({}); } catch (e) { bad = e; }
const doGenerate = async () => ({ content: [{ type: 'text', text: 'hi' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: { total: 2 }, outputTokens: { total: 1 } }, warnings: [] });
const model = { specificationVersion: 'v4', provider: 'p', modelId: 'q', supportedUrls: {}, doGenerate, doStream: doGenerate };
const r = new ZetaDynamicRouter({ models: [aiSdkModel({ id: 'a', tasks: ['simple'], model })] });
const api = Object.assign(new Error('busy'), { statusCode: 429, [Symbol.for('vercel.ai.error.AI_APICallError')]: true });
const line = (out) => [bad instanceof ZetaError, fromAiSdkError(api, undefined, 'x') instanceof ModelCallError, out.providerMetadata.zeta.model, typeof r.embeddingModel, r.snapshot().models[0].usage.completionTokens].join(' ');
${tail}`;

  it('shares the core classes across subpaths, and installs router.languageModel() (ESM)', () => {
    const script = shared(
      "import { ZetaDynamicRouter, ZetaError, ModelCallError } from 'zeta-router'; import { aiSdkModel, fromAiSdkError } from 'zeta-router/ai-sdk';",
      "console.log(line(await r.languageModel({ task: 'simple' }).doGenerate({ prompt: [] }))); await r.close();",
    );
    const out = run(process.execPath, ['--input-type=module', '-e', script], app);
    expect(out.trim()).toBe('true true a function 1');
  });

  it('shares the core classes across subpaths, and installs router.languageModel() (CommonJS)', () => {
    const script = shared(
      "const { ZetaDynamicRouter, ZetaError, ModelCallError } = require('zeta-router'); const { aiSdkModel, fromAiSdkError } = require('zeta-router/ai-sdk');",
      "r.languageModel({ task: 'simple' }).doGenerate({ prompt: [] }).then((out) => { console.log(line(out)); return r.close(); });",
    );
    const out = run(process.execPath, ['-e', script], app);
    expect(out.trim()).toBe('true true a function 1');
  });

  it('types router.languageModel() for an ESM and a CommonJS app (node16)', () => {
    // The optional peer the ai-sdk types name, as an app using them has it.
    mkdirSync(join(app, 'node_modules', '@ai-sdk'), { recursive: true });
    symlinkSync(
      join(root, 'node_modules', '@ai-sdk', 'provider'),
      join(app, 'node_modules', '@ai-sdk', 'provider'),
      'dir',
    );
    const source = `import { ZetaDynamicRouter } from 'zeta-router';
import { aiSdkModel, type AiSdkLanguageRequest } from 'zeta-router/ai-sdk';
import type { LanguageModelV4 } from '@ai-sdk/provider';
declare const model: LanguageModelV4;
const router = new ZetaDynamicRouter({ models: [aiSdkModel({ id: 'a', model, tasks: ['simple'] })] });
export const m: LanguageModelV4 = router.languageModel({ task: 'simple' });
export const run: (req: AiSdkLanguageRequest) => Promise<unknown> = (req) => router.run(req);
const strings = new ZetaDynamicRouter<string, string>({ models: [{ id: 's', call: async (q) => q, tasks: ['simple'] }] });
// @ts-expect-error a router of string clients cannot serve AI SDK calls
strings.languageModel();
`;
    writeFileSync(join(app, 'esm.mts'), source);
    // @ai-sdk/provider is ESM only: a CommonJS file imports its types with resolution-mode import.
    writeFileSync(
      join(app, 'cjs.cts'),
      source.replace(
        "from '@ai-sdk/provider';",
        "from '@ai-sdk/provider' with { 'resolution-mode': 'import' };",
      ),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          strict: true,
          noEmit: true,
          // As apps do: the peer's own types are not this package's to check.
          skipLibCheck: true,
          types: [],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    let out = '';
    try {
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    } catch (error) {
      out = String((error as { stdout?: unknown }).stdout);
    }
    expect(out).toBe('');
  });

  it('runs the zeta-sim bin from the app', () => {
    const bin = join(
      app,
      'node_modules',
      '.bin',
      process.platform === 'win32' ? 'zeta-sim.cmd' : 'zeta-sim',
    );
    const out = run(bin, ['steady', '--requests', '200', '--strategies', 'static'], app);
    expect(out).toMatch(/steady: 200 requests, seed 1/);
    expect(out).toMatch(/^static\s+[\d,]+/m);
  });
});

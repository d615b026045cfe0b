import { defineConfig } from 'tsup';

const common = {
  dts: true,
  sourcemap: true,
  target: 'node22',
  // Code shared by entry points goes to chunks (ESM and CommonJS alike), so the core, the simulator
  // and the integrations share one copy of each class: `instanceof ZetaError` holds across
  // subpaths, and zeta-router/ai-sdk extends the very ZetaDynamicRouter apps import.
  splitting: true,
  treeshake: true,
} as const;

export default defineConfig([
  {
    ...common,
    // The core, the simulator and the integrations: ESM and CommonJS, each with its own types.
    // The integrations' peers (prom-client, @opentelemetry/api, openai, @ai-sdk/provider; redis and ioredis are only typed) stay
    // external: they are peer dependencies, so tsup leaves them out of the bundles.
    entry: {
      index: 'src/index.ts',
      'sim/index': 'src/sim/index.ts',
      'prometheus/index': 'src/integrations/prometheus/index.ts',
      'otel/index': 'src/integrations/otel/index.ts',
      'openai/index': 'src/integrations/openai/index.ts',
      'ai-sdk/index': 'src/integrations/ai-sdk/index.ts',
      'redis/index': 'src/integrations/redis/index.ts',
    },
    format: ['esm', 'cjs'],
    clean: true,
  },
  {
    ...common,
    // The zeta-sim command: ESM only (it uses top-level await).
    entry: { 'sim/cli': 'src/sim/cli.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
  },
]);

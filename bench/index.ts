/**
 * `npm run bench`: router overhead against a bare p-queue and a direct call, 1,000 models against 3,
 * the added cost of the Prometheus and OpenTelemetry integrations,
 * memory from 10k to 1M requests, and routing quality on every scenario against the pooled
 * reference. Figures are printed, never asserted.
 */
import { integrationsBench } from './integrations.js';
import { memoryBench } from './memory.js';
import { overheadBench } from './overhead.js';
import { scenarioBench } from './scenarios.js';

console.log(`zeta-router benchmarks: node ${process.version}, ${new Date().toISOString()}`);
await overheadBench();
await integrationsBench();
await memoryBench();
await scenarioBench();

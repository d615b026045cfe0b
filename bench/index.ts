/**
 * `npm run bench`: classifier cost (learned and rules, 100 B to 10 MB, adversarial inputs), router overhead against a bare p-queue and a direct call, 1,000 models against 3,
 * memory from 10k to 1M requests, and routing quality on every scenario against the pooled
 * reference. Figures are printed, never asserted.
 */
import { classifierBench } from './classifier.js';
import { memoryBench } from './memory.js';
import { overheadBench } from './overhead.js';
import { scenarioBench } from './scenarios.js';

console.log(`zeta-router benchmarks: node ${process.version}, ${new Date().toISOString()}`);
await classifierBench();
await overheadBench();
await memoryBench();
await scenarioBench();

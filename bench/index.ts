/**
 * `npm run bench`: router overhead against a bare p-queue and a direct call, 1,000 models against 3,
 * and memory from 10k to 1M requests. Figures are printed, never asserted.
 */
import { memoryBench } from './memory.js';
import { overheadBench } from './overhead.js';

console.log(`zeta-router benchmarks: node ${process.version}, ${new Date().toISOString()}`);
await overheadBench();
await memoryBench();

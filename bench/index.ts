/**
 * `npm run bench` (on the built package): classifier cost (learned and rules, 100 B to 10 MB,
 * adversarial inputs), router overhead against a bare p-queue and a direct call, the openai adapter's
 * added cost per request over loopback HTTP, 1,000 models against 3, throughput under a backlog against bare p-queues, the added cost of the Prometheus and
 * OpenTelemetry integrations, the Redis capacity coordinator against the in-memory one, memory from 10k to 1M requests, and routing quality on every
 * scenario against the pooled reference; then every target, met or missed. Figures are printed,
 * never asserted.
 */
import { backlogBench } from './backlog.js';
import { classifierBench } from './classifier.js';
import { integrationsBench } from './integrations.js';
import { memoryBench } from './memory.js';
import { openaiAdapterBench } from './openaiAdapter.js';
import { overheadBench } from './overhead.js';
import { redisBench } from './redis.js';
import { scenarioBench } from './scenarios.js';
import { printTargets } from './targets.js';

console.log(`zeta-router benchmarks: node ${process.version}, ${new Date().toISOString()}`);
await classifierBench();
await overheadBench();
await openaiAdapterBench();
await backlogBench();
await integrationsBench();
await redisBench();
await memoryBench();
await scenarioBench();
printTargets();

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonProbe, llamaCppProbe, prometheusProbe, vllmProbe } from '../../src/probe/builtins.js';

/** A loopback server answering fixed bodies by path (what the probes read). */
let server: Server;
let base: string;
const bodies = new Map<string, { status: number; body: string }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const answer = bodies.get(req.url ?? '') ?? { status: 404, body: 'not found' };
    res.writeHead(answer.status).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const signal = new AbortController().signal;

describe('built-in probes over HTTP', () => {
  it('vllmProbe reads running, waiting, KV cache and memory from /metrics', async () => {
    bodies.set('/v/metrics', {
      status: 200,
      body: [
        'vllm:num_requests_running{model_name="m"} 5',
        'vllm:num_requests_waiting{model_name="m"} 2',
        'vllm:kv_cache_usage_perc{model_name="m"} 0.8',
        'process_resident_memory_bytes 4e9',
        'process_cpu_seconds_total 12',
      ].join('\n'),
    });
    const probe = vllmProbe({
      baseURL: `${base}/v/`,
      memoryLimitBytes: 8e9,
      spillAt: { waiting: 4 },
    });
    expect(probe.spillAt).toEqual({ waiting: 4 });
    expect(await probe.read(signal)).toEqual({
      running: 5,
      waiting: 2,
      kvCacheUsage: 0.8,
      memoryUsage: 0.5,
    });
  });

  it('vllmProbe falls back to the older gpu_cache_usage_perc', async () => {
    bodies.set('/old/metrics', {
      status: 200,
      body: 'vllm:num_requests_waiting 1\nvllm:gpu_cache_usage_perc 0.3\n',
    });
    expect(await vllmProbe({ baseURL: `${base}/old` }).read(signal)).toMatchObject({
      waiting: 1,
      kvCacheUsage: 0.3,
    });
  });

  it('llamaCppProbe counts processing slots, and reads /metrics when the server has it', async () => {
    bodies.set('/l/slots', {
      status: 200,
      body: JSON.stringify([{ is_processing: true }, { is_processing: false }, { state: 1 }]),
    });
    bodies.set('/l/metrics', {
      status: 200,
      body: 'llamacpp:requests_deferred 3\nllamacpp:kv_cache_usage_ratio 0.5\n',
    });
    expect(await llamaCppProbe({ baseURL: `${base}/l` }).read(signal)).toEqual({
      running: 2,
      waiting: 3,
      kvCacheUsage: 0.5,
    });
    bodies.set('/n/slots', { status: 200, body: '[]' });
    expect(await llamaCppProbe({ baseURL: `${base}/n` }).read(signal)).toEqual({ running: 0 });
  });

  it('prometheusProbe and jsonProbe map what they are told; a bad status rejects', async () => {
    bodies.set('/p', { status: 200, body: 'q_len 7\nkv_pct 40\n' });
    const p = prometheusProbe({
      url: `${base}/p`,
      metrics: { waiting: 'q_len', kvCacheUsage: 'kv_pct' },
      kvCacheUsageScale: 0.01,
    });
    expect(await p.read(signal)).toEqual({ waiting: 7, kvCacheUsage: 0.4 });
    bodies.set('/j', { status: 200, body: JSON.stringify({ queue: 2 }) });
    const j = jsonProbe({
      url: `${base}/j`,
      map: (json) => ({ waiting: (json as { queue: number }).queue }),
    });
    expect(await j.read(signal)).toEqual({ waiting: 2 });
    await expect(
      jsonProbe({ url: `${base}/missing`, map: () => ({}) }).read(signal),
    ).rejects.toThrow(/answered 404/);
  });
});

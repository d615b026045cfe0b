import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../src/probe/prometheusText.js';

describe('parsePrometheusText', () => {
  it('sums each metric over its label sets and skips comments, blanks and bad lines', () => {
    const text = [
      '# HELP vllm:num_requests_waiting Requests waiting.',
      '# TYPE vllm:num_requests_waiting gauge',
      'vllm:num_requests_waiting{model_name="a"} 3',
      'vllm:num_requests_waiting{model_name="b",x="}"} 4 1700000000000',
      'vllm:kv_cache_usage_perc{model_name="a"} 0.25',
      'process_resident_memory_bytes 1.5e9',
      '',
      'broken_line',
      'nan_metric NaN',
      'inf_metric +Inf',
    ].join('\n');
    const m = parsePrometheusText(text);
    expect(m.get('vllm:num_requests_waiting')).toBe(7);
    expect(m.get('vllm:kv_cache_usage_perc')).toBe(0.25);
    expect(m.get('process_resident_memory_bytes')).toBe(1.5e9);
    expect(m.has('broken_line')).toBe(false);
    expect(m.has('nan_metric')).toBe(false);
    expect(m.has('inf_metric')).toBe(false);
  });

  it('reads at most maxLines lines', () => {
    expect(parsePrometheusText('a 1\nb 2\nc 3', 2).has('c')).toBe(false);
  });

  it('property: any text gives a map of finite numbers, never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        for (const v of parsePrometheusText(text).values()) expect(Number.isFinite(v)).toBe(true);
      }),
    );
  });
});
